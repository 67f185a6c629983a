"""A local instruction model behind an OpenAI-compatible endpoint (llama.cpp, Ollama, vLLM).

Segments go in batches, in document order, as JSON with ids, preceded by the segment or two
before them as context; the reply must be JSON with exactly those ids, so the model cannot
merge, drop or invent segments silently. The engine reads a `SegmentContext` per segment
(`reads_context`): each segment carries its speaker and section title, and it is sent in
Chinese as written, never with placeholders (an instruction model translates `XT1 的 XT2 能力`
worse than the sentence itself); the glossary terms of the batch are listed in the prompt
with their required English and forbidden renderings instead.

Nothing is trusted: every reply is checked like MT output (each required English present,
numbers kept, no Chinese left, no forbidden rendering). Failing segments are sent once more
with the problem named; a malformed reply (bad JSON, missing or extra ids) is retried, then
each segment alone, then reported. What still fails goes back to the translate stage, which
repairs forbidden renderings where unambiguous and flags lost terms for the review.

Only the configured endpoint is ever contacted, and only a loopback one unless
`allow_remote`: this is an offline tool. The standard library's HTTP client is enough.
"""
from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ClassVar

from ..errors import BitextError
from ..glossary.matcher import find_english
from ..stages.inline import TAG_RULE
from .base import MTResult, SegmentContext, TermNote

PROMPT_VERSION = 2  # bump when the prompt changes: it is part of the cache identity
ENV_ENDPOINT = "BITEXT_LLM_ENDPOINT"
ENV_MODEL = "BITEXT_LLM_MODEL"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_INLINE_TAG = re.compile(r"</?(?:b|i|a|code)>")
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")

SYSTEM = """You translate Chinese writing about the AI industry into fluent, publishable English.
You receive JSON: {"context": [earlier sentences, for reference only],
"segments": [{"id", "text", "speaker" (who says it, if known), "section" (its heading)}]}.
Reply with JSON only, no commentary: {"translations": [{"id": "<same id>", "text": "<English>"}]}
with exactly one entry per segment id, in the same order; never merge or split segments.
Rules:
- Translate only "text"; speaker and section are there so you know who speaks and about what.
- Keep every number and every Latin-script name (GPT-4o, o1, OpenAI) as written.
- Write no Chinese characters in the English."""


class EndpointError(BitextError):
    """The endpoint is unreachable, refuses, or keeps answering in a form bitext cannot use."""


@dataclass
class LLMSettings:
    endpoint: str
    model: str = ""  # "" → the first model the endpoint lists
    segments_per_request: int = 8
    concurrency: int = 1
    timeout: float = 120.0
    retries: int = 2  # extra tries after a failed request (with backoff)
    backoff: float = 0.5
    temperature: float = 0.0
    allow_remote: bool = False
    context: int = 2  # earlier segments sent as context


def config_path() -> Path:
    """`$XDG_CONFIG_HOME/bitext/llm.json`: {"endpoint": …, "model": …} for users who always
    translate with the same local server (flags and environment variables override it)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "bitext" / "llm.json"


def configured(key: str, flag: str | None, env: str) -> str:
    """A setting from the flag, else the environment variable, else the config file."""
    if flag:
        return flag
    if os.environ.get(env):
        return os.environ[env]
    path = config_path()
    if not path.is_file():
        return ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BitextError(f"the LLM config is not valid JSON ({exc})", path=str(path),
                          hint='write {"endpoint": "http://127.0.0.1:8080/v1", "model": "NAME"}')
    return str(data.get(key) or "")


def check_endpoint(url: str, allow_remote: bool) -> str:
    """The endpoint URL, normalised; refuses anything but http(s) to a loopback host."""
    parsed = urllib.parse.urlparse(url.rstrip("/"))
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise EndpointError(f"not an http(s) URL: {url!r}",
                            hint="e.g. --endpoint http://127.0.0.1:8080/v1")
    if not allow_remote and not _is_loopback(parsed.hostname):
        raise EndpointError(f"refusing to send text to {parsed.hostname}: not this machine",
                            hint="bitext is an offline tool; pass --allow-remote to use a server "
                                 "elsewhere on purpose")
    return parsed.geturl()


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if host != "localhost":
        return False
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback
                   for info in socket.getaddrinfo(host, None))
    except OSError:
        return False


# --------------------------------------------------------------------------- checks

def problems(source: str, output: str, terms: tuple[TermNote, ...] = ()) -> list[str]:
    """What is wrong with one translation, in words the model can act on: a required term's
    English missing (matched as the review matches it, plurals included), a forbidden rendering
    outside the required one ("big model" is not inside "large model"), a number lost, Chinese
    left."""
    found: list[str] = []
    if not output.strip() and any(c.isalnum() for c in source):
        return ["the translation is empty"]
    for term in terms:
        required = find_english(output, term.target)
        if not required:
            found.append(f"translate {term.source} as {term.target!r}")
        for bad in term.forbidden:
            if any(not any(a <= x and y <= b for a, b in required)
                   for x, y in find_english(output, bad, inflect=False)):
                found.append(f"write {term.target!r}, never {bad!r}")
                break  # "big model" and "big models" are one problem
    for number in sorted(set(_NUMBER.findall(source))):
        if number not in _NUMBER.findall(output):
            found.append(f"the number {number} is missing")
    if _HAN.search(output):
        found.append("Chinese characters are left in the English")
    return found


# --------------------------------------------------------------------------- engine

@dataclass
class OpenAIEngine:
    """Engine protocol over `/v1/chat/completions`; see the module docstring."""

    settings: LLMSettings
    document_order: ClassVar[bool] = True  # neighbours in one request give each other context
    reads_context: ClassVar[bool] = True  # speaker, section, terms as English: no placeholders
    log: Callable[[str], None] = field(default=lambda line: sys.stderr.write(line + "\n"))

    def __post_init__(self) -> None:
        self.settings.endpoint = check_endpoint(self.settings.endpoint,
                                                self.settings.allow_remote)
        self._model = self.settings.model
        self._context: list[str] = []
        self.requests = 0
        self.retried = 0  # segments asked again with their problem named (the run's summary)
        self._count = threading.Lock()

    @property
    def batch_size(self) -> int:
        """Segments per translate() call: one request per worker, all in flight at once."""
        return self.settings.segments_per_request * self.settings.concurrency

    @property
    def model(self) -> str:
        if not self._model:
            self._model = self._first_model()
        return self._model

    @property
    def identity(self) -> str:
        """The endpoint's model id, prompt version and decoding options. The terms, speaker and
        section of a segment are in its `SegmentContext`, which the translate stage adds to the
        cache key: another model, prompt or glossary entry never reuses a cached answer."""
        options = {"engine": "openai-chat", "model": self.model, "prompt": PROMPT_VERSION,
                   "temperature": self.settings.temperature}
        return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()

    # ----------------------------------------------------------------- prompts

    def messages(self, texts: list[str], context: list[str],
                 contexts: list[SegmentContext] | None = None,
                 notes: dict[str, list[str]] | None = None) -> list[dict]:
        """The chat messages for one request (ids are 1-based positions in `texts`)."""
        contexts = contexts or [SegmentContext() for _ in texts]
        # a term written as its English (o1, Kimi) is covered by the rule on Latin names
        terms = list(dict.fromkeys(t for c in contexts for t in c.terms
                                   if t.source != t.target or t.forbidden))
        system = SYSTEM
        if any(_INLINE_TAG.search(t) for t in texts):
            system += "\n" + TAG_RULE
        if terms:
            system += ("\nGlossary: translate each Chinese term with the English given, never "
                       "with the renderings after 'not':\n" + "\n".join(
                           f"- {t.source} → {t.target}" + (f" (not: {', '.join(t.forbidden)})"
                                                           if t.forbidden else "")
                           for t in terms))
        segments = []
        for i, (text, ctx) in enumerate(zip(texts, contexts), 1):
            item = {"id": str(i), "text": text}
            if ctx.speaker:
                item["speaker"] = ctx.speaker
            if ctx.section:
                item["section"] = ctx.section
            segments.append(item)
        payload: dict = {"context": context, "segments": segments}
        if notes:
            payload["fix"] = {k: "; ".join(v) for k, v in notes.items()}
            system += ("\nYour previous answer had problems, listed under \"fix\" by segment id: "
                       "translate those segments again and avoid them.")
        return [{"role": "system", "content": system},
                {"role": "user", "content": json.dumps(payload, ensure_ascii=False)}]

    def first_prompt(self, texts: list[str],
                     contexts: list[SegmentContext] | None = None) -> str:
        """What --dry-run prints: the first request exactly as it would be sent."""
        size = self.settings.segments_per_request
        body = {"model": self._model or "(the endpoint's first model)",
                "messages": self.messages(texts[:size], [],
                                          contexts[:size] if contexts else None),
                "temperature": self.settings.temperature}
        return json.dumps(body, ensure_ascii=False, indent=2)

    # ----------------------------------------------------------------- translate

    def translate(self, texts: list[str],
                  contexts: list[SegmentContext] | None = None) -> list[MTResult]:
        """One result per input, in order; requests run `concurrency` at a time."""
        ctxs = list(contexts) if contexts else [SegmentContext() for _ in texts]
        size = self.settings.segments_per_request
        groups = [texts[i:i + size] for i in range(0, len(texts), size)]
        group_ctxs = [ctxs[i:i + size] for i in range(0, len(texts), size)]
        previous_texts = []
        previous = list(self._context)
        for group in groups:
            previous_texts.append(previous[-self.settings.context:] if self.settings.context
                                  else [])
            previous = group
        self._context = list(texts[-self.settings.context:]) if texts else self._context
        with ThreadPoolExecutor(max_workers=max(1, self.settings.concurrency)) as pool:
            done = list(pool.map(self._translate_group, groups, group_ctxs, previous_texts))
        return [r for group in done for r in group]

    def _translate_group(self, texts: list[str], ctxs: list[SegmentContext],
                         context: list[str]) -> list[MTResult]:
        todo = [i for i, t in enumerate(texts) if t.strip()]
        results = [MTResult("", None) for _ in texts]
        if not todo:
            return results
        asked = [ctxs[i] for i in todo]
        outputs = self._ask_ids([texts[i] for i in todo], asked, context)
        found = {n: problems(texts[i], outputs[n], ctxs[i].terms) for n, i in enumerate(todo)}
        failing = [n for n, p in found.items() if p]
        if failing:  # once more, naming the problem; keep the answer with fewer problems
            with self._count:
                self.retried += len(failing)
            again = self._ask_ids([texts[todo[n]] for n in failing], [asked[n] for n in failing],
                                  context,
                                  notes={str(k + 1): found[n] for k, n in enumerate(failing)})
            for k, n in enumerate(failing):
                retry_problems = problems(texts[todo[n]], again[k], asked[n].terms)
                if len(retry_problems) < len(found[n]):
                    outputs[n], found[n] = again[k], retry_problems
        for n, i in enumerate(todo):
            results[i] = MTResult(outputs[n], None)
        return results

    def _ask_ids(self, texts: list[str], ctxs: list[SegmentContext], context: list[str],
                 notes: dict[str, list[str]] | None = None) -> list[str]:
        """Translations of `texts`, validated by id; a batch that keeps coming back malformed
        is asked again one segment at a time, and a segment that still fails is reported."""
        last = ""
        for _ in range(2):
            reply = self._chat(self.messages(texts, context, ctxs, notes))
            parsed, last = parse_reply(reply, len(texts))
            if parsed is not None:
                return parsed
        if len(texts) > 1:
            self.log(f"bitext: {self.settings.endpoint}: {last}; asking one segment at a time")
            return [self._ask_ids([t], [c], context,
                                  {"1": notes[str(i)]} if notes and str(i) in notes else None)[0]
                    for i, (t, c) in enumerate(zip(texts, ctxs), 1)]
        raise EndpointError(f"the model keeps answering in an unusable form ({last})",
                            path=self.settings.endpoint,
                            hint="use a model that follows JSON instructions, or check the "
                                 "server's chat template; finished batches are cached")

    # ----------------------------------------------------------------- HTTP

    def _chat(self, messages: list[dict]) -> str:
        # English runs to about 3 tokens per Chinese character at worst; the cap stops a model
        # that never closes its JSON from writing until the context is full.
        chars = sum(len(m["content"]) for m in messages if m["role"] == "user")
        body = {"model": self.model, "messages": messages, "temperature": self.settings.temperature,
                "max_tokens": 64 + 3 * chars, "response_format": {"type": "json_object"}}
        data = self._request("chat/completions", body)
        try:
            return str(data["choices"][0]["message"]["content"] or "")
        except (KeyError, IndexError, TypeError):
            return ""

    def _first_model(self) -> str:
        data = self._request("models", None)
        try:
            return str(data["data"][0]["id"])
        except (KeyError, IndexError, TypeError):
            raise EndpointError("the endpoint lists no model", path=self.settings.endpoint,
                                hint="pass --llm-model NAME") from None

    def _request(self, path: str, body: dict | None) -> dict:
        """POST (or GET without body) with timeout and retries with exponential backoff."""
        url = f"{self.settings.endpoint}/{path}"
        payload = None if body is None else json.dumps(body).encode()
        problem = ""
        for attempt in range(self.settings.retries + 1):
            if attempt:
                time.sleep(self.settings.backoff * 2 ** (attempt - 1))
            request = urllib.request.Request(url, data=payload,
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                    self.requests += 1
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                problem = f"HTTP {exc.code} {exc.reason}"
                if exc.code < 500 and exc.code != 429:
                    break  # the request itself is wrong: retrying cannot help
            except (urllib.error.URLError, OSError, TimeoutError) as exc:
                problem = str(getattr(exc, "reason", exc))
            except ValueError:
                problem = "the reply is not JSON"
        raise EndpointError(f"the LLM endpoint failed: {problem}", path=url,
                            hint="is the server running? e.g. `python -m llama_cpp.server "
                                 "--model FILE.gguf --port 8080`; finished batches are cached")


def parse_reply(reply: str, expected: int) -> tuple[list[str] | None, str]:
    """(translations in id order, "") or (None, what was wrong) for a chat reply."""
    try:
        data = json.loads(_FENCE.sub("", reply.strip()))
    except ValueError:
        return None, "reply is not JSON"
    items = data.get("translations") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return None, "reply has no \"translations\" list"
    by_id: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            return None, "a translation lacks its id or text"
        key = str(item.get("id"))
        if key in by_id:
            return None, f"id {key} answered twice"
        by_id[key] = item["text"].strip()
    wanted = [str(i) for i in range(1, expected + 1)]
    missing = [k for k in wanted if k not in by_id]
    extra = [k for k in by_id if k not in wanted]
    if missing or extra:
        return None, (f"ids missing: {', '.join(missing)}" if missing else "") + \
            ("; " if missing and extra else "") + (f"unknown ids: {', '.join(extra)}" if extra
                                                   else "")
    return [by_id[k] for k in wanted], ""
