"""Reports never crash on what a journal may hold: a torn last line (kill -9), unknown event
types and fields (newer writers), a grade this version cannot read, a question whose rubric
was deleted, a session with nothing graded yet."""

from __future__ import annotations

import json

import pytest

from agent.cli import main

EVENTS = [
    {"type": "session_start", "session_id": "s", "track": "t", "mode": "text", "policy": "offline", "grader": "offline"},
    {"type": "question", "turn": 1, "question_id": "deleted-q", "text": "A question no longer in the bank?"},
    {"type": "answer", "turn": 1, "question_id": "deleted-q", "text": "<b>bold</b> claim", "future_field": 1},
    {"type": "grade", "turn": 1, "question_id": "deleted-q", "overall": 2.0, "grade": {"question_id": "deleted-q", "overall": 2.0, "criteria": [{"id": "c1", "score": 2}], "key_points": [{"id": "k1", "covered": False}], "misconceptions": [{"id": "m1", "detected": True, "evidence": ["bold"]}], "grader": "offline"}},
    {"type": "hologram", "turn": 1},
    {"type": "question", "turn": 2, "question_id": "broken-q", "text": "Graded by a broken writer?"},
    {"type": "answer", "turn": 2, "question_id": "broken-q", "text": "yes"},
    {"type": "grade", "turn": 2, "question_id": "broken-q", "overall": 1.0, "grade": {"overall": 1.0, "criteria": "oops", "key_points": "oops"}},
    {"type": "question", "turn": 3, "question_id": "gradient-descent", "text": "Walk me through gradient descent."},
]  # fmt: skip


@pytest.fixture
def broken_session(viva_home):
    folder = viva_home / "data" / "sessions" / "20261122-000000-eeee"
    folder.mkdir(parents=True)
    lines = [
        json.dumps({**e, "seq": i, "ts": f"2026-11-22T00:00:{i:02d}.000Z"})
        for i, e in enumerate(EVENTS, 1)
    ]
    (folder / "journal.jsonl").write_text("\n".join(lines) + '\n{"type": "answer", "tu', "utf-8")
    return folder.name


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_broken_journal_still_reports(broken_session, capsys, fmt):
    assert main(["debrief", broken_session, "--format", fmt, "--no-llm"]) == 0
    out = capsys.readouterr().out
    assert "A question no longer in the bank?" in out
    if fmt == "json":
        data = json.loads(out)
        deleted, broken, gd = data["questions"]
        assert deleted["score"] == 2.0 and deleted["missed_key_points"][0]["id"] == "k1"
        assert deleted["better_answer"]["source"] == "none"
        assert broken["score"] is None and "could not be read" in broken["notes"][-1]
        assert gd["turns"][0]["answer"] is None and gd["score"] is None
        assert data["overall"] == 2.0


def test_progress_on_broken_and_empty_history(broken_session, capsys, viva_home):
    assert main(["debrief", "--progress", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sessions"] == 1 and data["misconceptions"][0]["id"] == "m1"
    assert {i["key"] for i in data["drill"]["items"]} == {"deleted-q:m1", "deleted-q:k1"}


def test_progress_with_no_sessions(capsys):
    assert main(["debrief", "--progress"]) == 0
    out = capsys.readouterr().out
    assert "No graded sessions yet." in out and "Nothing to drill yet" in out
