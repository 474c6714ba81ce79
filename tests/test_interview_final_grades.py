"""Final grades from a slow (LLM) grader arrive in the background; the offline grade is journaled
first so nothing is lost, and the latest grade of a question is its final grade."""

from __future__ import annotations

import threading

from interview_helpers import FakeClock, MiniBank

from agent.config import load_settings
from agent.errors import ProviderError
from agent.grading.offline import grade_offline
from agent.interview import grading_worker
from agent.interview.engine import Interview
from agent.sessions.store import read_session

PLAN = ["gradient-descent", "batch-size-tradeoffs"]


class SlowGrader:
    """Stands in for the LLM grader: a later, different grade (or a provider failure)."""

    label = "llm fake-model"

    def __init__(self, fail=False):
        self.fail = fail
        self.release = threading.Event()
        self.calls: list[tuple[str, str]] = []

    def grade(self, rubric, answer):
        self.calls.append((rubric.id, answer))
        self.release.wait(10)
        if self.fail:
            raise ProviderError("http://127.0.0.1:9/v1", "fake-model", "connection refused")
        g = grade_offline(rubric, answer)
        return g.model_copy(update={"grader": "llm", "model": "fake-model", "overall": 3.5})


def _start(monkeypatch, grader):
    monkeypatch.setattr(grading_worker, "final_grader", lambda settings: (grader, grader.label))
    settings = load_settings(policy_mode="offline", grader_mode="offline")
    return Interview.start(settings, "test-track", bank=MiniBank(PLAN), clock=FakeClock())


def test_background_grades_land_after_offline_ones(monkeypatch):
    grader = SlowGrader()
    iv = _start(monkeypatch, grader)
    assert iv.grader_label == "llm fake-model"
    iv.answer("You use the gradient to update the weights.")  # follow-up: question not done yet
    assert grader.calls == []
    iv.answer("I don't know")  # leaves the question -> final grade requested, combined answer
    assert grader.calls == [
        ("gradient-descent", "You use the gradient to update the weights.\nI don't know")
    ]
    # not finished yet: the offline grade stands
    assert read_session(iv.session_id).questions[0].grade["grader"] == "offline"
    assert not iv.wait_for_grades(timeout=0.2)
    grader.release.set()
    assert iv.wait_for_grades(timeout=10)
    rec = read_session(iv.session_id)
    assert rec.questions[0].grade["grader"] == "llm" and rec.questions[0].score == 3.5
    grades = [
        e for e in rec.events if e["type"] == "grade" and e["question_id"] == "gradient-descent"
    ]
    assert [g["grade"]["grader"] for g in grades] == ["offline", "llm"]
    assert iv.summary().questions[0].score == 3.5


def test_grader_failure_keeps_offline_grade_and_says_so_once(monkeypatch):
    grader = SlowGrader(fail=True)
    grader.release.set()
    iv = _start(monkeypatch, grader)
    notices = []
    for text in [
        "You use the gradient to update the weights.",
        "I don't know",
        "Full batch uses all the data; mini-batches are a noisy estimate.",
    ]:
        notices += iv.answer(text).notices
    iv.end("quit")
    assert iv.wait_for_grades(timeout=10)
    notices += iv.take_notices()
    assert (
        len(notices) == 1
        and "LLM grader failed" in notices[0]
        and "offline grades are kept" in notices[0]
    )
    rec = read_session(iv.session_id)
    assert all(q.grade["grader"] == "offline" for q in rec.questions)
    assert sum(1 for e in rec.events if e["type"] == "notice" and e["kind"] == "fallback") == 1
