"""bitext: offline Chinese→English translation, parallel text and term review."""
__version__ = "0.1.0"
