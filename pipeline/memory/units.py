"""What a memory holds and what reading it found: units, skipped units with reasons, duplicates.

Every unit of a memory is accounted for: used, skipped with a reason, or dropped as a duplicate
under a stated rule. A report that only counts what was used hides a memory that added nothing.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from ..model import InlineSpan
from .inline import InlineCode


class Skip(Enum):
    NO_CHINESE = "no Chinese variant"
    NO_ENGLISH = "no English variant"
    EMPTY_SOURCE = "empty Chinese"
    UNTRANSLATED = "untranslated in TM (blank English)"
    COPY = "untranslated in TM (both sides are the same text)"


class Level(Enum):
    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"


DUPLICATE_RULE = "most recent change date wins; on a tie, the later unit"


@dataclass(slots=True)
class TMUnit:
    source: str
    target: str
    tuid: str = ""
    note: str = ""
    date: str = ""  # TMX changedate (or creationdate): YYYYMMDDThhmmssZ sorts as text
    origin: str = ""  # the memory file it came from
    level: Level = Level.SENTENCE
    target_codes: tuple[InlineCode, ...] = ()  # codes that are not formatting
    # formatting as spans over the visible `source` / `target` (TMX bpt/ept or hi, XLIFF g/pc)
    source_spans: tuple[InlineSpan, ...] = ()
    target_spans: tuple[InlineSpan, ...] = ()


@dataclass
class Duplicate:
    source: str
    kept: str
    dropped: str

    def line(self) -> str:
        return f"{self.source!r}: kept {self.kept!r}, dropped {self.dropped!r}"


@dataclass
class MemoryReport:
    """Per memory file: what was read, used, skipped (why), duplicated, and later hit."""

    path: str
    units: int = 0
    used: int = 0
    skipped: Counter = field(default_factory=Counter)  # Skip -> count
    skipped_examples: dict = field(default_factory=dict)  # Skip -> first unit id/text
    duplicates: list[Duplicate] = field(default_factory=list)
    identical: int = 0  # duplicates with the same translation, merged
    languages: Counter = field(default_factory=Counter)
    hits: Counter = field(default_factory=Counter)  # exact | paragraph | fuzzy
    repeated_ids: list[str] = field(default_factory=list)  # XLIFF ids seen more than once

    def skip(self, reason: Skip, example: str) -> None:
        self.skipped[reason] += 1
        self.skipped_examples.setdefault(reason, example)

    def lines(self, with_hits: bool = False) -> list[str]:
        skipped = "; ".join(f"{n} {r.value}" for r, n in sorted(self.skipped.items(),
                                                                key=lambda x: x[0].name))
        out = [f"memory {self.path}: {self.units} units read, {self.used} used"
               + (f", skipped: {skipped}" if skipped else "")
               + (f"; {len(self.duplicates)} conflicting duplicate(s) ({DUPLICATE_RULE})"
                  if self.duplicates else "")
               + (f"; {self.identical} identical duplicate(s) merged" if self.identical else "")]
        if self.hits:
            out[0] += "; hits: " + ", ".join(f"{k} {self.hits[k]}" for k in
                                            ("exact", "paragraph", "fuzzy") if self.hits[k])
        elif with_hits:
            out[0] += "; no hits: this memory added nothing to the document"
        if self.repeated_ids:
            out.append(f"  repeated id(s), every copy read: {', '.join(self.repeated_ids[:10])}")
        out += [f"  duplicate: {d.line()}" for d in self.duplicates[:10]]
        if len(self.duplicates) > 10:
            out.append(f"  … and {len(self.duplicates) - 10} more duplicate(s)")
        return out

    def found_languages(self) -> str:
        return ", ".join(f"{code} ({n})" for code, n in self.languages.most_common()) or "none"
