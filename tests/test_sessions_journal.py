"""The journal: private files, one fsynced JSON line per event, torn tails and junk tolerated."""

from __future__ import annotations

import json
import os
import re
import stat

from agent import locations
from agent.sessions.journal import Journal, new_session_id, read_events
from agent.sessions.store import list_sessions, read_session


def test_session_ids_sort_by_time_and_are_unique():
    ids = {new_session_id() for _ in range(200)}
    assert len(ids) > 150
    assert all(re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{4}", i) for i in ids)


def test_create_append_modes_and_lines():
    j = Journal.create()
    assert j.folder.parent == locations.sessions_dir()
    j.append(
        {
            "type": "session_start",
            "session_id": j.session_id,
            "track": "t",
            "mode": "text",
            "policy": "offline",
            "grader": "offline",
            "plan": ["q"],
        }
    )
    j.append({"type": "question", "turn": 1, "question_id": "q", "text": "Why?"})
    assert stat.S_IMODE(os.stat(j.folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(j.path).st_mode) == 0o600
    lines = j.path.read_text().splitlines()
    assert [json.loads(x)["seq"] for x in lines] == [1, 2]
    assert all(json.loads(x)["ts"].endswith("Z") for x in lines)
    j.close()


def test_reopen_cuts_a_torn_tail_and_keeps_counting():
    j = Journal.create()
    j.append(
        {
            "type": "session_start",
            "session_id": j.session_id,
            "track": "t",
            "mode": "text",
            "policy": "offline",
            "grader": "offline",
        }
    )
    j.close()
    with open(j.path, "ab") as fh:
        fh.write(b'{"type": "answer", "turn": 1, "te')
    assert len(read_events(j.path)) == 1
    again = Journal.open(j.session_id)
    again.append({"type": "notice", "kind": "info", "message": "resumed"})
    events = read_events(again.path)
    assert [e["seq"] for e in events] == [1, 2]
    assert again.path.read_bytes().count(b"\n") == 2


def test_listing_skips_junk_and_reads_bad_lines():
    root = locations.sessions_dir()
    root.mkdir(parents=True, exist_ok=True)
    (root / "not-a-session").mkdir()
    (root / "stray.txt").write_text("x")
    j = Journal.create()
    j.append(
        {
            "type": "session_start",
            "session_id": j.session_id,
            "track": "t",
            "mode": "voice",
            "policy": "offline",
            "grader": "offline",
            "plan": ["q"],
        }
    )
    with open(j.path, "a") as fh:
        fh.write("not json at all\n[1, 2]\n")
    j.append({"type": "question", "turn": 1, "question_id": "q", "text": "Why?"})
    j.append(
        {"type": "answer", "turn": 1, "question_id": "q", "text": "Because.", "intent": "answer"}
    )
    j.append({"type": "grade", "turn": "oops"})  # malformed: skipped
    sessions = list_sessions()
    assert [s.id for s in sessions] == [j.session_id]
    s = sessions[0]
    assert (s.track, s.mode, s.answered, s.overall, s.status) == (
        "t",
        "voice",
        1,
        None,
        "interrupted",
    )
    assert read_session(j.session_id).turns[0].answer["text"] == "Because."


def test_a_session_has_one_writer_at_a_time():
    import pytest

    from agent.errors import UsageError

    j = Journal.create()
    j.append(
        {
            "type": "session_start",
            "session_id": j.session_id,
            "track": "t",
            "mode": "text",
            "policy": "offline",
            "grader": "offline",
        }
    )
    with pytest.raises(UsageError, match="open in another viva process"):
        Journal.open(j.session_id)
    j.close()
    Journal.open(j.session_id).close()
