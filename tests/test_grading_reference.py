"""Reference-answer mode: similarity to a reference answer with no authored rubric."""

from __future__ import annotations

import pytest

from agent.grading import reference as ref
from agent.grading.idf import build_idf
from agent.grading.semantic import available as semantic_available

Q_OVERFIT = "What is overfitting and how can you reduce it?"
R_OVERFIT = (
    "Overfitting is when a model fits noise in the training data: training error is low but "
    "validation error is high because the model memorizes instead of generalizing. Reduce it with "
    "more data, regularization such as weight decay or dropout, early stopping, or a smaller model."
)
ANSWERS_OVERFIT = {
    "paraphrase": (
        "The model memorizes the training set, noise included, so it does great on training data "
        "but badly on validation data; it does not generalize. You fix it by getting more data, "
        "adding regularization like dropout or weight decay, stopping early, or shrinking the model."
    ),
    "partial": "It does well on the training data but badly on new data. More data helps.",
    "off_topic": "I enjoy hiking in the mountains and cooking pasta on weekends.",
    "empty": "",
}

Q_STACK = "What is a stack and what are its main operations?"
R_STACK = (
    "A stack is a last-in first-out (LIFO) collection: push adds an element on top, pop removes "
    "the element on top, and peek returns the top element without removing it."
)
ANSWERS_STACK = {
    "paraphrase": (
        "It keeps items so that the last one put in is the first one taken out. Push puts an "
        "element on the top, pop takes the top element off, and peek looks at the top one without "
        "removing it."
    ),
    "partial": "Items are added and removed in last in first out order.",
    "off_topic": "Gradient descent updates the weights against the gradient of the loss.",
    "empty": "   ",
}

CASES = [(Q_OVERFIT, R_OVERFIT, ANSWERS_OVERFIT), (Q_STACK, R_STACK, ANSWERS_STACK)]
MODES = [pytest.param(False, id="lexical"), pytest.param(None, id="default")]


@pytest.mark.parametrize("semantic", MODES)
@pytest.mark.parametrize(("question", "reference", "answers"), CASES, ids=["overfitting", "stack"])
def test_paraphrase_beats_partial_beats_off_topic_beats_empty(
    question, reference, answers, semantic
):
    s = {
        k: ref.reference_similarity(question, reference, a, semantic=semantic)
        for k, a in answers.items()
    }
    assert s["paraphrase"] > s["partial"] > s["off_topic"], s
    assert s["off_topic"] < 0.15, s
    assert s["empty"] == 0.0
    assert s["paraphrase"] >= 0.6, s
    assert all(0.0 <= v <= 1.0 for v in s.values())


@pytest.mark.parametrize("semantic", MODES)
@pytest.mark.parametrize(("question", "reference", "answers"), CASES, ids=["overfitting", "stack"])
def test_restating_the_question_scores_low(question, reference, answers, semantic):
    restated = ref.reference_similarity(question, reference, question, semantic=semantic)
    echoed = ref.reference_similarity(
        question,
        reference,
        f"So the question is: {question.lower()} Yes, that is the question.",
        semantic=semantic,
    )
    assert restated < 0.15 and echoed < 0.15, (restated, echoed)
    assert restated < ref.reference_similarity(
        question, reference, answers["partial"], semantic=semantic
    )


def test_reference_score_is_the_similarity_on_the_0_to_4_scale():
    for answer in ANSWERS_OVERFIT.values():
        score = ref.reference_score(Q_OVERFIT, R_OVERFIT, answer)
        assert 0.0 <= score <= 4.0
        assert score == pytest.approx(4.0 * ref.reference_similarity(Q_OVERFIT, R_OVERFIT, answer))
    assert ref.reference_score(Q_OVERFIT, R_OVERFIT, R_OVERFIT) >= 3.8


def test_copying_the_reference_gets_full_credit_in_both_modes():
    assert ref.reference_similarity(Q_STACK, R_STACK, R_STACK, semantic=False) == pytest.approx(1.0)
    assert ref.reference_similarity(Q_STACK, R_STACK, R_STACK) >= 0.95


def test_semantic_layer_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("VIVA_SEMANTIC", "0")
    parts = ref.reference_components(Q_OVERFIT, R_OVERFIT, ANSWERS_OVERFIT["paraphrase"])
    assert parts["method"] == "lexical" and parts["semantic"] is None
    assert parts["similarity"] == parts["lexical"]


def test_missing_model_falls_back_to_lexical(monkeypatch, tmp_path):
    """A broken or absent model never breaks grading: the lexical signal is used alone."""
    monkeypatch.setenv("VIVA_SEMANTIC_MODEL", str(tmp_path))  # an empty folder: no model here
    assert not semantic_available()
    parts = ref.reference_components(Q_STACK, R_STACK, ANSWERS_STACK["paraphrase"])
    assert parts["method"] == "lexical"
    assert parts["similarity"] == pytest.approx(
        ref.reference_similarity(Q_STACK, R_STACK, ANSWERS_STACK["paraphrase"], semantic=False)
    )


def test_credit_curve_is_monotone_and_anchored():
    assert ref.credit(0.0) == 0.0 and ref.credit(1.0) == 1.0 and ref.credit(0.5) == 0.75
    assert ref.credit(-1) == 0.0 and ref.credit(2) == 1.0
    xs = [i / 20 for i in range(21)]
    assert all(ref.credit(a) < ref.credit(b) for a, b in zip(xs, xs[1:], strict=False))


def test_idf_makes_the_rare_reference_word_count_more():
    idf = build_idf([R_OVERFIT, R_STACK, "The model is trained on data.", "A model of the data."])
    assert idf["dropout"] > idf["model"]
    question = "How do you regularize a network?"
    reference = "Use dropout on the model."
    rare = "dropout"
    common = "the model"
    assert ref.lexical_coverage(question, reference, rare, idf=idf) > ref.lexical_coverage(
        question, reference, common, idf=idf
    )
    # Without idf both content words weigh the same.
    assert ref.lexical_coverage(question, reference, rare) == pytest.approx(
        ref.lexical_coverage(question, reference, common)
    )
