"""The glossary a question gives Whisper: its terms as people write them."""

from __future__ import annotations

from agent.speech.glossary import glossary_for, rubric_terms


def test_slug_tags_are_given_as_the_rubric_writes_them():
    # With "loss-scaling" in its prompt, tiny.en wrote "loss -caling" for "loss scaling".
    rubric = {
        "question": "What does mixed precision training buy you?",
        "key_points": [
            {"text": "Loss scaling keeps small FP16 gradients from underflowing.", "cues": []}
        ],
        "tags": ["mixed-precision", "loss-scaling", "k-fold"],
    }
    terms = rubric_terms(rubric)
    assert "mixed precision" in terms and "loss scaling" in terms
    assert "mixed-precision" not in terms and "loss-scaling" not in terms
    assert "k-fold" in terms  # written nowhere in words: kept as it is
    assert "loss scaling" in glossary_for(rubric)


def test_the_bank_question_on_mixed_precision_names_its_terms_in_words():
    from agent.bank.loader import load_bank

    terms = rubric_terms(load_bank().rubric("mixed-precision"))
    assert {"mixed precision", "loss scaling", "master weights"} <= set(terms)
