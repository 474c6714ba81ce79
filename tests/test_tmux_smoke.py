"""Smoke test of the installed `viva` in a real terminal (tmux): open the app, start a short
track, answer one question with send-keys, quit, and check the session was saved."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import need
from tui_helpers import GD_STRONG, SHORT_TRACK, write_track

from agent.sessions.store import list_sessions, read_session

pytestmark = pytest.mark.slow


def tmux(*args: str) -> str:
    out = subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_viva_in_tmux_saves_an_answered_question(viva_home, tmp_path):
    need(shutil.which("tmux") is not None, "tmux")
    viva = Path(sys.executable).parent / "viva"
    need(viva.exists(), f"the installed viva command ({viva})")
    write_track(viva_home, questions=("gradient-descent", "bias-variance"))
    name = f"viva-smoke-{os.getpid()}"
    socket = str(tmp_path / "tmux.sock")
    env = {
        "VIVA_HOME": str(viva_home),
        "VIVA_DEFAULT_TRACK": SHORT_TRACK,
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
    }
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = f"env -i {exports} {shlex.quote(str(viva))}; echo VIVA_EXIT=$?; sleep 60"
    base = ["-S", socket]
    tmux(*base, "new-session", "-d", "-x", "100", "-y", "30", "-s", name, command)
    target = f"{name}:0.0"

    seen: list[str] = []  # every distinct screen, so a toast that came and went is kept

    def cap(text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = tmux(*base, "capture-pane", "-p", "-t", target)
            if text in screen:
                return screen
            if not seen or seen[-1] != screen:
                seen.append(screen)
            time.sleep(0.2)
        # Once in a CI run the home screen drew an empty track list for 60 s (not reproduced
        # in 40 runs since, loaded or not): say what the bank and every screen showed.
        bank = subprocess.run(
            ["env", "-i", *(f"{k}={v}" for k, v in env.items()), str(viva), "rubrics", "tracks"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        notes = [x for x in seen if "Could not" in x or "rror" in x]
        raise AssertionError(
            f"{text!r} never appeared; last screen:\n{screen}\n"
            f"'viva rubrics tracks' in the same environment: {bank.returncode}\n"
            f"{bank.stdout}{bank.stderr}\nscreens with an error ({len(seen)} seen):\n"
            + "\n".join(notes[:3])
        )

    try:
        cap("TUI test track", timeout=120)  # the home screen lists the bank's tracks
        cap("whisper")  # readiness checked in the background
        tmux(*base, "send-keys", "-t", target, "Enter")
        cap("gradient descent works")
        tmux(*base, "send-keys", "-t", target, "-l", GD_STRONG)
        tmux(*base, "send-keys", "-t", target, "C-s")
        cap("graded")
        tmux(*base, "send-keys", "-t", target, "C-q")
        screen = cap("VIVA_EXIT=")
    finally:
        subprocess.run(["tmux", *base, "kill-server"], capture_output=True, timeout=30)

    assert "VIVA_EXIT=0" in screen
    sessions = list_sessions()
    assert len(sessions) == 1
    sid = sessions[0].id
    assert f"session {sid} saved" in screen.replace("\n", " ")
    record = read_session(sid)
    assert record.track == SHORT_TRACK and record.status == "interrupted"
    answers = [e["text"] for e in record.events if e["type"] == "answer"]
    assert answers == [GD_STRONG]
    assert record.questions[0].score is not None
