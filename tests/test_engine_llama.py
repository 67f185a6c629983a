"""The LLM engine against a real llama.cpp server (llama-cpp-python) on a tiny generated GGUF.

The model has random weights: it answers gibberish, fast. So these tests check what a real
server does with bitext's requests (model id, chat template, JSON mode, timeouts) and that a
model which ignores the format is retried, asked one segment at a time, then reported —
never trusted. Skipped when llama-cpp-python is not installed (`.ci/run` installs it).
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is not installed")

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
for p in (str(ROOT), str(TESTS)):
    if p not in sys.path:
        sys.path.insert(0, p)

from argos_fixture import build_tiny_gguf  # noqa: E402

from pipeline.engines.openai_chat import EndpointError, LLMSettings, OpenAIEngine  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(gguf: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = gguf.with_suffix(".log")
    with log.open("w") as sink:  # a file, not a pipe: the server logs every request
        proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf),
                                 "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
                                 "--n_threads", "1"], stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as r:
                json.loads(r.read())
                return proc, url
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    proc.wait()
    pytest.fail(f"llama.cpp server did not start: {log.read_text(errors='replace')[-2000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    gguf = build_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf")
    proc, url = start_server(gguf)
    yield proc, url, gguf
    proc.kill()
    proc.wait()


def test_real_server_model_id_and_a_model_that_ignores_the_format(server):
    _, url, gguf = server
    engine = OpenAIEngine(LLMSettings(endpoint=url, segments_per_request=2, timeout=60,
                                      backoff=0.01), log=lambda line: None)
    assert engine.model  # the id the server lists, part of the cache identity
    assert len(engine.identity) == 64
    with pytest.raises(EndpointError) as err:
        engine.translate(["我觉得过去 18 个月是在加速的。", "好。"])
    assert url in str(err.value)
    # gibberish is never taken for a translation: after the model list, the batch is tried
    # twice, then the first segment alone twice, and only then reported
    assert "unusable form" in str(err.value) and engine.requests == 1 + 4


def test_killed_server_is_reported_with_its_endpoint(tmp_path):
    gguf = build_tiny_gguf(tmp_path / "tiny.gguf", seed=1)
    proc, url = start_server(gguf)
    engine = OpenAIEngine(LLMSettings(endpoint=url, retries=1, backoff=0.01, timeout=30),
                          log=lambda line: None)
    assert engine.model
    proc.kill()
    proc.wait()
    with pytest.raises(EndpointError, match="the LLM endpoint failed") as err:
        engine.translate(["你好。"])
    assert f"{url}/chat/completions" in str(err.value)


def test_cli_against_the_real_server_reports_the_unusable_model(server, tmp_path):
    import os

    _, url, _ = server
    doc = tmp_path / "doc.md"
    doc.write_text("# 圆桌\n\n我觉得过去 18 个月是在加速的。好。\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pipeline", "translate", str(doc), "--engine",
                          "openai", "--endpoint", url, "--tm", "none", "--cache", "none",
                          "--batch-size", "2", "-o", str(tmp_path / "out")],
                         capture_output=True, text=True, cwd=str(ROOT), timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 2, run.stderr
    assert url in run.stderr and "unusable form" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out" / "doc" / "doc.en.md").exists()  # nothing half-written
