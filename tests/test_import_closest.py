"""Matching an imported question to the bank question it asks, in other words: by meaning with
the grader's meaning model, by name when it is terse, by shared words without the model, and
never for small talk or a topic the bank does not cover. (How often it is right on questions
written blind: bench/import_matching.py.)"""

from __future__ import annotations

import pytest

from agent.bank.loader import load_bank
from agent.report.imports.closest import WORDS_THRESHOLD, QuestionIndex

REWORDED = [
    (
        "Okay so your job keeps dying with CUDA OOM errors. Walk me through what's eating the "
        "memory and how you'd fix it.",
        "gpu-out-of-memory",
    ),
    # what one of the bank question's follow-up probes asks
    (
        "If you double the batch size, what do you usually do with the learning rate?",
        "batch-size-tradeoffs",
    ),
]
NOT_IN_BANK = [
    "Can you hear me okay?",
    "How does byte-pair encoding build a tokenizer's vocabulary?",
    # shares only common words ('happen', 'time') with a bank question's name (behavioral)
    "Okay. And what happens to dropout at inference time?",
]


@pytest.fixture(scope="module")
def index():
    return QuestionIndex(load_bank())


@pytest.mark.parametrize(("question", "expected"), REWORDED)
def test_a_reworded_question_finds_its_bank_question(index, question, expected):
    found = index.closest(question)
    assert found is not None and found[0].id == expected
    assert 0 < found[1] <= 1


def test_a_terse_question_is_matched_by_name(index):
    # too short for the meaning model to place: the bank question's own words and id do
    found = index.closest("Explain self-attention.")
    assert found is not None and found[0].id == "self-attention"


@pytest.mark.parametrize("question", NOT_IN_BANK)
def test_small_talk_and_other_topics_match_nothing(index, question):
    assert index.closest(question) is None


def test_without_the_meaning_model_shared_words_decide(monkeypatch):
    monkeypatch.setenv("VIVA_SEMANTIC", "0")
    index = QuestionIndex(load_bank())
    found = index.closest("Walk me through gradient descent and what the learning rate does.")
    assert found is not None and found[0].id == "gradient-descent"
    assert found[1] >= WORDS_THRESHOLD
    assert index.closest("Can you hear me okay?") is None
