"""The local-LLM engine against a scripted OpenAI-compatible server on loopback.

The scripted server answers the way real local models misbehave: a dropped term, a lost
number, a forbidden rendering, Chinese left in, broken JSON, missing or extra ids, a slow
reply, a server that dies mid-run. Each test asserts what must survive: the ids, the order,
the term's English and the number, the problem named in the retry, the endpoint named in the
error, and that no placeholder ever reaches the model. (tests/test_engine_llama.py runs a
real llama.cpp server when it is installed.)
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.cache import MTCache  # noqa: E402
from pipeline.engines.base import SegmentContext, TermNote  # noqa: E402
from pipeline.engines.openai_chat import (  # noqa: E402
    EndpointError,
    LLMSettings,
    OpenAIEngine,
    check_endpoint,
    parse_reply,
    problems,
)
from pipeline.glossary.matcher import TermMatcher  # noqa: E402
from pipeline.glossary.termbase import Entry, Glossary  # noqa: E402
from pipeline.model import Document, Paragraph, Section, Segment  # noqa: E402
from pipeline.placeholders import LATIN, PUA  # noqa: E402
from pipeline.stages.review import flag_segments, review_segments  # noqa: E402
from pipeline.stages.translate import Translator  # noqa: E402

Reply = Callable[[dict, int], "str | tuple[int, str]"]


_GLOSSARY_LINE = re.compile(r"^- (\S+) → (.+?)(?: \(not: .*\))?$", re.MULTILINE)


def faithful(segment: dict) -> str:
    """What a well-behaved model writes: the glossary's English for the terms in its text (as
    the prompt listed them), then the numbers."""
    keep = [en for zh, en in segment["_glossary"].items() if zh in segment["text"]]
    keep += re.findall(r"\d+(?:\.\d+)?", segment["text"])
    return f"Sentence {segment['id']} says " + " ".join(keep) if keep else \
        f"Sentence {segment['id']}."


def answer(payload: dict, fn: Callable[[dict], str] = faithful) -> str:
    return json.dumps({"translations": [{"id": s["id"], "text": fn(s)}
                                        for s in payload["segments"]]})


class Scripted:
    """A loopback HTTP server speaking the OpenAI chat API; `reply(payload, n)` decides."""

    def __init__(self, reply: Reply, delay: float = 0.0) -> None:
        self.reply = reply
        self.delay = delay
        self.requests: list[dict] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

            def _send(self, status: int, body: str) -> None:
                data = body.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def do_GET(self) -> None:  # noqa: N802
                self._send(200, json.dumps({"data": [{"id": "scripted-7b"}]}))

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server.lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                    n = len(server.requests)
                    server.requests.append(body)
                try:
                    time.sleep(server.delay)
                    payload = json.loads(body["messages"][-1]["content"])
                    glossary = dict(_GLOSSARY_LINE.findall(body["messages"][0]["content"]))
                    for segment in payload["segments"]:  # what the model read in the prompt
                        segment["_glossary"] = glossary
                    out = server.reply(payload, n)
                    status, content = out if isinstance(out, tuple) else (200, out)
                    if status != 200:
                        self._send(status, json.dumps({"error": content}))
                        return
                    self._send(200, json.dumps(
                        {"choices": [{"message": {"role": "assistant", "content": content}}]}))
                finally:
                    with server.lock:
                        server.in_flight -= 1

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def payloads(self) -> list[dict]:
        return [json.loads(r["messages"][-1]["content"]) for r in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    servers: list[Scripted] = []

    def start(reply: Reply, delay: float = 0.0) -> Scripted:
        servers.append(Scripted(reply, delay))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def engine(url: str, **kw) -> OpenAIEngine:
    return OpenAIEngine(LLMSettings(endpoint=url, backoff=0.01, timeout=5, **kw),
                        log=lambda line: None)


LARGE = TermNote("大模型", "large model", ("big model", "big models"))
RL = TermNote("强化学习", "reinforcement learning")
TEXTS = ["大模型的发布对行业意味着什么？", "过去 18 个月是在加速的。", "好。", "大模型和强化学习一起，探讨了 3.5 的路径。"]
CONTEXTS = [SegmentContext("Li Guangmi", "开场", (LARGE,)), SegmentContext("Li Guangmi", "开场"),
            SegmentContext("Zhang Xiaojun", "开场"), SegmentContext(None, "路径", (LARGE, RL))]


# --------------------------------------------------------------------------- protocol

def test_batches_keep_ids_order_and_context(serve):
    server = serve(lambda p, n: answer(p))
    eng = engine(server.url, segments_per_request=2, concurrency=1)
    out = eng.translate(TEXTS + ["", "最后一句。"], CONTEXTS + [SegmentContext()] * 2)
    assert [r.text for r in out] == ["Sentence 1 says large model", "Sentence 2 says 18",
                                     "Sentence 1.",
                                     "Sentence 2 says large model reinforcement learning 3.5",
                                     "", "Sentence 1."]
    payloads = server.payloads()
    assert [len(p["segments"]) for p in payloads] == [2, 2, 1]  # blank never sent
    assert payloads[1]["context"] == TEXTS[:2]  # the segments before the batch
    assert payloads[1]["segments"][0] == {"id": "1", "text": "好。", "speaker": "Zhang Xiaojun",
                                          "section": "开场"}
    assert "speaker" not in payloads[1]["segments"][1]
    system = server.requests[1]["messages"][0]["content"]  # only this batch's terms
    assert "- 大模型 → large model (not: big model, big models)" in system
    assert "- 强化学习 → reinforcement learning" in system
    assert "强化学习" not in server.requests[0]["messages"][0]["content"]
    assert server.requests[0]["model"] == "scripted-7b"  # the endpoint's own model id
    assert eng.batch_size == 2


def test_identity_follows_model_and_prompt(serve):
    server = serve(lambda p, n: answer(p))
    a = engine(server.url).identity
    assert a == engine(server.url).identity
    assert a != engine(server.url, model="other-model").identity
    assert SegmentContext("A", "s", (LARGE,)).key() != SegmentContext("A", "s", (RL,)).key()


def test_dropped_term_is_retried_with_the_term_named(serve):
    def reply(payload: dict, n: int) -> str:
        if n == 0:  # drops reinforcement learning in segment 4
            return answer(payload, lambda s: faithful(s).replace(" reinforcement learning", ""))
        return answer(payload)

    server = serve(reply)
    out = engine(server.url, segments_per_request=4).translate(TEXTS, CONTEXTS)
    assert out[3].text == "Sentence 1 says large model reinforcement learning 3.5"
    retry = server.payloads()[1]
    assert [s["text"] for s in retry["segments"]] == [TEXTS[3]]  # only the failing one
    assert retry["fix"] == {"1": "translate 强化学习 as 'reinforcement learning'"}
    assert "previous answer had problems" in server.requests[1]["messages"][0]["content"]


def test_wrong_number_and_chinese_left_are_named(serve):
    def reply(payload: dict, n: int) -> str:
        if n == 0:
            return answer(payload, lambda s: faithful(s).replace("18", "16") + " 好")
        return answer(payload)

    server = serve(reply)
    out = engine(server.url, segments_per_request=4).translate(TEXTS[:2], CONTEXTS[:2])
    assert out[1].text == "Sentence 2 says 18"
    fix = server.payloads()[1]["fix"]
    assert "the number 18 is missing" in fix["2"] and "Chinese characters" in fix["2"]


def test_a_model_that_stays_wrong_keeps_its_best_answer(serve):
    server = serve(lambda p, n: answer(p, lambda s: "It dropped everything."))
    out = engine(server.url).translate([TEXTS[1]])
    assert out[0].text == "It dropped everything."  # the translate stage flags or injects
    assert len(server.requests) == 2  # one retry, not more


def test_forbidden_rendering_is_in_the_prompt_and_retried(serve):
    def reply(payload: dict, n: int) -> str:
        fn = (lambda s: "The big model is here.") if n == 0 else (lambda s: "The large model.")
        return answer(payload, fn)

    server = serve(reply)
    out = engine(server.url).translate(["大模型来了。"], [SegmentContext(terms=(LARGE,))])
    assert out[0].text == "The large model."
    system = server.requests[0]["messages"][0]["content"]
    assert "- 大模型 → large model (not: big model, big models)" in system
    assert server.payloads()[1]["fix"]["1"] == ("translate 大模型 as 'large model'; "
                                                "write 'large model', never 'big model'")


@pytest.mark.parametrize("bad", ["not json at all", '{"translations": [{"id": "1"}]}',
                                 '{"translations": [{"id": "1", "text": "a"}]}',
                                 '{"translations": [{"id": "1", "text": "a"}, {"id": "2", '
                                 '"text": "b"}, {"id": "9", "text": "c"}]}'])
def test_malformed_replies_are_retried(serve, bad):
    server = serve(lambda p, n: bad if n == 0 else answer(p))
    out = engine(server.url, segments_per_request=2).translate(TEXTS[:2], CONTEXTS[:2])
    assert [r.text for r in out] == ["Sentence 1 says large model", "Sentence 2 says 18"]
    assert len(server.requests) == 2


def test_a_batch_that_stays_malformed_goes_one_by_one_then_is_reported(serve):
    def reply(payload: dict, n: int) -> str:
        if len(payload["segments"]) > 1:
            return '```json\n{"translations": [{"id": "1", "text": "merged"}]}\n```'
        return answer(payload)

    server = serve(reply)
    out = engine(server.url, segments_per_request=2).translate(TEXTS[:2], CONTEXTS[:2])
    assert [r.text for r in out] == ["Sentence 1 says large model", "Sentence 1 says 18"]
    never = serve(lambda p, n: "I am sorry, I cannot do JSON.")
    with pytest.raises(EndpointError, match="unusable form .*not JSON") as err:
        engine(never.url).translate([TEXTS[2]])
    assert never.url in str(err.value)


def test_parse_reply_accepts_fences_and_rejects_duplicates():
    assert parse_reply('```json\n{"translations": [{"id": 1, "text": " a "}]}\n```', 1) == (["a"], "")
    assert parse_reply('[{"id": "1", "text": "a"}]', 1) == (["a"], "")
    dup = '{"translations": [{"id": "1", "text": "a"}, {"id": "1", "text": "b"}]}'
    assert parse_reply(dup, 1) == (None, "id 1 answered twice")


def test_problems_are_specific():
    assert problems("大模型在 2024 年", "Large models in 2024", (LARGE,)) == []  # plural, case
    assert problems("大模型在 2024 年", "Big models in 2023", (LARGE,)) == [
        "translate 大模型 as 'large model'", "write 'large model', never 'big model'",
        "the number 2024 is missing"]
    assert problems("好。", " ", ()) == ["the translation is empty"]


# --------------------------------------------------------------------------- operations

def test_requests_run_concurrently(serve):
    server = serve(lambda p, n: answer(p), delay=0.3)
    out = engine(server.url, segments_per_request=1, concurrency=4).translate(TEXTS, CONTEXTS)
    assert [r.text for r in out][:2] == ["Sentence 1 says large model", "Sentence 1 says 18"]
    assert server.max_in_flight >= 2


def test_server_errors_are_retried_with_backoff(serve):
    server = serve(lambda p, n: (503, "busy") if n < 2 else answer(p))
    out = engine(server.url, retries=2).translate([TEXTS[1]])
    assert out[0].text == "Sentence 1 says 18" and len(server.requests) == 3


def test_timeouts_are_retried(serve):
    calls = []

    def reply(payload: dict, n: int) -> str:
        calls.append(n)
        if n == 0:
            time.sleep(1.5)
        return answer(payload)

    server = serve(reply)
    out = OpenAIEngine(LLMSettings(endpoint=server.url, timeout=0.5, backoff=0.01, retries=1),
                       log=lambda line: None).translate([TEXTS[1]])
    assert out[0].text == "Sentence 1 says 18" and calls[:2] == [0, 1]


def test_unreachable_endpoint_names_it():
    with pytest.raises(EndpointError, match=r"127\.0\.0\.1:9/v1/models: the LLM endpoint failed"):
        engine("http://127.0.0.1:9/v1", retries=1).translate(["你好。"])


def test_only_loopback_unless_allowed():
    with pytest.raises(EndpointError, match="refusing to send text to example.org"):
        check_endpoint("http://example.org/v1", allow_remote=False)
    with pytest.raises(EndpointError, match="refusing"):
        check_endpoint("http://192.168.1.5:8080/v1", allow_remote=False)
    assert check_endpoint("http://example.org/v1/", allow_remote=True) == "http://example.org/v1"
    assert check_endpoint("http://[::1]:8080/v1", allow_remote=False)
    assert check_endpoint("http://localhost:8080/v1", allow_remote=False)
    with pytest.raises(EndpointError, match="not an http"):
        check_endpoint("file:///etc/passwd", allow_remote=True)


# --------------------------------------------------------------------------- the CLI

DOC = """# 圆桌

大模型的推理能力是今年最重要的进展。OpenAI o1 的发布对行业意味着什么？

我觉得过去 18 个月是在加速的。强化学习让模型学会思考。
"""


def _bitext(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, cwd=str(ROOT), timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def test_translate_through_the_cli_enforces_terms_and_caches(serve, tmp_path):
    server = serve(lambda p, n: answer(p))
    doc = tmp_path / "doc.md"
    doc.write_text(DOC, encoding="utf-8")
    args = ["translate", str(doc), "--engine", "openai", "--tm", "none", "--cache",
            str(tmp_path / "c.sqlite"), "--formats", "json,en.md", "-o", str(tmp_path / "out"),
            "--batch-size", "2", "--concurrency", "2"]
    run = _bitext(*args, env={"BITEXT_LLM_ENDPOINT": server.url})
    assert run.returncode in (0, 1), run.stderr
    data = json.loads((tmp_path / "out" / "doc" / "doc.json").read_text(encoding="utf-8"))
    segments = [s for sec in data["sections"] for p in sec["paragraphs"] for s in p["segments"]]
    by_source = {s["source"]: s["target"] for s in segments}
    target = by_source["大模型的推理能力是今年最重要的进展。"]
    assert "large model" in target and "reasoning" in target  # placeholders restored
    assert "18" in by_source["我觉得过去 18 个月是在加速的。"]
    assert all(s["origin"] == "mt" for s in segments)
    sent = len(server.requests)
    assert any(s["text"] == "大模型的推理能力是今年最重要的进展。" for p in server.payloads()
               for s in p["segments"])  # the Chinese as written
    bodies = json.dumps(server.requests, ensure_ascii=False)
    assert "→ large model" in bodies and not PUA.spans(bodies) and not LATIN.spans(bodies)
    again = _bitext(*args, env={"BITEXT_LLM_ENDPOINT": server.url})
    assert again.returncode == run.returncode and len(server.requests) == sent  # all cached


def test_cli_exits_2_naming_the_endpoint(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(DOC, encoding="utf-8")
    run = _bitext("translate", str(doc), "--engine", "openai", "--endpoint",
                  "http://127.0.0.1:9/v1", "--tm", "none", "--cache", "none",
                  "-o", str(tmp_path / "out"))
    assert run.returncode == 2 and "http://127.0.0.1:9/v1" in run.stderr
    assert "Traceback" not in run.stderr
    remote = _bitext("translate", str(doc), "--engine", "openai", "--endpoint",
                     "http://203.0.113.7/v1", "--tm", "none", "-o", str(tmp_path / "out"))
    assert remote.returncode == 2 and "--allow-remote" in remote.stderr
    missing = _bitext("translate", str(doc), "--engine", "openai", "--tm", "none",
                      env={"BITEXT_LLM_ENDPOINT": ""})
    assert missing.returncode == 2 and "needs an endpoint" in missing.stderr


def test_dry_run_prints_the_first_prompt_and_sends_nothing(serve, tmp_path):
    server = serve(lambda p, n: answer(p))
    doc = tmp_path / "doc.md"
    doc.write_text(DOC, encoding="utf-8")
    run = _bitext("translate", str(doc), "--engine", "openai", "--endpoint", server.url,
                  "--dry-run", "--batch-size", "2", "-o", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    body = json.loads(run.stdout)
    payload = json.loads(body["messages"][1]["content"])
    assert [s["id"] for s in payload["segments"]] == ["1", "2"]
    assert payload["segments"][0]["text"] == "圆桌"
    assert "→ reasoning" in body["messages"][0]["content"] and not LATIN.spans(run.stdout)
    assert server.requests == [] and not (tmp_path / "out").exists()


def test_server_dying_mid_run_resumes_from_the_cache(serve, tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(DOC, encoding="utf-8")
    first = serve(lambda p, n: answer(p) if n < 1 else (500, "model crashed"))
    args = ["translate", str(doc), "--engine", "openai", "--tm", "none", "--cache",
            str(tmp_path / "c.sqlite"), "--formats", "en.md", "-o", str(tmp_path / "out"),
            "--batch-size", "2", "--concurrency", "1"]
    dead = _bitext(*args, "--endpoint", first.url)
    assert dead.returncode == 2 and "HTTP 500" in dead.stderr
    second = serve(lambda p, n: answer(p))
    done = _bitext(*args, "--endpoint", second.url)
    assert done.returncode in (0, 1), done.stderr
    resent = [s["text"] for p in second.payloads() for s in p["segments"]]
    first_batch = [s["text"] for s in first.payloads()[0]["segments"]]
    assert not set(first_batch) & set(resent)  # the finished batch came from the cache


def test_endpoint_and_model_from_the_config_file(serve, tmp_path):
    server = serve(lambda p, n: answer(p))
    doc = tmp_path / "doc.md"
    doc.write_text(DOC, encoding="utf-8")
    config = tmp_path / "cfg" / "bitext" / "llm.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"endpoint": server.url, "model": "qwen2.5:7b"}))
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "BITEXT_LLM_ENDPOINT": ""}
    run = _bitext("translate", str(doc), "--engine", "openai", "--dry-run", env=env)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["model"] == "qwen2.5:7b"
    flag = _bitext("translate", str(doc), "--engine", "openai", "--dry-run", "--llm-model", "x",
                   env=env)
    assert json.loads(flag.stdout)["model"] == "x"  # the flag wins
    config.write_text("{oops")
    bad = _bitext("translate", str(doc), "--engine", "openai", "--dry-run", env=env)
    assert bad.returncode == 2 and str(config) in bad.stderr and "not valid JSON" in bad.stderr


# --------------------------------------------------------------------------- the translate stage

def _roundtable() -> Document:
    """A heading, two speakers' turns and a glossary term in each."""
    def seg(sid: str, text: str) -> Segment:
        return Segment(id=sid, source=text)

    return Document(title=seg("t", "圆桌"), sections=[Section(
        id="s1", title=seg("h1", "开场"), paragraphs=[
        Paragraph(id="p1", segments=[seg("p1.1", "大模型今年进展很快。")], speaker="李广密",
                  turn_start=True, label="广密"),
        Paragraph(id="p2", segments=[seg("p2.1", "强化学习让模型在 2024 年学会思考。")],
                  speaker="张小珺", turn_start=True)])], speakers=["李广密", "张小珺"])


GLOSSARY = Glossary([Entry(["大模型"], "large model", ["big model"]),
                     Entry(["强化学习"], "reinforcement learning"),
                     Entry(["李广密"], "Li Guangmi", category="person")])


def test_stage_sends_chinese_with_context_and_terms_never_placeholders(serve):
    server = serve(lambda p, n: answer(p))
    doc = _roundtable()
    summary = Translator(TermMatcher(GLOSSARY), engine=engine(server.url)).run(doc)
    by_id = doc.segment_index()
    assert by_id["p1.1"].target == "Sentence 3 says large model"
    assert by_id["p2.1"].target == "Sentence 4 says reinforcement learning 2024"
    assert all(not s.flags for s in by_id.values()) and summary.origins["mt"] == 4
    segments = {s["text"]: s for s in server.payloads()[0]["segments"]}
    assert segments["大模型今年进展很快。"]["speaker"] == "Li Guangmi"  # English via the glossary
    # no entry: the romanised name the edition prints, never the Chinese label
    assert segments["强化学习让模型在 2024 年学会思考。"]["speaker"] == "Zhang Xiaojun"
    assert segments["强化学习让模型在 2024 年学会思考。"]["section"] == "开场"
    bodies = json.dumps(server.requests, ensure_ascii=False)
    assert not PUA.spans(bodies) and not LATIN.spans(bodies) and "XT1" not in bodies
    assert "- 大模型 → large model (not: big model)" in server.requests[0]["messages"][0]["content"]


def test_stage_a_dropped_term_is_retried_named_then_flagged(serve):
    drop = lambda s: faithful(s).replace(" reinforcement learning", "")  # noqa: E731
    server = serve(lambda p, n: answer(p, drop))
    doc, matcher = _roundtable(), TermMatcher(GLOSSARY)
    summary = Translator(matcher, engine=engine(server.url)).run(doc)
    assert summary.retried == 1  # the run's summary line counts the LLM's own retry
    segments = list(doc.segments())
    flag_segments(segments, review_segments(segments, matcher))  # as `bitext translate` does
    seg = doc.segment_index()["p2.1"]
    assert seg.target == "Sentence 4 says 2024" and seg.origin == "mt"
    assert {"term-lost:强化学习", "review:missing"} <= set(seg.flags)  # exactly as MT output is
    assert not doc.segment_index()["p1.1"].flags
    retry = server.payloads()[1]
    assert [s["text"] for s in retry["segments"]] == ["强化学习让模型在 2024 年学会思考。"]
    assert retry["fix"] == {"1": "translate 强化学习 as 'reinforcement learning'"}
    assert len(server.requests) == 2  # one retry, then the flag


def test_stage_cache_key_holds_the_context(serve, tmp_path):
    server = serve(lambda p, n: answer(p))
    cache = MTCache(tmp_path / "c.sqlite")
    Translator(TermMatcher(GLOSSARY), engine=engine(server.url), cache=cache).run(_roundtable())
    sent = len(server.requests)
    summary = Translator(TermMatcher(GLOSSARY), engine=engine(server.url),
                         cache=cache).run(_roundtable())
    assert len(server.requests) == sent and summary.cached == 4  # same context: all cached
    stricter = Glossary([Entry(["大模型"], "large model", ["big model", "huge model"])]
                        + GLOSSARY.entries[1:])
    doc = _roundtable()
    Translator(TermMatcher(stricter), engine=engine(server.url), cache=cache).run(doc)
    asked = [s["text"] for p in server.payloads()[sent:] for s in p["segments"]]
    assert asked == ["大模型今年进展很快。"]  # only the segment whose term changed
    assert doc.segment_index()["p1.1"].target == "Sentence 1 says large model"


def test_stage_carries_formatting_as_tags_the_model_keeps_or_loses(serve):
    """Partial bold goes out as `<b>…</b>`: a model that keeps the tag places the bold exactly;
    one that drops it gets the bold placed by estimate, flagged for the editor."""
    from pipeline.model import InlineSpan, Mark

    def keep(s: dict) -> str:
        return ("I think <b>data matters most</b>, the rest less." if "<b>" in s["text"]
                else "Plain sentence.")

    def drop(s: dict) -> str:
        return keep(s).replace("<b>", "").replace("</b>", "")

    for reply, exact in ((keep, True), (drop, False)):
        server = serve(lambda p, n, fn=reply: answer(p, fn))
        seg = Segment(id="p1.1", source="我觉得数据最重要，其他的次之。",
                      spans=[InlineSpan(3, 8, Mark.BOLD)])
        doc = Document(title=None, sections=[Section(id="s1", paragraphs=[
            Paragraph(id="p1", segments=[seg])])])
        Translator(TermMatcher(GLOSSARY), engine=engine(server.url)).run(doc)
        sent = server.payloads()[0]["segments"][0]["text"]
        assert sent == "我觉得<b>数据最重要</b>，其他的次之。"
        assert "Keep each inline tag" in server.requests[0]["messages"][0]["content"]
        assert seg.target == "I think data matters most, the rest less."
        bold = [seg.target[s.start:s.end] for s in seg.target_spans if s.mark == Mark.BOLD]
        if exact:
            assert bold == ["data matters most"] and not seg.flags
        else:
            assert len(bold) == 1 and "inline-uncertain:bold" in seg.flags
