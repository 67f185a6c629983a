"""A test MT engine that misbehaves with placeholders the way real NMT models do.

It "translates" by copying Latin text and numbers and writing a word for each run of Chinese,
then, chosen per input by a seeded generator (deterministic, independent of batch order), it
drops, duplicates, reorders or mangles a placeholder, writes an English look-alike ("next 1")
where one was, or returns nothing. Inputs without placeholders (the retry with the English
written in) may lose a Latin word, as a model loses a term.

Every input's fault is logged, so a test can tell which outputs must never be accepted.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from enum import Enum

from pipeline.placeholders import LATIN, PUA, PlaceholderScheme

HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
WORDS = ("model", "we", "think", "very", "fast", "year", "people", "now", "good", "data")


class Fault(str, Enum):
    NONE = "none"
    REORDER = "reorder"  # two placeholders swap places: every term still present
    RESPACE = "respace"  # "ZXQ1" → "z x q 1": how models space and case copied tokens
    DROP = "drop"
    DROP_LOOKALIKE = "drop-lookalike"  # placeholder gone, "next 1" written instead
    DUPLICATE = "duplicate"
    MANGLE = "mangle"  # "ZXQ1" → "XQ1" / "ZXQ" / a neighbouring PUA character
    RENUMBER = "renumber"  # "ZXQ1" → "ZXQ7"
    EMPTY = "empty"
    LOSE_WORD = "lose-word"  # no placeholder: a Latin word (maybe a term) is dropped

    @property
    def harmless(self) -> bool:
        return self in (Fault.NONE, Fault.REORDER, Fault.RESPACE)


@dataclass
class Out:
    text: str
    score: float | None = -0.5


@dataclass
class MisbehavingEngine:
    seed: int
    rate: float = 0.6  # share of inputs with a fault
    can_carry_pua: bool = True  # False: a tokenizer without byte fallback (PUA → <unk>)
    batch_size: int = 8
    log: dict[str, Fault] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def identity(self) -> str:
        return f"misbehaving-{self.seed}-{self.rate}-{self.can_carry_pua}"

    def keeps_text(self, text: str) -> bool:
        """What the model's tokenizer can carry (see pipeline.placeholders.engine_check)."""
        return self.can_carry_pua or not re.search("[\ue000-\uf8ff]", text)

    def translate(self, texts: list[str]) -> list[Out]:
        return [Out(self._one(t)) for t in texts]

    def _one(self, text: str) -> str:
        rng = random.Random(f"{self.seed}\x00{text}")
        words = iter(rng.sample(WORDS, len(WORDS)) * 50)
        out = HAN_RUN.sub(lambda _: f" {next(words)} ", text)
        out = " ".join(out.split())
        scheme = _scheme_of(out)
        spans = scheme.spans(out) if scheme else []
        fault = Fault.NONE
        if rng.random() < self.rate:
            if spans:
                choices = [Fault.DROP, Fault.DROP_LOOKALIKE, Fault.DUPLICATE, Fault.MANGLE,
                           Fault.RENUMBER, Fault.EMPTY, Fault.REORDER]
                if scheme is LATIN:
                    choices.append(Fault.RESPACE)
                fault = rng.choice(choices)
                if fault is Fault.REORDER and len(spans) < 2:
                    fault = Fault.NONE
            else:
                fault = rng.choice([Fault.LOSE_WORD, Fault.EMPTY])
        out = _apply(fault, out, spans, scheme, rng)
        self.log[text] = fault
        self.outputs[text] = out
        return out


def _scheme_of(text: str) -> PlaceholderScheme | None:
    for scheme in (PUA, LATIN):
        if scheme.spans(text):
            return scheme
    return None


def _apply(fault: Fault, out: str, spans: list[tuple[int, int, int]],
           scheme: PlaceholderScheme | None, rng: random.Random) -> str:
    if fault is Fault.NONE:
        return out
    if fault is Fault.EMPTY:
        return rng.choice(["", " ", "。"])
    if fault is Fault.LOSE_WORD:
        latin = [m.span() for m in re.finditer(r"[A-Za-z]+", out)]
        if not latin:
            return out
        a, b = rng.choice(latin)
        return out[:a] + out[b:]
    assert scheme is not None
    a, b, n = rng.choice(spans)
    token = out[a:b]
    if fault is Fault.DROP:
        return out[:a] + out[b:]
    if fault is Fault.DROP_LOOKALIKE:
        return out[:a] + rng.choice(["next 1", "text 2", "Next 1", "context 3"]) + out[b:]
    if fault is Fault.DUPLICATE:
        return out[:b] + " " + token + out[b:]
    if fault is Fault.RENUMBER:
        return out[:a] + scheme.token(n + 6) + out[b:]
    if fault is Fault.MANGLE:
        if scheme is PUA:
            bad = rng.choice([chr(ord(token) + 1), "\ufffd", ""])
        else:
            bad = rng.choice([token[1:], token.rstrip("0123456789"), "ZQX" + token[3:]])
        return out[:a] + bad + out[b:]
    if fault is Fault.RESPACE:  # letters spaced and lower-cased, the number kept whole
        return out[:a] + " ".join(token[:3]).lower() + " " + token[3:] + out[b:]
    if fault is Fault.REORDER:
        (a1, b1, _), (a2, b2, _) = sorted(rng.sample(spans, 2))
        return out[:a1] + out[a2:b2] + out[b1:a2] + out[a1:b1] + out[b2:]
    raise AssertionError(fault)
