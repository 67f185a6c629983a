"""The term base: entries, the TSV format editors keep in git, and its validation.

TSV because it diffs line by line and opens in any spreadsheet. Spacing variants (系统 2 / 系统2)
and Traditional forms are generated, never typed, so they cannot drift from the Simplified form.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from ..errors import BitextError
from ..script import to_simplified, to_traditional
from ..textio import decode, read_bytes

COLUMNS = ["source", "target", "forbidden", "category", "note", "keep", "context", "tier", "sense",
           "admitted"]
CATEGORIES = {"concept", "person", "org", "product", "work", "event", "place", "title"}
NAME_CATEGORIES = CATEGORIES - {"concept"}


class Tier(Enum):
    """What the review does when the preferred rendering is absent.

    Enforced: the rendering must be there (names, products, fixed terms). Suggested: the
    rendering is what translate uses, but a human translator may word it otherwise (参数 →
    "parameters" or "weights"), so its absence is not a review problem; a forbidden rendering
    still is.
    """

    ENFORCED = "enforced"
    SUGGESTED = "suggested"
LIST_SEP = re.compile(r"\s*\|\s*")
_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_GAP = re.compile(rf"(?<=[{_HAN}])\s+(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])\s+(?=[{_HAN}])")
_JOIN = re.compile(rf"(?<=[{_HAN}])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[{_HAN}])")


@dataclass
class Entry:
    sources: list[str]
    target: str
    forbidden: list[str] = field(default_factory=list)
    category: str = "concept"
    note: str | None = None
    keep: bool = False
    context: list[str] = field(default_factory=list)  # patterns with ~ for the term
    file: str = ""
    line: int = 0
    tier: Tier = Tier.ENFORCED
    # cue words that select this sense of a source shared with other entries (推理 → inference
    # near 部署, GPU, 速度; → reasoning near 思考, 数学); see glossary/senses.py
    sense: list[str] = field(default_factory=list)
    # other renderings a reviewer accepts (TBX "admitted"): 泛化 → "generalize" for the verb
    admitted: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        base = self.sources[0] if self.sources else self.target
        return f"{base}~{self.target}" if self.context or self.sense else base

    @property
    def is_name(self) -> bool:
        """Names and keep-as-is terms: a lost one is a must-fix, a respelled one is drift."""
        return self.keep or self.category in NAME_CATEGORIES

    def renderings(self) -> list[str]:
        return [self.target, *self.admitted]

    def forms(self) -> list[str]:
        """Every surface form matched in Chinese text: as written, spacing variants,
        Traditional, and Simplified where the form as written is Traditional.

        A form is never folded to Simplified at load: OpenCC's t2s turns 昇腾 (Huawei's Ascend,
        already Simplified) into 升腾, an everyday word. The Simplified variant is added only
        when the written form is the Traditional of it (機器學習 → 机器学习)."""
        out: list[str] = []
        for form in self.sources:
            for variant in (form, _GAP.sub("", form), _JOIN.sub(" ", form)):
                for script in (variant, to_traditional(variant), simplified_form(variant)):
                    if script and script not in out:
                        out.append(script)
        return out

    def context_matches(self, text: str, start: int, end: int) -> bool:
        for pattern in self.context:
            before, _, after = pattern.partition("~")
            if text[max(0, start - len(before)):start] == before and text[end:end + len(after)] == after:
                return True
        return False

    def to_row(self) -> list[str]:
        return [" | ".join(self.sources), self.target, " | ".join(self.forbidden), self.category,
                self.note or "", "yes" if self.keep else "", " | ".join(self.context),
                "" if self.tier is Tier.ENFORCED else self.tier.value, " | ".join(self.sense),
                " | ".join(self.admitted)]


def simplified_form(form: str) -> str:
    """The Simplified spelling of a form written in Traditional; any other form as written.

    OpenCC's t2s folds some Simplified characters too (昇腾 → 升腾, a different word), so a form
    is folded only when it is the Traditional of its folding (機器學習 → 机器学习)."""
    simple = to_simplified(form)
    return simple if simple != form and to_traditional(simple) == form else form


@dataclass
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Glossary:
    entries: list[Entry] = field(default_factory=list)

    @property
    def version(self) -> str:
        """Hash of the content that affects translation: part of every cache key."""
        h = hashlib.sha256()
        for e in self.entries:
            h.update("\t".join(e.to_row()).encode())
            h.update(b"\n")
        return h.hexdigest()[:16]

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def lookup(self, chinese: str) -> Entry | None:
        """The default (context-free) entry for a Chinese form: used for speaker names."""
        written = chinese.strip()
        forms = {written, simplified_form(written)}
        for e in self.entries:
            if not e.context and not e.sense and forms & set(e.sources):
                return e
        return None


def _split(value: str) -> list[str]:
    return [v for v in LIST_SEP.split(value.strip()) if v] if value.strip() else []


def parse_rows(rows: list[tuple[int, dict[str, str]]], file: str) -> tuple[list[Entry], list[Problem]]:
    entries: list[Entry] = []
    problems: list[Problem] = []
    for line, row in rows:
        sources = _split(row.get("source", ""))
        target = (row.get("target") or "").strip()
        if not sources:
            problems.append(Problem(file, line, "empty source: give the Chinese term"))
            continue
        if not target:
            problems.append(Problem(file, line, f"empty target for '{sources[0]}'"))
            continue
        category = (row.get("category") or "concept").strip() or "concept"
        if category not in CATEGORIES:
            problems.append(Problem(file, line, f"unknown category '{category}' "
                                                f"(use one of {', '.join(sorted(CATEGORIES))})"))
        forbidden = _split(row.get("forbidden", ""))
        for f in forbidden:
            if f.casefold() == target.casefold():
                problems.append(Problem(file, line, f"forbidden rendering '{f}' equals the "
                                                    f"preferred target"))
        context = _split(row.get("context", ""))
        for pattern in context:
            if pattern.count("~") != 1:
                problems.append(Problem(file, line, f"context pattern '{pattern}' must contain "
                                                    f"exactly one ~ standing for the term"))
        keep = (row.get("keep") or "").strip().lower() in ("yes", "y", "true", "1")
        tier_text = (row.get("tier") or "").strip().lower() or Tier.ENFORCED.value
        try:
            tier = Tier(tier_text)
        except ValueError:
            problems.append(Problem(file, line, f"unknown tier '{tier_text}' (use enforced or "
                                                f"suggested)"))
            tier = Tier.ENFORCED
        admitted = _split(row.get("admitted", ""))
        for a in admitted:
            if a in forbidden:
                problems.append(Problem(file, line, f"'{a}' is both admitted and forbidden"))
        entries.append(Entry(sources, target, forbidden, category,
                             (row.get("note") or "").strip() or None, keep, context, file, line,
                             tier, _split(row.get("sense", "")), admitted))
    problems.extend(conflicts(entries))
    return entries, problems


def conflicts(entries: list[Entry]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Entry] = {}
    for e in entries:
        for form in e.sources:
            key = (simplified_form(form), tuple(e.context), tuple(e.sense))
            other = seen.get(key)
            if other is None:
                seen[key] = e
            elif other.target != e.target:
                problems.append(Problem(e.file, e.line, f"'{form}' → '{e.target}' conflicts with "
                                                        f"'{other.target}' at line {other.line}"))
            else:
                problems.append(Problem(e.file, e.line, f"duplicate entry '{form}' (also line "
                                                        f"{other.line})"))
    return problems


def read_table(path: Path) -> list[tuple[int, dict[str, str]]]:
    """TSV or CSV rows keyed by header, with their line numbers."""
    text = decode(read_bytes(path), str(path))
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise BitextError("glossary is empty", path=str(path))
    if "source" not in header or "target" not in header:
        raise BitextError("header must name at least 'source' and 'target' columns", path=str(path),
                          line=1, hint=f"columns: {', '.join(COLUMNS)}")
    rows = []
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if len(row) > len(header):
            rows.append((line, {"source": "", "_bad": f"{len(row)} fields, header has {len(header)}"}))
            continue
        rows.append((line, dict(zip(header, row))))
    return rows


def load_file(path: Path) -> tuple[list[Entry], list[Problem]]:
    if path.suffix.lower() == ".tbx":
        from .tbx import read_tbx

        return read_tbx(path), []
    rows = read_table(path)
    bad = [Problem(str(path), line, f"malformed row: {row['_bad']}")
           for line, row in rows if "_bad" in row]
    entries, problems = parse_rows([(l, r) for l, r in rows if "_bad" not in r], str(path))
    return entries, bad + problems


def default_glossary_files() -> list[Path]:
    """`./glossary/*.tsv`, else the glossary shipped beside the package in a checkout."""
    for folder in (Path.cwd() / "glossary", Path(__file__).resolve().parents[2] / "glossary"):
        files = sorted(folder.glob("*.tsv"))
        if files:
            return files
    return []


def load_glossary(paths: list[Path] | None = None, *, strict: bool = True) -> Glossary:
    """Load and merge term bases; any problem is a user error unless `strict` is off."""
    files = paths if paths else default_glossary_files()
    entries: list[Entry] = []
    problems: list[Problem] = []
    for path in files:
        e, p = load_file(Path(path))
        entries.extend(e)
        problems.extend(p)
    if problems and strict:
        first = problems[0]
        raise BitextError(f"{first.message} ({len(problems)} problem(s); run `bitext glossary "
                          f"validate {first.file}`)", path=first.file, line=first.line)
    return Glossary(entries)


def write_tsv(entries: list[Entry]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow(e.to_row())
    return buf.getvalue()
