"""A grade whose LLM and offline judgements disagree shows both, with the evidence each used,
in every debrief format."""

from __future__ import annotations

import json

import pytest

from agent.cli import main

ANSWER = "We step against the gradient, scaled by the learning rate."
GRADE = {
    "question_id": "gradient-descent",
    "overall": 3.0,
    "criteria": [{"id": "mechanics", "score": 4, "evidence": ["We step against the gradient"]}],
    "key_points": [],
    "misconceptions": [],
    "grader": "llm",
    "model": "m",
    "disagreement": [
        {
            "criterion": "mechanics",
            "llm_score": 4,
            "offline_score": 2,
            "llm_evidence": ["We step against the gradient"],
            "offline_evidence": ["scaled by the learning rate"],
        }
    ],
}
EVENTS = [
    {"type": "session_start", "session_id": "s", "track": "t", "mode": "text", "policy": "offline", "grader": "llm"},
    {"type": "question", "turn": 1, "question_id": "gradient-descent", "text": "Walk me through gradient descent."},
    {"type": "answer", "turn": 1, "question_id": "gradient-descent", "text": ANSWER},
    {"type": "grade", "turn": 1, "question_id": "gradient-descent", "overall": 3.0, "grade": GRADE},
]  # fmt: skip


@pytest.fixture
def session(viva_home):
    folder = viva_home / "data" / "sessions" / "20261124-000000-dddd"
    folder.mkdir(parents=True)
    lines = [
        json.dumps({**e, "seq": i, "ts": f"2026-11-24T00:00:{i:02d}.000Z"})
        for i, e in enumerate(EVENTS, 1)
    ]
    (folder / "journal.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return folder.name


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_the_debrief_shows_both_grades_and_their_evidence(session, capsys, fmt):
    assert main(["debrief", session, "--format", fmt, "--no-llm"]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        (q,) = json.loads(out)["questions"]
        (d,) = q["disagreement"]
        assert (d["criterion"], d["llm_score"], d["offline_score"]) == ("mechanics", 4, 2)
        assert d["offline_evidence"] == ["scaled by the learning rate"]
        return
    assert "disagree on mechanics" in out
    assert "We step against the gradient" in out and "scaled by the learning rate" in out
    assert "LLM 4/4" in out and "offline 2/4" in out
