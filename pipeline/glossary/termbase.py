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
from functools import lru_cache
from pathlib import Path

from ..errors import BitextError
from ..script import simplify_aligned, taiwan_phrasing, to_simplified, to_traditional
from ..textio import decode, read_bytes

COLUMNS = ["source", "target", "forbidden", "category", "note", "keep", "context", "tier", "sense",
           "admitted", "provenance", "annotate"]
CATEGORIES = {"concept", "person", "org", "product", "benchmark", "work", "event", "place", "title"}
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


@lru_cache(maxsize=4096)
def _context_parts(pattern: str) -> tuple[str, str]:
    """A context pattern's text before and after the `~`, in Simplified."""
    before, _, after = pattern.partition("~")
    return simplify_aligned(before), simplify_aligned(after)


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
    # where the English comes from (the owner's own English page, a paper title, a publication):
    # what an editor checks before changing an entry
    provenance: str = ""
    # whether this edition carries the entry's note as a translator's footnote (column
    # `annotate`: yes/no, empty = yes when there is a note). A separate switch rather than an
    # emptied note, so the note text stays with the entry for the next edition that wants it
    annotate: bool = True

    @property
    def shows_note(self) -> bool:
        """Whether the annotate stage gives this entry a translator's note."""
        return bool(self.note) and self.annotate

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
                taiwan = taiwan_phrasing(variant)
                # Traditional text is matched after t2s, so the Taiwan wording is also needed
                # in Simplified characters (晶片 for 芯片)
                for script in (variant, to_traditional(variant), simplified_form(variant), taiwan,
                               simplified_form(taiwan)):
                    if script and script not in out:
                        out.append(script)
        return out

    def context_matches(self, text: str, start: int, end: int) -> bool:
        """Whether the term at text[start:end] stands in one of the context patterns.

        Both sides are folded to Simplified: a Traditional text (a TMX that `check` reads as
        written) must meet the same rules as its Simplified twin (推理服務 is 推理服务).
        """
        for pattern in self.context:
            before, after = _context_parts(pattern)
            if (simplify_aligned(text[max(0, start - len(before)):start]) == before
                    and simplify_aligned(text[end:end + len(after)]) == after):
                return True
        return False

    def to_row(self) -> list[str]:
        return [" | ".join(self.sources), self.target, " | ".join(self.forbidden), self.category,
                self.note or "", "yes" if self.keep else "", " | ".join(self.context),
                "" if self.tier is Tier.ENFORCED else self.tier.value, " | ".join(self.sense),
                " | ".join(self.admitted), self.provenance, "" if self.annotate else "no"]


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
    files: list[tuple[str, int]] = field(default_factory=list)  # (path, entries read) in load order

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


# the `annotate` column: whether the entry's note is shown (empty: yes, when there is a note)
_SWITCH = {"yes": True, "y": True, "true": True, "1": True,
           "no": False, "n": False, "false": False, "0": False}


def parse_rows(rows: list[tuple[int, dict[str, str]]], file: str, *,
               skip_untranslated: bool = False) -> tuple[list[Entry], list[Problem]]:
    """Entries and problems; `skip_untranslated` passes over rows with no target (a `bitext
    terms` worksheet's rows the translator left open) instead of reporting them."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    for line, row in rows:
        sources = _split(row.get("source", ""))
        target = (row.get("target") or "").strip()
        if not sources:
            problems.append(Problem(file, line, "empty source: give the Chinese term"))
            continue
        if not target and skip_untranslated:
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
        keep = _SWITCH.get((row.get("keep") or "").strip().lower()) is True
        tier_text = (row.get("tier") or "").strip().lower() or Tier.ENFORCED.value
        try:
            tier = Tier(tier_text)
        except ValueError:
            problems.append(Problem(file, line, f"unknown tier '{tier_text}' (use enforced or "
                                                f"suggested)"))
            tier = Tier.ENFORCED
        note = (row.get("note") or "").strip() or None
        switch = (row.get("annotate") or "").strip().lower()
        annotate = _SWITCH.get(switch) if switch else True
        if annotate is None:
            problems.append(Problem(file, line, f"unknown annotate value '{switch}' (use yes, no "
                                                f"or leave it empty)"))
            annotate = True
        elif switch and annotate and note is None:
            problems.append(Problem(file, line, f"annotate '{switch}' for '{sources[0]}' but the "
                                                f"entry has no note to show"))
        admitted = _split(row.get("admitted", ""))
        for a in admitted:
            if a in forbidden:
                problems.append(Problem(file, line, f"'{a}' is both admitted and forbidden"))
        entries.append(Entry(sources, target, forbidden, category, note, keep, context, file, line,
                             tier, _split(row.get("sense", "")), admitted,
                             (row.get("provenance") or "").strip(),
                             annotate=annotate))
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


# Spreadsheets run a cell that starts with one of these as a formula (`=cmd|' /c calc'!A1`):
# written with a leading apostrophe, which spreadsheets show as text and `read_table` removes.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_CHAR = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")


def read_table(path: Path) -> list[tuple[int, dict[str, str]]]:
    """TSV or CSV rows keyed by header, with the line each row starts on.

    A row the file cannot mean as written comes back as `{"_bad": why}` so `validate` lists it
    at file:line: a quote left open (it would swallow the rows after it), a field over the csv
    module's limit, characters no output can hold. A tab inside a quoted field becomes a space:
    the TBX exchange and the TSV itself use tabs to separate fields.
    """
    where = str(path)
    text = decode(read_bytes(path), where)
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise BitextError("glossary is empty", path=where) from None
    except csv.Error as exc:
        raise BitextError(f"unreadable header ({exc})", path=where, line=1) from None
    if "source" not in header or "target" not in header:
        raise BitextError("header must name at least 'source' and 'target' columns", path=where,
                          line=1, hint=f"columns: {', '.join(COLUMNS)}")
    rows = []
    end = reader.line_num
    while True:
        line = end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field over csv.field_size_limit(): refuse the whole file
            raise BitextError(f"unreadable row ({exc})", path=where, line=reader.line_num,
                              hint="a field this long is not a term; look for a stray quote "
                                   "(\") before it") from None
        end = reader.line_num
        if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        problem = _row_problem(row, header, line, end)
        if problem:
            rows.append((line, {"source": "", "_bad": problem}))
            continue
        rows.append((line, dict(zip(header, (_cell(c) for c in row)))))
    return rows


def _row_problem(row: list[str], header: list[str], line: int, end: int) -> str | None:
    if end > line and any("\n" in c for c in row):
        return (f"a quoted field runs from line {line} to line {end}: a quote (\") is not "
                f"closed, which swallows the rows after it")
    if len(row) > len(header):
        return f"{len(row)} fields, header has {len(header)}"
    for cell in row:
        bad = _UNSAFE_CHAR.search(cell)
        if bad:
            return f"control character U+{ord(bad.group()):04X} in a field"
    return None


def _cell(value: str) -> str:
    """A cell as meant: a tab inside it as a space, the formula guard apostrophe removed."""
    value = value.replace("\t", " ")
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_START:
        return value[1:]
    return value


def _neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def load_file(path: Path, *, skip_untranslated: bool = False) -> tuple[list[Entry], list[Problem]]:
    if path.suffix.lower() == ".tbx":
        from .tbx import read_tbx

        return read_tbx(path), []
    rows = read_table(path)
    bad = [Problem(str(path), line, f"malformed row: {row['_bad']}")
           for line, row in rows if "_bad" in row]
    entries, problems = parse_rows([(l, r) for l, r in rows if "_bad" not in r], str(path),
                                   skip_untranslated=skip_untranslated)
    return entries, bad + problems


def shipped_glossary_files() -> list[Path]:
    """The term base that ships with bitext.

    In a wheel it is package data (`pipeline/shipped_glossary/`, mapped from the repository's
    top-level `glossary/` by setup.py); in a checkout or editable install it is that folder
    itself. Never the current directory: a stray `./glossary/` must not replace it silently.
    """
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "shipped_glossary", package.parent / "glossary"):
        files = sorted(folder.glob("*.tsv"))
        if files:
            return files
    return []


def _entry_keys(entry: Entry) -> set[tuple[str, tuple[str, ...]]]:
    return {(form, tuple(entry.context)) for form in entry.sources}


def overlay(base: list[Entry], user: list[Entry]) -> list[Entry]:
    """User entries override base entries entry by entry (same Chinese form and context) and
    add the rest: a project glossary only needs the rows it changes."""
    replaced: set[tuple[str, tuple[str, ...]]] = set()
    for entry in user:
        replaced |= _entry_keys(entry)
    return [e for e in base if not (_entry_keys(e) & replaced)] + user


def load_glossary(paths: list[Path] | None = None, *, with_shipped: bool | None = None,
                  strict: bool = True) -> Glossary:
    """Load and merge term bases; any problem is a user error unless `strict` is off.

    `with_shipped`: put the shipped term base underneath `paths` (the command line always does;
    None keeps the library default: shipped only when no paths are given)."""
    paths = [Path(p) for p in (paths or [])]
    if with_shipped is None:
        with_shipped = not paths
    shipped = shipped_glossary_files() if with_shipped else []
    if with_shipped and not shipped:
        raise BitextError("the shipped glossary is missing from this installation",
                          hint="reinstall bitext, or pass --no-shipped-glossary -g FILE")
    entries: list[Entry] = []
    problems: list[Problem] = []
    loaded: list[tuple[str, int]] = []
    for group in (shipped, paths):
        group_entries: list[Entry] = []
        for path in group:
            e, p = load_file(path)
            group_entries.extend(e)
            problems.extend(p)
            loaded.append((str(path), len(e)))
        entries = overlay(entries, group_entries) if group is paths else group_entries
    if problems and strict:
        first = problems[0]
        raise BitextError(f"{first.message} ({len(problems)} problem(s); run `bitext glossary "
                          f"validate {first.file}`)", path=first.file, line=first.line)
    return Glossary(entries, files=loaded)


def write_tsv(entries: list[Entry]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow([_neutralise(cell) for cell in e.to_row()])
    return buf.getvalue()
