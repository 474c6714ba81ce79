"""Grounding an offline follow-up in what the candidate said.

A follow-up opens with a short bridge that quotes the candidate's own words: a verbatim span
the grader found as evidence for a key point they stated ("You mentioned "the baseline was
BM25". Why a dual encoder rather than ...?"), or, for a probe on a misconception, the words that
asserted it ("You said "it always finds the global minimum". Does gradient descent come with
any promise of ending at the global optimum?"). The quote is data: it is cut to a clause, never
carries text aimed at the grader or a question, and the engine's guards (no reference leak, no
repeat) apply to the whole follow-up; when the quote cannot pass them, the probe is asked alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agent.bank.models import Probe, Rubric
from agent.interview.text import rubric_leak

MAX_QUOTE_WORDS = 12
MIN_QUOTE_WORDS = 3
_TEMPLATES = ('You mentioned "{q}".', 'You said "{q}".', 'Okay: "{q}".')
_CLAUSE_SPLIT = re.compile(
    r"\s*(?:[;:,\u2014\u2013()]|\s-\s|\b(?:but|because|and|which|so|then|while)\b)\s*", re.I
)
_FILLERS = re.compile(r"\b(?:um+|uh+|erm|you know|i mean|like|basically|so)\b[,]?\s*", re.I)


@dataclass(frozen=True)
class Said:
    """A key point the candidate stated, or a misconception they asserted (`wrong`), with the
    verbatim words that state it."""

    key_point: str
    criterion: str
    quote: str
    wrong: bool = False
    """A misconception's words: quoted only by a probe on that misconception."""


def _clause(quote: str) -> str | None:
    """The clause of the quote to repeat back: the longest one that fits, fillers dropped."""
    from agent.grading.screening import injection_spans

    if injection_spans(quote) or "?" in quote or '"' in quote:
        return None
    best, best_key = None, (False, 0)
    for part in _CLAUSE_SPLIT.split(quote.strip().rstrip(".!")):
        words = _FILLERS.sub("", part).split()
        if len(words) < MIN_QUOTE_WORDS:
            continue
        whole = len(words) <= MAX_QUOTE_WORDS
        if not whole:
            words = words[:MAX_QUOTE_WORDS]
            words[-1] = words[-1].rstrip(",;.") + "..."
        key = (whole, len(words))  # a whole clause beats a cut one; then the longer
        if best is None or key > best_key:
            best, best_key = " ".join(words), key
    if best and best[0].isupper() and not best[:2].isupper() and not best.startswith("I "):
        best = best[0].lower() + best[1:]
    return best


def bridged(
    probe: Probe, rubric: Rubric, said: Sequence[Said], *, said_before: Sequence[str] = ()
) -> str:
    """The probe's question, opened with a quote of what the candidate said (when one fits). A
    probe that already quotes something (a resume's bullet) is asked as it is: one quote is
    enough. `said_before`: what the interviewer already said on this question; a clause quoted
    there is not quoted again (an interviewer who repeats the same words back each time sounds
    like it stopped listening)."""
    if not said or '"' in probe.question:
        return probe.question
    criteria = {
        item.criterion
        for t in probe.targets
        if (item := rubric.key_point(t) or rubric.misconception(t)) is not None
    }
    usable = [s for s in said if not s.wrong or s.key_point in probe.targets]
    ranked = sorted(
        usable, key=lambda s: (s.key_point not in probe.targets, s.criterion not in criteria)
    )
    for said_item in ranked:
        clause = _clause(said_item.quote)
        if clause is None or any(f'"{clause}"' in before for before in said_before):
            continue
        template = _TEMPLATES[sum(map(ord, probe.id)) % len(_TEMPLATES)]
        text = f"{template.format(q=clause)} {probe.question}"
        if rubric_leak(text, rubric, said=said_item.quote) and not rubric_leak(
            probe.question, rubric
        ):
            continue
        return text
    return probe.question


def said_from_grade(rubric: Rubric, grade) -> list[Said]:
    """Covered key points and detected misconceptions with their evidence, from a `Grade`
    (offline or LLM)."""
    out: list[Said] = []
    for k in grade.key_points:
        kp = rubric.key_point(k.id)
        if k.covered and k.evidence and kp is not None:
            out.append(Said(k.id, kp.criterion, k.evidence[0]))
    for m in grade.misconceptions:
        mc = rubric.misconception(m.id)
        if m.detected and m.evidence and mc is not None:
            out.append(Said(m.id, mc.criterion, m.evidence[0], wrong=True))
    return out
