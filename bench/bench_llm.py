"""Benchmark: the LLM engine's requests/s and segments/s against a real llama.cpp server.

Starts `python -m llama_cpp.server` on loopback with a tiny random-weight GGUF
(tests/argos_fixture.py) and sends the sample's segments through the engine's HTTP path
(`OpenAIEngine.messages`: the requests `bitext translate --engine openai` sends, each segment
with its speaker, section and glossary terms from the shipped glossary), with
1, 2 and 4 requests in flight and 1 or 8 segments per request. Every reply is capped at the
same number of tokens per segment, so the legs do comparable work; the tiny model answers
gibberish, so this measures the protocol, batching and concurrency, not translation.

    python bench/bench_llm.py [--segments 48] [--threads 2]

Needs `pip install 'llama-cpp-python[server]' gguf`.
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (str(ROOT), str(ROOT / "tests")):
    if p not in sys.path:
        sys.path.insert(0, p)

TOKENS_PER_SEGMENT = 16


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=48)
    parser.add_argument("--threads", type=int, default=2, help="llama.cpp threads")
    args = parser.parse_args(argv)
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        print("needs llama-cpp-python[server]: pip install 'llama-cpp-python[server]' gguf")
        return 2
    from argos_fixture import build_tiny_gguf

    from pipeline.engines.openai_chat import LLMSettings, OpenAIEngine
    from pipeline.glossary.matcher import TermMatcher
    from pipeline.glossary.termbase import load_glossary
    from pipeline.readers import read_document
    from pipeline.stages.translate import segment_contexts

    doc = read_document(ROOT / "input" / "o1-roundtable.md")
    matcher = TermMatcher(load_glossary())
    segments = list(doc.segments())[:args.segments]
    for seg in segments:
        seg.terms = matcher.hits(seg.source)
    contexts = segment_contexts(doc, matcher)
    texts = [s.source for s in segments]
    ctxs = [contexts[s.id] for s in segments]
    with tempfile.TemporaryDirectory(prefix="bench-llm-") as tmp:
        gguf = build_tiny_gguf(Path(tmp) / "tiny.gguf")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host",
             "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads",
             str(args.threads)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/v1"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{url}/models", timeout=2).close()
                    break
                except OSError:
                    time.sleep(0.3)
            print(f"llama.cpp server, tiny llama GGUF ({gguf.stat().st_size / 1e6:.1f} MB), "
                  f"{args.threads} threads; {len(texts)} segments, {TOKENS_PER_SEGMENT} tokens "
                  "per segment in each reply")
            rates = {}
            for per_request in (1, 8):
                for concurrency in (1, 2, 4):
                    engine = OpenAIEngine(LLMSettings(endpoint=url, segments_per_request=per_request,
                                                      concurrency=concurrency),
                                          log=lambda line: None)
                    groups = [texts[i:i + per_request] for i in range(0, len(texts), per_request)]
                    group_ctxs = [ctxs[i:i + per_request]
                                  for i in range(0, len(texts), per_request)]

                    def ask(group: list[str], group_ctx: list,  # noqa: ANN001
                            engine: OpenAIEngine = engine) -> None:
                        body = engine.messages(group, [], group_ctx)
                        engine._request("chat/completions", {  # noqa: SLF001 - the real request
                            "model": engine.model, "messages": body, "temperature": 0.0,
                            "max_tokens": TOKENS_PER_SEGMENT * len(group)})

                    engine.model  # noqa: B018 - resolve the model id outside the timing
                    start = time.perf_counter()
                    with ThreadPoolExecutor(max_workers=concurrency) as pool:
                        list(pool.map(ask, groups, group_ctxs))
                    seconds = time.perf_counter() - start
                    rates[per_request, concurrency] = len(texts) / seconds
                    print(f"  {per_request} segment(s)/request, {concurrency} in flight: "
                          f"{len(groups) / seconds:6.1f} requests/s "
                          f"{len(texts) / seconds:6.1f} segments/s", flush=True)
            print(f"batching (8 vs 1 per request, 1 in flight): "
                  f"{rates[8, 1] / rates[1, 1]:.1f}×; concurrency (4 vs 1 in flight, 8 per "
                  f"request): {rates[8, 4] / rates[8, 1]:.1f}×")
        finally:
            server.kill()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
