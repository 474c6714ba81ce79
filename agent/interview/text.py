"""Text helpers for the interviewer: content words, question identity, leak checks.

Pure functions, no I/O. The basic layer (normalising, tokens, sentences, stems) is agent/text.py;
the interviewer uses its coarse variants on purpose: `plain_words` (split at hyphens) and
`prefix_stem` (6-character prefix), plus its own short stopword list, so that the leak check and
the off-topic test match loosely. The leak check is what keeps the interviewer from reading out
the reference answer: any text it is about to say is compared against the rubric's reference
answers (and key-point texts) and rejected when it reproduces one of their sentences.
"""

from __future__ import annotations

from collections.abc import Iterable

from agent.text import normalize, sentences
from agent.text import plain_words as words
from agent.text import prefix_stem as stem

__all__ = [
    "INTERVIEW_STOPWORDS",
    "content_words",
    "leaks",
    "normalize",
    "reference_texts",
    "rubric_leak",
    "same_question",
    "sentences",
    "stem",
    "vocabulary",
    "words",
]

INTERVIEW_STOPWORDS = frozenset(
    """
    a an the and or but if then else of to in on at by for with from as is are was were be been
    being it its this that these those there here what which who whom whose how why when where do
    does did doing done have has had having i me my we our you your he she they them their his
    her so not no yes can could would should will shall may might must about into over under
    than too very just also only some any all each every more most much many such own same other
    again once up down out off well like really think know get got make made let lets one two
    thing things kind sort way ok okay um uh erm hmm yeah actually basically guess mean
    """.split()
)
"""Shorter than agent.text.STOPWORDS on purpose: the leak check counts a sentence's content
words, and words like 'given', 'using' or 'per' carry the answer's meaning there."""


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in INTERVIEW_STOPWORDS and len(w) > 2]


def vocabulary(texts: Iterable[str]) -> set[str]:
    return {stem(w) for t in texts for w in content_words(t)}


def same_question(a: str, b: str) -> bool:
    """True when two questions are the same words (ignoring case, punctuation and spacing)."""
    return words(a) == words(b)


def leaks(
    text: str,
    secrets: Iterable[str],
    *,
    known: str = "",
    run: int = 8,
    coverage: float = 0.8,
) -> str | None:
    """The secret sentence `text` reproduces, or None.

    A sentence leaks when `text` repeats `run` consecutive words of it, or contains at least
    `coverage` of the content words of a sentence that has 5 or more of them once the words of
    `known` (the question itself, which the candidate has already heard) are set aside. Asking
    about a point ("is there a global-optimum guarantee?") is fine; restating the answer is not.
    """
    known_stems = {stem(w) for w in content_words(known)}
    said = words(text)
    said_runs = {tuple(said[i : i + run]) for i in range(max(0, len(said) - run + 1))}
    said_content = {stem(w) for w in content_words(text)}
    for secret in secrets:
        for sentence in sentences(secret):
            sw = words(sentence)
            if (
                len(sw) >= run
                and not _within(sw, known)
                and any(tuple(sw[i : i + run]) in said_runs for i in range(len(sw) - run + 1))
            ):
                return sentence
            sc = {stem(w) for w in content_words(sentence)} - known_stems
            if len(sc) >= 5 and len(sc & said_content) / len(sc) >= coverage:
                return sentence
    return None


def _within(sentence_words: list[str], known: str) -> bool:
    """The sentence is (almost) just the question's words: hearing it again reveals nothing."""
    kw = set(words(known))
    return bool(kw) and sum(w in kw for w in sentence_words) >= 0.9 * len(sentence_words)


def reference_texts(rubric) -> list[str]:
    """Everything the interviewer must never read out for this rubric."""
    from agent.cv.tailor import CV_FACTS_MARK

    ref = rubric.reference
    # the candidate's own resume facts (a tailored deep dive) are theirs to hear again
    return [t.split(CV_FACTS_MARK)[0] for t in (ref.short, ref.standard, ref.deep) if t]


def rubric_leak(text: str, rubric, *, said: str = "") -> str | None:
    """The reference-answer sentence `text` would give away for this rubric, or None. Words the
    candidate already `said` (repeated back in a bridge) give nothing away."""
    return leaks(text, reference_texts(rubric), known=f"{rubric.question} {said}".strip())
