"""Numbers compared by value, not by digit string.

A translator re-expresses numbers: 62 亿 → "6.2 billion", 100万 → "1 million", 7500 → "7,500",
30% → "30 percent", 第3 → "third", 5月 → "May". Comparing digit strings flags every one of those
and misses the errors that matter: 3万亿 → "3 billion" keeps the digit and loses a factor of a
thousand. So both sides are parsed into values and the values are compared.

Only numbers written with digits (or a Chinese numeral carrying a magnitude, 十亿) are checked
on the Chinese side: bare 一/两/三 are words as often as numbers (一个问题, 一些), and checking
them would be noise.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import Enum

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_MAGNITUDES = [("万亿", 1e12), ("千亿", 1e11), ("百亿", 1e10), ("十亿", 1e9), ("亿", 1e8),
                  ("千万", 1e7), ("百万", 1e6), ("十万", 1e5), ("万", 1e4), ("千", 1e3),
                  ("百", 1e2)]
_EN_MAGNITUDES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6,
                  "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "t": 1e12,
                  "hundred": 1e2}
_EN_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_EN_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                  "eighty": 80, "ninety": 90, "a hundred": 100, "a thousand": 1000,
                  "dozen": 12, "a dozen": 12, "single": 1, "once": 1, "twice": 2, "double": 2,
                  "doubled": 2, "both": 2, "pair": 2, "couple": 2, "triple": 3, "tripled": 3,
                  "thrice": 3, "half": 0.5, "quarter": 0.25, "tenfold": 10, "hundredfold": 100})
_EN_ORDINALS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split())}
_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december"
    .split())}
_MONTHS.update({m[:3]: n for m, n in list(_MONTHS.items())})
_MONTHS.update({"sept": 9})

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_NUMERAL = "零〇一二两三四五六七八九十百千"
_MAG_ALT = "|".join(m for m, _ in _CN_MAGNITUDES)
# a digit number, optionally a magnitude and a percent/ordinal/date marker around it
_ZH_NUMBER = re.compile(
    rf"(?P<ord>第)?(?P<num>{_NUM})\s*(?P<mag>{_MAG_ALT})?(?P<suffix>[KkMmBbTt](?![A-Za-z]))?"
    rf"\s*(?P<pct>%|％)?(?P<date>年|月|日|号)?")
# a numeral never starts with 零: 零一万物 is a company (01.AI), not 10,000 of anything
_ZH_WORD_MAGNITUDE = re.compile(
    rf"(?<![{_CN_NUMERAL}])(?P<num>[一二两三四五六七八九十百千][{_CN_NUMERAL}]*?)(?P<mag>万亿|亿|万)")
_ZH_PERCENT_WORDS = re.compile(rf"百分之(?P<num>{_NUM}|[{_CN_NUMERAL}]+)")
_ZH_RANGE_SEP = re.compile(r"\s*(?:-|–|~|～|至|到)\s*$")

_EN_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9.])(?P<num>{_NUM})(?:\s*(?P<ord>st|nd|rd|th)\b)?"
    rf"(?:\s*-?\s*(?P<mag>thousand|million|billion|trillion|hundred|mn|bn)\b|(?P<suffix>[KkMmBbTt])(?![A-Za-z]))?"
    rf"\s*(?P<pct>%|percent\b|per cent\b|percentage points?\b|pp\b)?", re.IGNORECASE)
_EN_WORD = re.compile(
    r"\b(?P<word>" + "|".join(sorted(map(re.escape, _EN_WORDS), key=len, reverse=True))
    + r")\b(?:[\s-]+(?P<mag>thousand|million|billion|trillion|hundred)s?\b)?", re.IGNORECASE)
_EN_ORDINAL = re.compile(r"\b(" + "|".join(_EN_ORDINALS) + r")\b", re.IGNORECASE)
_EN_MONTH = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?",
                       re.IGNORECASE)
_EN_DECADE = re.compile(r"\b'(\d{2})s?\b|\b(\d{2})s\b")


class NumberKind(Enum):
    """Why a number is wrong: a reviewer fixes a lost number differently from a magnitude slip."""

    MISSING = "missing"
    MAGNITUDE = "magnitude"
    SWAPPED = "swapped"


@dataclass(frozen=True)
class Quantity:
    """A number in the Chinese text: its value and the text it came from."""

    value: float
    text: str
    start: int
    end: int
    kind: str = "plain"  # plain | percent | ordinal | year | month | day


@dataclass(frozen=True)
class NumberProblem:
    kind: NumberKind
    quantity: Quantity
    found: str | None = None  # what the English has instead, for magnitude and swap


def _digits(value: str) -> float:
    return float(value.replace(",", ""))


def _cn_numeral(text: str) -> float | None:
    """十二 → 12, 三千五百 → 3500, 两 → 2; None when it is not a numeral."""
    if not text:
        return None
    total, current = 0.0, 0.0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def _magnitude(mag: str | None) -> float:
    if not mag:
        return 1.0
    return dict(_CN_MAGNITUDES).get(mag, 1.0)


def _inside_identifier(text: str, start: int, end: int) -> bool:
    """7 in "GPT-4o", "Qwen2", "v1.5" or "H100" is part of a name, not a quantity; 8 in
    "8-shot" or "4-bit" is a quantity."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return bool(re.match(r"[A-Za-z_./\\]", before) or (before == "-" and start > 1
                and re.match(r"[A-Za-z]", text[start - 2]))  # GPT-4, not the range 3-5
                or re.match(r"[A-Za-z_]", after) and after not in "KkMmBbTt"
                and not (after in "xX" and not text[end + 1:end + 2].isalpha())  # 10x
                or after == "-" and end + 1 < len(text) and text[end + 1].isupper())


def source_quantities(text: str) -> list[Quantity]:
    """Values the English must carry, in source order."""
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in _ZH_PERCENT_WORDS.finditer(text):
        raw = m.group("num")
        value = _digits(raw) if raw[0].isdigit() else _cn_numeral(raw)
        if value is not None:
            out.append(Quantity(value, m.group(0), m.start(), m.end(), "percent"))
            taken.append(m.span())
    for m in _ZH_NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        start, end = m.span("num")
        if _inside_identifier(text, start, end) and not m.group("mag"):
            continue
        if m.group("suffix") and not m.group("mag"):
            continue  # 7B, 32K: model sizes and context lengths are names; the token check has them
        value = _digits(m.group("num")) * _magnitude(m.group("mag"))
        kind = "plain"
        if m.group("pct"):
            kind = "percent"
        elif m.group("ord"):
            kind = "ordinal"
        elif m.group("date") == "年":
            kind = "year"
        elif m.group("date") == "月":
            kind = "month"
        elif m.group("date") in ("日", "号"):
            kind = "day"
        out.append(Quantity(value, m.group(0).strip(), m.start(), m.end(), kind))
        taken.append(m.span())
    for m in _ZH_WORD_MAGNITUDE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        value = _cn_numeral(m.group("num"))
        if value is not None:
            out.append(Quantity(value * _magnitude(m.group("mag")), m.group(0), m.start(), m.end()))
    return sorted(out, key=lambda q: q.start)


@dataclass(frozen=True)
class _Found:
    value: float
    text: str
    start: int


def target_values(text: str) -> list[_Found]:
    """Every value the English expresses, in any common notation."""
    out: list[_Found] = []
    for m in _EN_NUMBER.finditer(text):
        if _inside_identifier(text, *m.span("num")) and not (
                m.group("mag") or m.group("suffix") or m.group("pct")):
            continue  # the 4 of "GPT-4o"
        value = _digits(m.group("num"))
        mag = m.group("mag") or m.group("suffix")
        if mag:
            value *= _EN_MAGNITUDES[mag.lower()]
        out.append(_Found(value, m.group(0).strip(), m.start()))
    for m in _EN_WORD.finditer(text):
        value = float(_EN_WORDS[m.group("word").lower()])
        if m.group("mag"):
            value *= _EN_MAGNITUDES[m.group("mag").lower()]
        out.append(_Found(value, m.group(0), m.start()))
    for m in _EN_ORDINAL.finditer(text):
        out.append(_Found(float(_EN_ORDINALS[m.group(1).lower()]), m.group(0), m.start()))
    for m in _EN_MONTH.finditer(text):
        word = m.group(1).lower()
        if word == "may" and not re.search(r"\d", text[m.end():m.end() + 8] + text[max(0, m.start() - 6):m.start()]):
            continue  # the modal verb
        out.append(_Found(float(_MONTHS[word]), m.group(0), m.start()))
    return out


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def _matches(q: Quantity, value: float) -> bool:
    if _close(q.value, value):
        return True
    if q.kind == "year" and q.value < 100:  # 23年 → 2023
        return _close(2000 + q.value, value) or _close(1900 + q.value, value)
    if q.kind == "percent":  # 0.3 for 30%
        return _close(q.value / 100, value)
    return False


def _mantissa(value: float) -> str:
    """Significant digits without magnitude: 3万亿 and 3 billion share '3'."""
    digits = re.sub(r"[^0-9]", "", f"{value:.6e}".split("e")[0]).rstrip("0")
    return digits or "0"


def number_problems(source: str, target: str) -> list[NumberProblem]:
    """Source numbers the English lacks, carries with the wrong magnitude, or swaps.

    Digits are matched to digits first and to number words ("one", "twice") only after, so
    "默认值为 1" → "… in one update, default value is 2" is not excused by the "one"."""
    quantities = source_quantities(source)
    if not quantities:
        return []
    found = target_values(target)
    digits = [f for f in found if f.text[:1].isdigit()]
    free = Counter(id(f) for f in found)
    problems: list[NumberProblem] = []
    placed: list[tuple[Quantity, _Found]] = []
    for pool in (digits, found):
        for q in [q for q in quantities if q not in {p for p, _ in placed}]:
            hit = next((f for f in pool if free[id(f)] > 0 and _matches(q, f.value)), None)
            if hit is not None:
                free[id(hit)] -= 1
                placed.append((q, hit))
    leftover = [f for f in digits if free[id(f)] > 0
                and not any(_matches(q, f.value) for q in quantities)]
    for q in quantities:
        if any(p is q for p, _ in placed):
            continue
        if any(_matches(q, f.value) for f in found):
            continue  # 2 → "two … both": said twice in English, once in Chinese
        same_digits = next((f for f in leftover if _mantissa(f.value) == _mantissa(q.value)
                            and q.value >= 1000), None)
        if same_digits is not None:
            problems.append(NumberProblem(NumberKind.MAGNITUDE, q, same_digits.text))
        else:
            problems.append(NumberProblem(NumberKind.MISSING, q))
    for q, f in placed:
        if q.kind == "plain" and not f.text[:1].isdigit() and q.text[:1].isdigit() and leftover:
            problems.append(NumberProblem(NumberKind.MISSING, q, leftover[0].text))
    problems.extend(_swaps(source, target, sorted(placed, key=lambda qf: qf[0].start)))
    return problems


_ANCHOR = re.compile(r"[A-Za-z][A-Za-z0-9.\-]*[A-Za-z0-9]|[A-Za-z]")


def _anchor_before(text: str, position: int, window: int = 24) -> str | None:
    """The Latin name nearest before a number, within its clause ("Yi-34B 得分 76.3")."""
    head = text[max(0, position - window):position]
    head = re.split(r"[，；。！？、,;:：]", head)[-1]
    near = re.search(r"([A-Za-z][A-Za-z0-9.\-]*)\s*[=:：]?\s*[(（]?\s*$", head)
    if near:
        return near.group(1)  # "x = 2", "GSM8K（8-shot"
    names = [m.group(0) for m in _ANCHOR.finditer(head)
             if len(m.group(0)) > 1 and re.search(r"[A-Z0-9]", m.group(0))]
    return names[-1] if names else None


def _swaps(source: str, target: str, placed: list[tuple[Quantity, _Found]]) -> list[NumberProblem]:
    """Two numbers that each belong to a name in the Chinese but sit at each other's name in
    the English. Only numbers tied to a Latin name are compared: clause order legitimately
    changes in translation, a number moving to another product's name does not."""
    anchored = []
    for q, f in placed:
        name = _anchor_before(source, q.start)
        if name and re.search(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", target):
            anchored.append((q, f, name))
    problems = []
    names = {name for _, _, name in anchored}
    if len(names) < 2:
        return problems
    for q, f, name in anchored:
        english_name = _anchor_before(target, f.start, window=40)
        if english_name and english_name != name and english_name in names:
            other = next(o for o in anchored if o[2] == english_name)
            if not _matches(other[0], f.value):
                problems.append(NumberProblem(NumberKind.SWAPPED, q, f.text))
    return problems
