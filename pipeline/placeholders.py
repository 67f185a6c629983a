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

    @property
    def term_capacity(self) -> int:
        """Placeholders for terms; the top `TAG_SLOTS` numbers are kept for formatting tags."""
        return self.capacity - TAG_SLOTS

    def tag(self, k: int, opening: bool) -> int:
        """The placeholder number of span `k`'s opening or closing tag (from the top down)."""
        if not 0 <= k < TAG_SLOTS // 2:
            raise ValueError(f"tag {k} is outside 0..{TAG_SLOTS // 2 - 1}")
        return self.capacity - 2 * k - (0 if opening else 1)

    def substitute(self, output: str, terms: dict[int, str]) -> str | None:
        """Swap placeholders for their English; None when any is lost, mangled or doubled.

        Order may change (English word order differs); every placeholder must appear exactly
        once, and nothing that looks like part of one may remain.
        """
        decoded = self.decode(output, terms, {})
        return None if decoded is None else decoded.text

    def decode(self, output: str, terms: dict[int, str],
               tags: dict[int, tuple[int, bool]]) -> "Decoded | None":
        """Terms swapped for their English and formatting tags taken out, with where each tag
        stood in the result. None when a term is lost, mangled or doubled (the segment is
        translated again); a tag the model lost or doubled only costs its span (`Decoded.tags`
        lists every position found, the caller decides what a span can use)."""
        found = self.spans(output)
        counts = Counter(n for _, _, n in found if n in terms)
        if set(counts) != set(terms) or any(c != 1 for c in counts.values()):
            return None
        if any(n not in terms and n not in tags for _, _, n in found):
            return None  # a placeholder the model made up
        out: list[str] = []
        length, last = 0, 0
        positions: list[tuple[int, bool, int]] = []
        for start, end, n in found:
            piece = output[last:start]
            if self.has_trace(piece):
                return None
            out.append(piece)
            length += len(piece)
            if n in terms:
                out.append(terms[n])
                length += len(terms[n])
            else:
                k, opening = tags[n]
                positions.append((k, opening, length))
            last = end
        tail = output[last:]
        if self.has_trace(tail):
            return None
        out.append(tail)
        if not positions:  # terms only: the model's spacing is kept as it wrote it
            return Decoded("".join(out), [])
        text, moved = tidy("".join(out), [p for _, _, p in positions])
        return Decoded(text, [(k, opening, at) for (k, opening, _), at in zip(positions, moved)])


TAG_SLOTS = 64  # 32 formatting spans per segment; more are placed by the fallback


@dataclass(frozen=True)
class Decoded:
    text: str
    tags: list[tuple[int, bool, int]]  # (span k, opening?, offset in text) as found


_GAP = re.compile(r"(?P<all> +(?=[,.;:!?)\]}”’])|(?<=[(\[{“‘]) +)|(?P<run> {2,})")


def tidy(text: str, positions: list[int]) -> tuple[str, list[int]]:
    """Spacing left by removed tags ("data  is", "matters ,") collapsed, with `positions`
    moved along; the text is trimmed. Text with no such gaps comes back unchanged."""
    cut: list[tuple[int, int]] = [(m.start() + (1 if m.group("run") else 0), m.end())
                                  for m in _GAP.finditer(text)]
    lead = len(text) - len(text.lstrip(" "))
    trail = len(text.rstrip(" "))
    if lead:
        cut.insert(0, (0, lead))
    if trail < len(text):
        cut.append((trail, len(text)))
    if not cut:
        return text, positions
    keep = [True] * len(text)
    for a, b in cut:
        keep[a:b] = [False] * (b - a)
    before = [0] * (len(text) + 1)  # kept characters before each index
    for i, k in enumerate(keep):
        before[i + 1] = before[i] + k
    return "".join(ch for ch, k in zip(text, keep) if k), [before[p] for p in positions]


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
