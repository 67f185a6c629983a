"""Placeholders that stand in for glossary terms while the model translates.

The first design used `XT1` and found it with a tolerant pattern (spaces, any case), which also
matches ordinary English: "next 1", "text 2". A model that dropped a placeholder but wrote
"next 1" then had its sentence 'restored' into "nelarge model". A placeholder must therefore be
made of something English text never contains, and be found only in forms a model produces when
it copies it. Two schemes qualify:

- one Private Use Area character per term (U+E001…): no text ever contains them;
- `ZXQ<n>`: a letter sequence no English word holds, for models whose tokenizer cannot carry a
  PUA character (without byte fallback it becomes `<unk>`, and every placeholder looks alike).

Which scheme a model can carry is decided per model with its own tokenizer (`choose_scheme`):
each placeholder must encode to known pieces and decode back unchanged. A model that can carry
neither gets no placeholders at all; the glossary English is then written into the source.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

PUA_FIRST = 0xE001
PUA_LAST = 0xF8FF
_PUA = re.compile("[\ue000-\uf8ff]")
_LATIN_TOKEN = re.compile(r"(?<![A-Za-z0-9])Z\s?X\s?Q\s?(\d{1,4})(?![0-9])", re.IGNORECASE)
# What is left of a Latin placeholder the model garbled: its letters with or without a number,
# or two or three different ones of them before a number ("XQ1", "ZQX1"; not "QQ 2", a name).
_LATIN_TRACE = re.compile(r"(?<![A-Za-z])(?:Z\s?X\s?Q|([ZXQ]{2,3})\s?\d)", re.IGNORECASE)

TokenCheck = Callable[[str], bool]


@dataclass(frozen=True)
class PlaceholderScheme:
    """How term `n` is written into the source, and how to find it again in the output."""

    name: str
    capacity: int  # how many distinct placeholders one text may hold

    def token(self, n: int) -> str:
        if not 1 <= n <= self.capacity:
            raise ValueError(f"placeholder {n} is outside 1..{self.capacity}")
        return chr(PUA_FIRST + n - 1) if self.name == "pua" else f"ZXQ{n}"

    def spans(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, n) of every placeholder in `text`, as a model may have copied it."""
        if self.name == "pua":
            return [(m.start(), m.end(), ord(m.group()) - PUA_FIRST + 1)
                    for m in _PUA.finditer(text)]
        return [(m.start(), m.end(), int(m.group(1))) for m in _LATIN_TOKEN.finditer(text)]

    def has_trace(self, text: str) -> bool:
        """True when `text` still holds a piece of a placeholder (after substitution)."""
        if self.name == "pua":
            return bool(_PUA.search(text))
        return any(not m.group(1) or len(set(m.group(1).upper())) > 1
                   for m in _LATIN_TRACE.finditer(text))

    def substitute(self, output: str, terms: dict[int, str]) -> str | None:
        """Swap placeholders for their English; None when any is lost, mangled or doubled.

        Order may change (English word order differs); every placeholder must appear exactly
        once, and nothing that looks like part of one may remain.
        """
        found = self.spans(output)
        counts = Counter(n for _, _, n in found)
        if set(counts) != set(terms) or any(c != 1 for c in counts.values()):
            return None
        out, last = [], 0
        for start, end, n in found:
            out.append(output[last:start])
            out.append(terms[n])
            last = end
        out.append(output[last:])
        if any(self.has_trace(part) for part in out[::2]):
            return None
        return "".join(out)


PUA = PlaceholderScheme("pua", PUA_LAST - PUA_FIRST + 1)
LATIN = PlaceholderScheme("latin", 9999)
SCHEMES = (PUA, LATIN)


def choose_scheme(check: TokenCheck | None) -> PlaceholderScheme | None:
    """The first scheme whose placeholders survive the model's tokenizer; None if none does.

    Checked in a sentence, beside Chinese and numbers, as the model will see them. Without a
    check (an engine whose tokenizer cannot be reached) the Latin scheme is used: any model
    with a Latin vocabulary carries it, while a PUA character must be proven to survive.
    """
    if check is None:
        return LATIN
    for scheme in SCHEMES:
        sample = (f"第一{scheme.token(1)}和{scheme.token(2)}，还有 {scheme.token(12)} 与 "
                  f"2024 年的 {scheme.token(3)}。")
        if check(sample):
            return scheme
    return None


def _words(text: str) -> list[str]:
    """Text as SentencePiece normalises it (NFKC: ， → ,), spacing aside."""
    return unicodedata.normalize("NFKC", text).split()


def sentencepiece_check(model_file: Path) -> TokenCheck:
    """A check that `text` encodes to known pieces and decodes back (spacing aside)."""
    import sentencepiece

    sp = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
    unk = sp.unk_id()

    def keeps(text: str) -> bool:
        ids = sp.encode(text)
        return unk not in ids and _words(sp.decode(ids)) == _words(text)

    return keeps


def engine_check(engine: object) -> TokenCheck | None:
    """The tokenizer check for an engine, from what it offers: its own `keeps_text(text)`, a
    `copied(text)` (the text after a source-encode/target-decode round trip), or its package's
    SentencePiece model; else None (nothing to check against)."""
    own = getattr(engine, "keeps_text", None)
    if callable(own):
        return own
    copied = getattr(engine, "copied", None)
    if callable(copied):
        return lambda text: _words(copied(text)) == _words(text)
    tokenizer = getattr(getattr(engine, "package", None), "tokenizer", None)
    if isinstance(tokenizer, Path) and tokenizer.name == "sentencepiece.model":
        return sentencepiece_check(tokenizer)
    return None
