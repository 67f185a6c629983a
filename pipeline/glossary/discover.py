"""Finding the terms a new text needs that the glossary lacks (`bitext terms`).

How a translator prepares an interview: list the names, products and domain words that recur,
decide their English once, then translate. Candidates come from behaviour, not from lists:
- speaker labels the structure stage recognised (people who talk are people to name);
- Latin tokens and model names written in the Chinese (`Kimi K2`, `Founder Park`, `Q-LoRA`);
- Han strings that recur *as units*: they repeat, are glued together more than chance
  (cohesion), and occur in varied company on both sides (accessor variety). This is classic
  new-word discovery; it finds 张小珺, 腾讯混元 or 上下文工程 without a dictionary knowing them.
Each candidate is ranked by count × specificity (jieba's IDF table says how unusual a word is in
general Chinese), with a suggested English where the text or the term base offers one.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Iterable

from ..script import is_han
from .matcher import TermMatcher
from .names import pinyin_name

MAX_NGRAM = 10
MIN_COUNT = 2
MIN_COHESION = 10.0  # the parts occur together at least ten times more often than chance
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
# a Latin name: a word with letters, optionally followed by capitalised words / version tokens
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[.\-+@/][A-Za-z0-9]+)*"
                    r"(?:\s(?:[A-Z0-9][A-Za-z0-9]*(?:[.\-+][A-Za-z0-9]+)*))*")
# 中文（English） or English（中文）: an author's own gloss
_GLOSS_AFTER = re.compile(r"([\u3400-\u9fff]{2,20})\s*[（(]\s*([A-Za-z][A-Za-z0-9 .,'&\-]{1,60})\s*[）)]")
_GLOSS_BEFORE = re.compile(r"([A-Za-z][A-Za-z0-9 .'&\-]{1,60}?)\s*[（(]\s*([\u3400-\u9fff]{2,12})\s*[）)]")
# characters that glue sentences together rather than name things: a candidate that starts or
# ends with one is a fragment of a phrase, not a term
_FUNCTION_CHARS = set("的了是在我你他她它们这那就也都不有和与及或而但很还又被把给对从向到着过吗呢吧啊呀嘛"
                      "一个之以为于所其此些每各该将要会能可已再才只并且如若则即")
_STOP_LATIN = {"the", "a", "an", "and", "or", "of", "to", "in", "is", "it", "for", "on", "with",
               "as", "by", "at", "be", "this", "that", "ok", "vs", "etc", "eg", "ie", "http",
               "https", "www", "com"}
_ORG_SUFFIXES = ("公司", "集团", "科技", "智能", "实验室", "研究院", "研究所", "大学", "学院", "基金",
                 "资本", "银行", "协会", "联盟", "团队", "工作室", "平台")
# the most common Chinese surnames (about 85% of the population): a recurring 2–3 character unit
# beginning with one, and never followed by a particle, behaves like a personal name
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
                "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段"
                "雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")


class Kind(str, Enum):
    """What a candidate looks like; it becomes the glossary category."""

    PERSON = "person"
    ORG = "org"
    PRODUCT = "product"
    CONCEPT = "concept"


@dataclass
class Candidate:
    source: str
    kind: Kind
    count: int
    score: float
    context: str = ""
    suggestion: str = ""
    suggested_from: str = ""
    reasons: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float]:
    """jieba's IDF table (general-Chinese document frequencies); loaded once, lazily."""
    import jieba.analyse

    loader = jieba.analyse.default_tfidf.idf_loader
    return loader.idf_freq, loader.median_idf


def _ngram_stats(texts: Iterable[str]) -> tuple[Counter, dict[str, set], dict[str, set], int]:
    """Counts and neighbour sets of recurring Han n-grams, grown length by length: an n-gram is
    only counted when both its (n-1)-grams recur, so memory follows the repeated material, not
    the text length times MAX_NGRAM."""
    runs = [(m.group(), m.start(), m.end()) for text in texts for m in _HAN_RUN.finditer(text)]
    counts: Counter = Counter(ch for run, _, _ in runs for ch in run)
    left: dict[str, set] = defaultdict(set)
    right: dict[str, set] = defaultdict(set)
    total = max(sum(len(run) for run, _, _ in runs), 1)
    for n in range(2, MAX_NGRAM + 1):
        grown = 0
        for s, a, b in runs:
            for i in range(len(s) - n + 1):
                gram = s[i:i + n]
                if n > 2 and (counts[gram[:-1]] < MIN_COUNT or counts[gram[1:]] < MIN_COUNT):
                    continue
                counts[gram] += 1
                grown += 1
                # neighbours outside the Han run (punctuation, Latin, edges) count as varied
                left[gram].add(s[i - 1] if i > 0 else f"<{a}>")
                right[gram].add(s[i + n] if i + n < len(s) else f"<{b}>")
        if not grown:
            break
    return counts, left, right, total


def _cohesion(gram: str, counts: Counter, total: int) -> float:
    """Weakest split's pointwise association: how much more often the parts occur together
    than chance would have them."""
    best = math.inf
    for k in range(1, len(gram)):
        a, b = counts[gram[:k]], counts[gram[k:]]
        if a and b:
            best = min(best, counts[gram] * total / (a * b))
    return best


# parts of speech that never begin or end a term: adverbs, pronouns, prepositions, conjunctions,
# particles, locatives, numerals, measure words, modal and interjection words
_EDGE_POS = ("d", "r", "p", "c", "u", "f", "m", "q", "y", "e", "o", "x", "z")


def _word_aligned(gram: str, texts: list[str], boundaries: list[set[int]], tries: int = 5) -> bool:
    """Does the candidate start and end on word boundaries (jieba) where it occurs? 度上 in
    程度上 does not: it is a fragment, not a unit."""
    seen = aligned = 0
    for text, cuts in zip(texts, boundaries):
        start = text.find(gram)
        while start >= 0 and seen < tries:
            seen += 1
            aligned += start in cuts and start + len(gram) in cuts
            start = text.find(gram, start + 1)
        if seen >= tries:
            break
    return seen > 0 and aligned * 2 > seen


_INSIDE_POS = ("d", "r", "p", "c", "u", "y", "e", "o", "x")  # 的 / 和 inside: a phrase, not a term
_EDGE_POS = _INSIDE_POS + ("f", "m", "q", "z", "t", "v")


def _tokens(gram: str) -> list:
    import jieba.posseg

    _dictionary()
    return list(jieba.posseg.cut(gram, HMM=False))


def _clean_edges(gram: str) -> bool:
    tokens = _tokens(gram)
    if len(tokens) == 1:
        return not tokens[0].flag.startswith(_INSIDE_POS + ("f", "m", "q", "t"))
    if any(t.flag.startswith(_INSIDE_POS) for t in tokens):
        return False
    return not (tokens[0].flag.startswith(_EDGE_POS) or tokens[-1].flag.startswith(_EDGE_POS))


def _name_like(source: str) -> bool:
    """A personal name is not built from ordinary words (高价值 = 高 + 价值), though a
    dictionary may know part of it as another person's name (李广 in 李广密)."""
    return all(len(t.word) == 1 or t.flag.startswith("nr") for t in _tokens(source))


def _boundaries(texts: list[str]) -> list[set[int]]:
    import jieba

    _dictionary()
    out = []
    for text in texts:
        cuts, pos = {0}, 0
        for token in jieba.cut(text, HMM=False):
            pos += len(token)
            cuts.add(pos)
        out.append(cuts)
    return out


def _han_candidates(texts: list[str]) -> dict[str, int]:
    counts, left, right, total = _ngram_stats(texts)
    boundaries = _boundaries(texts)
    found: dict[str, int] = {}
    for gram, count in counts.items():
        if len(gram) < 2 or count < MIN_COUNT:
            continue
        if gram[0] in _FUNCTION_CHARS or gram[-1] in _FUNCTION_CHARS:
            continue
        if min(len(left[gram]), len(right[gram])) < 2:
            continue  # always in the same company: part of a longer unit
        if _cohesion(gram, counts, total) < MIN_COHESION:
            continue
        found[gram] = count
    found = {g: c for g, c in found.items()
             if _word_aligned(g, texts, boundaries) and _clean_edges(g)}
    # a shorter string that never occurs outside a kept longer one is that one's fragment
    for gram in sorted(found, key=len, reverse=True):
        for sub_len in range(2, len(gram)):
            for i in range(len(gram) - sub_len + 1):
                sub = gram[i:i + sub_len]
                if sub in found and found[sub] <= found[gram]:
                    del found[sub]
    return found


def _latin_candidates(texts: list[str]) -> Counter:
    out: Counter = Counter()
    for text in texts:
        for m in _LATIN.finditer(text):
            token = m.group().strip(" .-")
            if token.split(" ", 1)[0].lower() in _STOP_LATIN:
                continue  # "is All": the tail of an English phrase, not a name
            if len(token) < 2 or token.lower() in _STOP_LATIN or token.isdigit():
                continue
            if "://" in text[m.start():m.end() + 3] or token.lower().startswith("www"):
                continue
            out[token] += 1
    return out


_POSITIONAL = set("上下中里内外时地得者性化")
GENERAL_IDF = 6.0  # below this, jieba's IDF says a word is everyday Chinese (觉得 4.8, 任务 5.6)


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, int]:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba.dt.FREQ


_ORG_WORDS = {"AI", "Labs", "Lab", "Inc", "Inc.", "Ltd", "Technologies", "Technology", "Capital",
              "Ventures", "Park", "Research", "Robotics", "Foundation", "Institute", "University"}


def _latin_kind(token: str) -> Kind:
    words = token.split()
    if len(words) > 1 and words[-1] in _ORG_WORDS:
        return Kind.ORG  # Adept AI, Founder Park
    if 2 <= len(words) <= 4 and all(w[:1].isupper() and w.replace("-", "").isalpha()
                                    or w in ("de", "De", "van", "von") for w in words):
        return Kind.PERSON  # Niki Parmar, Daniel De Freitas
    if any(c.isdigit() for c in token) or " " in token or any(c.isupper() for c in token[1:]) \
            and not token.isupper():
        return Kind.PRODUCT  # GPT-4o, Kimi K2, DeepSeek
    if token[0].isupper() and not token.isupper():
        return Kind.PRODUCT  # a capitalised name: Cursor, Manus
    return Kind.CONCEPT  # an acronym (RLHF) or an English word (scaling)


def _kind(source: str, speakers: set[str]) -> Kind:
    if not any(is_han(c) for c in source):
        return _latin_kind(source)
    if source in speakers:
        return Kind.PERSON
    # a name is not a dictionary word (任务 and 范式 start with surnames too)
    if (2 <= len(source) <= 3 and source[0] in _SURNAMES and all(is_han(c) for c in source)
            and source[-1] not in _POSITIONAL and not _dictionary().get(source)
            and _name_like(source)):
        return Kind.PERSON
    suffix = next((s for s in _ORG_SUFFIXES if source.endswith(s)), None)
    if suffix and len(source) > len(suffix) and not _dictionary().get(source[:-len(suffix)]):
        return Kind.ORG  # 月之暗面科技, not 创业公司 (an ordinary word before the suffix)
    return Kind.CONCEPT


def _specificity(source: str, kind: Kind) -> float:
    """How much a term says about this text rather than about Chinese in general."""
    if not any(is_han(c) for c in source):
        return 2.0 if kind is Kind.CONCEPT else 6.0
    idf, median = _idf()
    return max(0.0, idf.get(source, median) - GENERAL_IDF)


def _composed(source: str, matcher: TermMatcher) -> str:
    """English from glossary neighbours when the candidate is made of known terms."""
    matches = matcher.find(source)
    covered = sum(m.end - m.start for m in matches)
    if len(matches) >= 2 and covered == len(source):
        return " ".join(m.entry.target for m in matches)
    return ""


def _context_line(texts: list[str], term: str, width: int = 40) -> str:
    for text in texts:
        i = text.find(term)
        if i >= 0:
            a, b = max(0, i - width), min(len(text), i + len(term) + width)
            return ("…" if a else "") + text[a:b].replace("\t", " ").replace("\n", " ") + \
                   ("…" if b < len(text) else "")
    return ""


def discover(texts: list[str], matcher: TermMatcher, *, speakers: Iterable[str] = (),
             limit: int | None = None) -> list[Candidate]:
    """Candidates the glossary lacks, most important first."""
    speakers = {s for s in speakers if s}
    # (Chinese before the parenthesis, English inside): a candidate ending the Chinese run is
    # the word the author glossed
    after = [(m.group(1), m.group(2).strip()) for t in texts for m in _GLOSS_AFTER.finditer(t)]
    before = {m.group(2): m.group(1).strip() for t in texts for m in _GLOSS_BEFORE.finditer(t)}

    def gloss(term: str) -> str:
        return before.get(term) or next((en for zh, en in after if zh.endswith(term)), "")

    english = {e.target.casefold() for e in matcher.glossary.entries}

    def known(term: str) -> bool:
        """In the glossary as a Chinese form, or as the English of an entry (a name the author
        wrote in Latin letters: Noam Shazeer for 诺姆·沙泽尔)."""
        if term.casefold() in english:
            return True
        hits = matcher.find(term)
        return bool(hits) and hits[0].start == 0 and hits[0].end == len(term)

    pool: dict[str, tuple[int, list[str]]] = {}
    for gram, count in _han_candidates(texts).items():
        pool[gram] = (count, ["recurs as a unit"])
    for token, count in _latin_candidates(texts).items():
        if count >= 1:
            pool[token] = (count, ["Latin name in the Chinese"])
    for name in speakers:
        # a label is removed from the text it introduces, so a speaker counts at least once
        count = max(sum(t.count(name) for t in texts), 1)
        pool[name] = (max(count, pool.get(name, (0, []))[0]), ["speaker label"])

    out: list[Candidate] = []
    for source, (count, reasons) in pool.items():
        if known(source):
            continue
        kind = _kind(source, speakers)
        specificity = _specificity(source, kind)
        if specificity <= 0 and "speaker label" not in reasons:
            continue
        weight = {Kind.PERSON: 3.0, Kind.ORG: 2.5, Kind.PRODUCT: 2.0, Kind.CONCEPT: 1.0}[kind]
        cand = Candidate(source, kind, count, round(count * specificity * weight, 2),
                         _context_line(texts, source), reasons=reasons)
        if not any(is_han(c) for c in source):
            cand.suggestion, cand.suggested_from = source, "as written"
        elif (glossed := gloss(source)):
            cand.suggestion, cand.suggested_from = glossed, "the text's own gloss"
        elif (composed := _composed(source, matcher)):
            cand.suggestion, cand.suggested_from = composed, "glossary parts"
        elif kind is Kind.PERSON and all(is_han(c) for c in source):
            cand.suggestion, cand.suggested_from = pinyin_name(source), "pinyin: check the owner's spelling"
        out.append(cand)
    out.sort(key=lambda c: (-c.score, -c.count, c.source))
    return out[:limit] if limit else out


WORKSHEET_COLUMNS = ["source", "target", "forbidden", "category", "note", "keep", "context",
                     "count", "score", "suggested_from", "example"]


def worksheet_rows(candidates: list[Candidate]) -> list[list[str]]:
    """Rows in the glossary's own TSV layout (so `bitext glossary import` takes the file once a
    translator has filled in or checked `target`), with the evidence in extra columns."""
    rows = []
    for c in candidates:
        keep = "yes" if c.suggestion == c.source else ""  # a Latin name kept as written
        rows.append([c.source, c.suggestion, "", c.kind.value, "", keep, "", str(c.count),
                     f"{c.score:g}", c.suggested_from, c.context])
    return rows
