"""Checks the review runs on a segment pair that are not about glossary terms (numbers)."""
