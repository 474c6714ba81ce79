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
