"""Shared helpers for the interviewer tests: a fake clock and a small bank of REAL rubrics."""

from __future__ import annotations

from pathlib import Path

import yaml

from agent.bank.models import Rubric, Track
from agent.errors import UsageError
from agent.interview.text import rubric_leak

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "rubrics" / "questions"


class FakeClock:
    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def real_rubric(question_id: str) -> Rubric:
    for path in QUESTIONS.rglob(f"{question_id}.yaml"):
        return Rubric.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    raise FileNotFoundError(question_id)


class MiniBank:
    """Real rubric files with a test track (the engine only needs .rubric() and .track())."""

    def __init__(
        self, question_ids, *, minutes: float = 45, max_follow_ups=None, track_id="test-track"
    ):
        self.rubrics = {q: real_rubric(q) for q in question_ids}
        self.tracks = {
            track_id: Track(
                id=track_id,
                title="Test",
                minutes=minutes,
                questions=list(question_ids),
                max_follow_ups=max_follow_ups,
            )
        }

    def rubric(self, question_id):
        try:
            return self.rubrics[question_id]
        except KeyError:
            raise UsageError(f"unknown question {question_id}") from None

    def track(self, track_id):
        try:
            return self.tracks[track_id]
        except KeyError:
            raise UsageError(f"unknown track {track_id}") from None


def assert_no_reference_leak(events, rubrics):
    for ev in events:
        if ev.get("type") == "question":
            rubric = rubrics[ev["question_id"]]
            leaked = rubric_leak(ev["text"], rubric)
            assert leaked is None, f"turn {ev['turn']} repeats the reference: {leaked!r}"
