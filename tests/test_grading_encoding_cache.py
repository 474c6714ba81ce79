"""The encoding cache: windows of two sentences are joined from their sentences' encodings, and
rubric texts outlive a run of answers."""

from __future__ import annotations

import numpy as np

from agent.grading.encodings import EncodingCache
from agent.grading.semantic import Encoded


class CountingEncoder:
    """Logic stand-in for the encoder: one vector per word, counts what it is asked to encode."""

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += texts
        out = []
        for t in texts:
            words = t.split()
            offsets, at = [], 0
            for w in words:
                start = t.index(w, at)
                offsets.append((start, start + len(w)))
                at = start + len(w)
            vecs = np.array([[len(w), i + 1.0, 1.0] for i, w in enumerate(words)], np.float32)
            pooled = vecs.mean(0) / np.linalg.norm(vecs.mean(0))
            out.append(Encoded(words, offsets, vecs, pooled))
        return out


def test_a_window_of_two_sentences_is_joined_not_encoded_again():
    cache, enc = EncodingCache(), CountingEncoder()
    a, b = "Adam keeps moments.", "SGD does not."
    cache.join(enc, [[a, b], [a]])
    (joined,) = cache.get(enc, [f"{a} {b}"])
    assert enc.seen == [a, b]  # the pair itself never reached the encoder
    assert joined.tokens == a.split() + b.split()
    text = f"{a} {b}"
    assert [text[s:e] for s, e in joined.offsets] == joined.tokens
    assert joined.vectors.shape == (6, 3)
    assert abs(float(np.linalg.norm(joined.sentence)) - 1.0) < 1e-6


def test_rubric_texts_outlive_a_run_of_answers():
    cache, enc = EncodingCache(size=4, rubric_size=8), CountingEncoder()
    cache.keep(["the claim"])
    cache.get(enc, ["the claim"])
    for i in range(20):
        cache.get(enc, [f"answer sentence {i}"])
    enc.seen.clear()
    cache.get(enc, ["the claim"])
    assert enc.seen == []  # still cached
    cache.get(enc, ["answer sentence 0"])
    assert enc.seen == ["answer sentence 0"]  # answer texts are evicted as before


def test_asking_a_question_encodes_its_rubric_in_the_background():
    from conftest import need
    from interview_helpers import real_rubric

    from agent.grading.encodings import cache
    from agent.grading.judge_semantic import get_model, rubric_texts, warm_rubric_in_background

    need(get_model() is not None, "the all-MiniLM-L6-v2 package (scripts/setup.sh)")
    rubric = real_rubric("tensor-cores")
    texts = rubric_texts(rubric)
    for t in texts:
        cache.rubric_items.pop(t, None)
    warm_rubric_in_background(rubric).join(30)
    assert all(t in cache.rubric_items for t in texts)


def test_the_warm_up_is_waited_for_at_exit():
    """The warm-up thread may be inside onnxruntime when a short program ends: Python must wait
    for it (not a daemon), or onnxruntime aborts the process (SIGABRT), which a daemon thread did
    at the end of a `viva interview --no-tui` run."""
    from conftest import need
    from interview_helpers import real_rubric

    from agent.grading.judge_semantic import get_model, warm_rubric_in_background

    need(get_model() is not None, "the all-MiniLM-L6-v2 package (scripts/setup.sh)")
    warmer = warm_rubric_in_background(real_rubric("gradient-descent"))
    assert not warmer.daemon
    warmer.join(30)
