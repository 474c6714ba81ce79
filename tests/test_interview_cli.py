"""`viva interview --no-tui` end to end (real CLI subprocess, real bank and offline grader),
including SIGKILL mid-session and `--resume`."""

from __future__ import annotations

import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import REPO

from agent.commands.interview import PlainText
from agent.config import load_settings
from agent.interview.engine import Interview
from agent.sessions.store import read_session

WEAK_GD = "You use the gradient to update the weights."
FOLLOW = "No, only for convex losses; non-convex ones can stop at local minima or saddle points."


def _jsonl(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_plain_text_interview_prints_questions_follow_ups_and_summary(run_viva):
    result = run_viva(
        "interview",
        "--no-tui",
        "--track",
        "nvidia-dl-screen",
        input=f"{WEAK_GD}\n\nI don't know\n\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[Question 1/4] Could you walk me through how gradient descent works" in out
    assert "[Follow-up]" in out
    assert "[Question 2/4]" in out
    assert "Traceback" not in out + result.stderr
    sid = out.split("Session ", 1)[1].split()[0]
    assert "gradient-descent" in out.split("Session ", 1)[1]
    rec = read_session(sid)
    assert [t.answer["text"] for t in rec.turns if t.answer] == [WEAK_GD, "I don't know"]
    assert rec.status == "interrupted" and rec.end_reason == "eof"


def test_jsonl_events(run_viva):
    answers = f"{WEAK_GD}\nsecond line of the same answer\n\nrepeat please\n\n\n\nI don't know\n\n"
    result = run_viva("interview", "--no-tui", "--jsonl", input=answers)
    assert result.returncode == 0, result.stderr
    events = _jsonl(result.stdout)
    questions = [e for e in events if e["type"] == "question"]
    for q in questions:
        assert {"id", "question_id", "text", "follow_up", "targets"} <= set(q)
    assert questions[0]["follow_up"] is False and questions[1]["follow_up"] is True
    assert questions[1]["targets"]
    grades = [e for e in events if e["type"] == "grade"]
    assert grades and {"question_id", "overall"} <= set(grades[0])
    answer = next(e for e in events if e["type"] == "answer")
    assert answer["text"] == f"{WEAK_GD}\nsecond line of the same answer"
    assert any(e["type"] == "decision" for e in events)
    end = next(e for e in events if e["type"] == "session_end")
    assert end["session_id"] == events[0]["session_id"]
    assert events[-1]["type"] == "summary"


def test_bad_arguments_are_clear(run_viva):
    r = run_viva("interview", "--no-tui", "--track", "no-such-track", input="")
    assert r.returncode == 2 and "no-such-track" in r.stderr and "Traceback" not in r.stderr
    r = run_viva("interview", "--no-tui", "--resume", "20990101-000000-dead", input="")
    assert r.returncode == 2 and "no session" in r.stderr and "Traceback" not in r.stderr
    r = run_viva("interview", "--jsonl")
    assert r.returncode == 2 and "--no-tui" in r.stderr


def test_sessions_list(run_viva):
    run_viva("interview", "--no-tui", input=f"{WEAK_GD}\n\n")
    r = run_viva("sessions", "list", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 1
    assert {"id", "date", "track", "mode", "answered", "overall", "status"} <= set(rows[0])
    assert rows[0]["track"] == "nvidia-dl-screen" and rows[0]["answered"] == 1
    table = run_viva("sessions", "list")
    assert rows[0]["id"] in table.stdout and "interrupted" in table.stdout
    show = run_viva("sessions", "show", rows[0]["id"])
    assert WEAK_GD in show.stdout


class _Lines:
    def __init__(self, stream):
        self.q: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in stream:
            self.q.put(line)
        self.q.put(None)

    def until(self, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            line = self.q.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, "process ended early"
            event = json.loads(line)
            if predicate(event):
                return event


def _jsonl_interview(viva_home) -> subprocess.Popen:
    """`viva interview --no-tui --jsonl` as a live process: answers go to its stdin."""
    return subprocess.Popen(
        [sys.executable, "-m", "agent", "interview", "--no-tui", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, VIVA_HOME=str(viva_home)),
        cwd=str(REPO),
        bufsize=1,
    )


def test_sigkill_mid_session_then_resume(viva_home, run_viva):
    proc = _jsonl_interview(viva_home)
    try:
        lines = _Lines(proc.stdout)
        start = lines.until(lambda e: e["type"] == "session_start")
        sid = start["session_id"]
        lines.until(lambda e: e["type"] == "question")
        proc.stdin.write(f"{WEAK_GD}\n\n")
        proc.stdin.flush()
        follow = lines.until(lambda e: e["type"] == "question" and e["follow_up"])
        proc.stdin.write(f"{FOLLOW}\n\n")
        proc.stdin.flush()
        nxt = lines.until(lambda e: e["type"] == "question" and e["turn"] > follow["turn"])
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    rec = read_session(sid)
    assert rec.status == "interrupted"
    assert [t.answer["text"] for t in rec.turns if t.answer] == [WEAK_GD, FOLLOW]

    listed = json.loads(run_viva("sessions", "list", "--json").stdout)
    assert listed[0]["id"] == sid and listed[0]["status"] == "interrupted"

    result = run_viva(
        "interview",
        "--no-tui",
        "--jsonl",
        "--resume",
        sid,
        input="I don't know\n\nI don't know\n\nI don't know\n\nI don't know\n\n",
    )
    assert result.returncode == 0, result.stderr
    events = _jsonl(result.stdout)
    first_q = next(e for e in events if e["type"] == "question")
    assert first_q["text"] == nxt["text"] and first_q["question_id"] == nxt["question_id"]
    rec = read_session(sid)
    assert rec.status == "complete"
    answered = [t.answer["text"] for t in rec.turns if t.answer]
    assert answered[:2] == [WEAK_GD, FOLLOW]
    assert len(rec.questions) == len(rec.plan)
    seqs = [e["seq"] for e in rec.events]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
    again = run_viva("interview", "--no-tui", "--resume", sid, input="")
    assert again.returncode == 2 and "already complete" in again.stderr


def test_llm_policy_failure_is_reported_once_and_the_interview_goes_on(run_viva):
    from llm_server import closed_port_url

    url = closed_port_url()
    answers = (
        f"{WEAK_GD}\n\nIt can stop at a saddle point.\n\nI don't know\n\nFull batch is exact.\n\n"
    )
    r = run_viva(
        "interview",
        "--no-tui",
        "--policy",
        "llm",
        "--provider",
        "llamacpp",
        "--base-url",
        url,
        input=answers,
        env={"VIVA_MAX_RETRIES": "0"},
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    notes = [line for line in lines if line.startswith("(note) The LLM interviewer")]
    assert len(notes) == 1
    # the grader (same provider, auto mode) fails too: kept offline, said once
    assert len([line for line in lines if line.startswith("(note) The LLM grader failed")]) == 1
    assert notes[0].startswith(f"(note) The LLM interviewer at {url} failed (")
    assert notes[0].endswith("continuing offline.")
    assert "[Question 2/4]" in r.stdout and "[Follow-up]" in r.stdout


def test_ctrl_c_keeps_the_unsent_answer_and_resume_shows_it(viva_home, run_viva):
    proc = _jsonl_interview(viva_home)
    half = "Gradient descent steps against the gradient"
    try:
        lines = _Lines(proc.stdout)
        sid = lines.until(lambda e: e["type"] == "session_start")["session_id"]
        lines.until(lambda e: e["type"] == "question")
        proc.stdin.write(f"{half}\nof the loss,\n")  # two lines typed, no empty line: not sent
        proc.stdin.flush()
        time.sleep(2.0)  # the process reads them at once: it is waiting on stdin
        os.kill(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in proc.stderr.read()
    rec = read_session(sid)
    assert not [t for t in rec.turns if t.answer]  # nothing was sent as an answer
    drafts = [e for e in rec.events if e["type"] == "draft"]
    assert [d["text"] for d in drafts] == [f"{half}\nof the loss,"]
    assert rec.draft == f"{half}\nof the loss,"
    shown = run_viva("sessions", "show", sid).stdout
    assert "Unsent answer" in shown and half in shown

    resumed = run_viva("interview", "--no-tui", "--resume", sid, input="")
    assert resumed.returncode == 0, resumed.stderr
    shown = resumed.stdout.split("(your unsent answer from last time", 1)[1]
    assert f"{half}\nof the loss," in shown


def test_ctrl_c_while_an_answer_is_graded_keeps_no_draft_of_it(viva_home, monkeypatch):
    # The answer was sent (journaled); Ctrl-C arrives while it is being graded. It must not come
    # back as an "unsent" draft on the resume.
    sent = Interview.answer

    def answer_then_ctrl_c(self, *args, **kwargs):
        sent(self, *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(Interview, "answer", answer_then_ctrl_c)
    out = io.StringIO()
    text = PlainText(load_settings(), jsonl=False, stdin=io.StringIO(f"{WEAK_GD}\n\n"), stdout=out)
    with pytest.raises(KeyboardInterrupt):
        text.run(track="nvidia-dl-screen", resume=None)
    sid = out.getvalue().split("session ", 1)[1].split(",")[0]
    rec = read_session(sid)
    assert [t.answer["text"] for t in rec.turns if t.answer] == [WEAK_GD]
    assert rec.draft is None and not [e for e in rec.events if e["type"] == "draft"]
