"""The output contract of both judges, semantic and lexical.

The semantic judge reads a meaning model; the lexical judge reads authored cues, and is used
when the model is not installed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agent.grading.candidates import Target
from agent.grading.models import Verdict

Method = Literal["semantic", "lexical"]


@dataclass(frozen=True)
class Judgement:
    target: Target
    verdict: Verdict
    """Key point: 'entails' = stated, 'contradicts' = the answer asserts the opposite.
    Misconception: 'entails' = the wrong claim is asserted."""
    confidence: float
    """How sure the judge is of the verdict (0-1)."""
    credit: float
    """Key points: how much of the point the answer states (0-1, partial when only some of its
    claims are stated or the statement is weak). Misconceptions: 1 when asserted, else 0."""
    quotes: tuple[str, ...]
    """Verbatim passages of the answer behind the verdict."""
    method: Method
    negated: bool = False
    """The point's own words appear, but negated ('it does not ...')."""
    named: bool = False
    """An authored cue of the point appears (lexical evidence)."""
    explained: bool = False
    """The cue's sentence says something beyond naming the point's terms."""
