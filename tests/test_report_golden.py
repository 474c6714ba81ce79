"""Golden-file tests of the Markdown and JSON debriefs of a fixed, fabricated session.

Regenerate after an intended change with `VIVA_UPDATE_GOLDEN=1 .venv/bin/pytest
tests/test_report_golden.py`, read the diff, and commit the files in tests/data/golden/.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from report_fixtures import fabricate

from agent.cli import main

GOLDEN = Path(__file__).parent / "data" / "golden"
UPDATE = os.environ.get("VIVA_UPDATE_GOLDEN") == "1"


@pytest.fixture
def sessions(viva_home):
    return fabricate(viva_home / "data" / "sessions")


def _run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path} was missing and has been written; check it and rerun")
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, rerun with "
        "VIVA_UPDATE_GOLDEN=1 and commit the diff"
    )


@pytest.mark.parametrize(("fmt", "name"), [("md", "session.md"), ("json", "session.json")])
def test_session_report_matches_golden(sessions, capsys, fmt, name):
    _, later = sessions
    _check(name, _run(capsys, "debrief", later, "--format", fmt, "--no-llm"))


def test_progress_matches_golden(sessions, capsys):
    _check("progress.md", _run(capsys, "debrief", "--progress"))


def test_golden_json_is_the_full_report(sessions, capsys):
    """What a user scripting against --format json relies on."""
    _, later = sessions
    data = json.loads(_run(capsys, "debrief", later, "--format", "json", "--no-llm"))
    assert data["schema"] == "viva.session_report/1"
    assert data["overall"] == pytest.approx((3.2 + 0 + 0) / 3, abs=0.01)
    gd = data["questions"][0]
    assert gd["question_id"] == "gd-basics" and gd["score"] == 3.2
    assert [c["score"] for c in gd["criteria"]] == [4, 2]
    assert gd["misconceptions"][0]["correction"].startswith("Only for convex losses")
    assert gd["follow_ups"] == ["Is there any guarantee it reaches the global optimum?"]
    assert gd["better_answer"]["source"] == "reference"
    assert gd["better_answer"]["depth"] == "standard+deep"  # follow-ups were asked
    assert "no LLM provider" in gd["better_answer"]["note"]
    assert gd["delivery"]["words_per_minute"] is not None
    assert data["delivery"]["time_to_first_word"] is not None
    spans = gd["turns"][0]["highlights"]
    answer = gd["turns"][0]["answer"]
    assert {answer[s["start"] : s["end"]] for s in spans if s["kind"] == "evidence"} >= {
        "negative gradient",
        "scaled by the learning rate",
    }
    assert any(
        answer[s["start"] : s["end"]] == "always global"
        for s in spans
        if s["kind"] == "misconception"
    )
    reg = data["questions"][2]
    assert reg["missed_key_points"][0]["text"] == "The L1 ball has corners on the axes."
    trend = {t["topic"]: [p["score"] for p in t["points"]] for t in data["trend"]}
    assert trend["optimization"] == [1.2, 3.2]
