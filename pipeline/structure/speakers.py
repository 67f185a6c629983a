"""Speaker turns: `张鹏：`, `**张鹏**：`, `**张鹏：**`, `张鹏 ：`, `Founder Park：`, `Q:` at the start of
a paragraph, bold or plain.

A label is a speaker only when it behaves like one: the header names it (`主持人：李广密` makes
`广密：` a label of 李广密), or it recurs and alternates with another recurring label, or its
question is answered at once by another label (a transcript excerpt where each voice speaks
once; readers each asking an author once). A bold term defined once (`**Pass@k**：…`) or a
lead-in repeated on its own (`**划重点：**`) is text.
Paragraphs after a turn's first keep its speaker until the next label or heading.
"""
from __future__ import annotations

import re
from collections import Counter

from ..readers.blocks import BlockKind
from .items import Context, Item, Role

_LABEL = re.compile(
    r"^\s*(?P<label>《[^》]{1,12}》|[\u3400-\u9fffA-Za-z][\u3400-\u9fff·•A-Za-z0-9 .&'\-]{0,24}?)"
    r"\s*[：:](?!//)")
_HAN = re.compile(r"[\u3400-\u9fff]")
_ORDINAL = re.compile(r"^(?:第|其)[一二三四五六七八九十\d]|^[一二三四五六七八九十\d]+$")
_QUESTION = re.compile(r"[？?]")  # a turn that asks something
MAX_HAN = 8  # 阿卜杜勒·拉赫曼 fits; a longer run before a colon is a sentence


def label_of(text: str) -> tuple[str, int] | None:
    """(label, where the turn's text starts) when `text` opens with something shaped like a
    speaker label; whether it IS a speaker is decided by behaviour, in `recognise`."""
    m = _LABEL.match(text)
    if not m:
        return None
    label = m.group("label").strip()
    if _ORDINAL.match(label):
        return None  # 第一：… 第二：… enumerate points, they are not people
    han = len(_HAN.findall(label))
    if label.startswith("《"):
        return label, m.end()  # a programme speaking as itself: 《远光灯》：
    if han:
        if han > MAX_HAN or len(label) > 16 or label.count(" ") > 1:
            return None
    else:
        words = label.split()
        if len(words) > 3 or not all(w[0].isupper() or w[0].isdigit() for w in words):
            return None
        if not words[0][0].isupper():
            return None
    return label, m.end()


def _name_shaped(label: str) -> bool:
    """A personal name: two or three Han characters, or two or three capitalised words. A term
    (`Pass@k`, `书中观点`) that appears once is not taken for someone who speaks once."""
    if _HAN.search(label):
        return 2 <= len(label) <= 3 and all(_HAN.match(ch) for ch in label)
    words = label.split()
    return 2 <= len(words) <= 3 and all(w.isalpha() and w[0].isupper() for w in words)


def _full_name(label: str, people: list[str], labels: set[str]) -> str | None:
    """The header's name for a label: itself, or the full name a given name belongs to
    (`广密` → `李广密`)."""
    for person in people:
        if label == person:
            return person
    for person in people:
        if len(label) >= 2 and len(person) <= MAX_HAN and label in person:
            return person
    for other in labels:  # `广密` used as a short form of a label that also appears in full
        if other != label and len(label) >= 2 and other.endswith(label) and len(other) <= 4:
            return other
    return None


def recognise(ctx: Context) -> None:
    items = ctx.items
    candidates: list[tuple[int, str, int]] = []  # (item index, label, text start)
    for i in ctx.free():
        item = items[i]
        if item.role != Role.BODY or item.kind != BlockKind.PARA:
            continue
        found = label_of(item.simple)
        if found:
            candidates.append((i, *found))
    if not candidates:
        return
    labels = {label for _, label, _ in candidates}
    people = ctx.metadata.people()
    names = {label: _full_name(label, people, labels) or label for label in labels}
    counts = Counter(names[label] for _, label, _ in candidates)
    sequence = [names[label] for _, label, _ in candidates]
    recurring = {name for name, n in counts.items() if n >= 2}
    named = {names[label] for label in labels if _full_name(label, people, set()) is not None}
    alternating = set()
    for a, b in zip(sequence, sequence[1:]):
        if a != b and a in recurring | named and b in recurring | named:
            alternating |= {a, b}
    speakers = named | (alternating & recurring)
    if not ctx.plain and not named and speakers and all(
            _all_bold(items[i]) for i, label, _ in candidates if names[label] in speakers):
        # every "turn" of the recurring labels is a wholly bold line (`**观点：…**`,
        # `**捍卫者1：…**`): bold lead-ins of an article, not a conversation. In a real one some
        # voice speaks in plain text (the sample's host asks in bold, the guests answer plain).
        return
    if not speakers:
        speakers = _exchange(ctx, candidates, names)
    # one turn in a panel: a name-shaped label right after a known speaker's turn (a lead-in
    # like `编者按：` before the conversation starts is not one)
    for k, name in enumerate(sequence):
        if counts[name] == 1 and name not in speakers and _name_shaped(name):
            if k > 0 and sequence[k - 1] in speakers:
                speakers.add(name)
    for i, label, start in candidates:
        name = names[label]
        if name not in speakers:
            continue
        item = items[i]
        item.speaker, item.label, item.prefix = name, item.text[:start].rstrip(" ：:"), start


def _exchange(ctx: Context, candidates: list[tuple[int, str, int]],
              names: dict[str, str]) -> set[str]:
    """Voices found by question and answer, where no voice recurs in alternation: a turn that
    ends its say by asking (`？` in the paragraph just before the next label) and another label
    that answers at once. A question answered by someone else is what a conversation is; a
    bold term (`**注意力**：…`) or a lead-in (`编者按：…`) is followed by body text, and a list
    of definitions asks nobody.

    Two such voices are speakers when both labels are name-shaped (an excerpt where each
    speaks once). A voice that answers the questions of two or more different labels holds a
    Q&A session (readers asking an author, each once): it and every asker are speakers,
    whatever their handles look like (`Lucia122`, `神婆依依`). Used only when no voice recurs
    in alternation or is named (then the panel rule reaches one-turn voices), so a lead-in
    before a known conversation stays text."""
    items = ctx.items
    found: set[str] = set()
    askers: dict[str, set[str]] = {}
    for (i, a_label, _), (j, b_label, _) in zip(candidates, candidates[1:]):
        a, b = names[a_label], names[b_label]
        if a == b:
            continue
        between = items[i:j]
        if any(it.kind != BlockKind.PARA or it.role != Role.BODY for it in between):
            continue  # a heading, list or image between: not one turn answering the other
        if not _QUESTION.search(items[j - 1].simple):
            continue  # the turn just before the answer must ask something
        if not ctx.plain and _all_bold(items[i]) and _all_bold(items[j]):
            continue  # bold lead-ins (`**观点：…**`), as in `recognise`
        if _name_shaped(a) and _name_shaped(b):
            found |= {a, b}
        askers.setdefault(b, set()).add(a)
    for answerer, asked_by in askers.items():
        if len(asked_by) >= 2:
            found |= asked_by | {answerer}
    return found



def _all_bold(item: Item) -> bool:
    return item.chars.all_bold()


def label_only(item: Item) -> bool:
    return item.speaker is not None and item.prefix >= len(item.text.rstrip())
