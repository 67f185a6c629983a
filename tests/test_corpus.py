"""Real texts of varied layouts (tests/corpus/, see SOURCES.md) read against structures written
by hand from reading each text: title, metadata, sections, speakers with turn counts, what is
dropped. And for every text: each Han character of the input is accounted for."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml

from pipeline.model import Document, ParagraphKind
from pipeline.readers import read_document
from pipeline.textio import decode
from tests.conftest import SAMPLE

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = sorted(CORPUS.glob("*.expected.yaml"))
INPUTS = sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix in (".md", ".txt", ".docx")
                and p.name != "SOURCES.md")
HAN = re.compile(r"[\u3400-\u9fff]")


def _input_for(expected: Path) -> Path:
    stem = expected.name[: -len(".expected.yaml")]
    return next(p for p in INPUTS if p.stem == stem)


def _turns(doc: Document) -> dict[str, int]:
    return doc.turn_counts()


def test_corpus_is_big_enough():
    assert len(EXPECTED) >= 10 and all(_input_for(e) for e in EXPECTED)


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: p.name.split(".")[0])
def test_structure_matches_hand_written_expectation(expected_path):
    want = yaml.safe_load(expected_path.read_text(encoding="utf-8"))
    doc = read_document(_input_for(expected_path))
    assert (doc.title.display if doc.title else None) == want["title"]
    meta = asdict(doc.metadata)
    for key, value in (want.get("metadata") or {}).items():
        if key == "extra":
            for k, v in value.items():
                assert meta["extra"].get(k) == v, k
        else:
            assert meta[key] == value, key
    sections = [[s.number, s.title.display if s.title else None, s.level]
                for s in doc.sections if s.number or s.title]
    assert sections == want.get("sections", [])
    assert _turns(doc) == (want.get("speakers") or {})
    assert {d.kind for d in doc.dropped} == set(want.get("dropped", []))
    body = [s.display for s in doc.body_segments()]
    if "body_first" in want:
        assert body[0].startswith(want["body_first"]), body[0]
    if "body_last" in want:
        assert body[-1].endswith(want["body_last"]), body[-1]
    kinds = Counter(p.kind for s in doc.sections for p in s.paragraphs)
    assert kinds[ParagraphKind.CODE] == want.get("code_blocks", 0)
    assert kinds[ParagraphKind.TABLE] == want.get("tables", 0)
    for text in want.get("not_in_body", []):
        assert not any(text in s for s in body), text


def _accounted(doc: Document) -> Counter:
    """Han characters the document kept somewhere: text, titles, labels, metadata, dropped."""
    parts: list[str] = [doc.title.display if doc.title else ""]
    for section in doc.sections:
        parts += [section.number or "", section.title.display if section.title else ""]
        for para in section.paragraphs:
            parts += [para.label or "", para.verbatim]
            parts += [s.display for s in para.segments]
    parts += [n.segment.display + n.label for n in doc.notes]
    parts += [d.text for d in doc.dropped]
    meta = asdict(doc.metadata)
    parts += [str(v) for k, v in meta.items() if k != "extra"] + list(meta["extra"].values())
    return Counter(HAN.findall("".join(parts)))


@pytest.mark.parametrize("path", [*INPUTS, SAMPLE], ids=lambda p: p.name)
def test_every_han_character_is_accounted_for(path):
    """Nothing written in the input vanishes: each Han character (with its count) is in a
    segment, a title, a speaker label, metadata, a code block or the dropped list."""
    raw = decode(path.read_bytes(), str(path))
    raw = re.sub(r"\]\([^)]*\)", "]", raw)  # link and image targets are addresses, not text
    doc = read_document(path)
    missing = Counter(HAN.findall(raw)) - _accounted(doc)
    assert not missing, "".join(sorted(missing.elements()))[:200]
