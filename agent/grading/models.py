"""The one grade model both graders produce. `overall` is computed, never asked of a model."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CriterionScore(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    score: int = Field(ge=0, le=4)
    rationale: str = ""
    evidence: list[str] = Field(default_factory=list)
    """Verbatim quotes from the answer."""
    supported: bool = True
    """False when the grader claimed credit its quotes do not back (credit withheld)."""


Verdict = Literal["entails", "contradicts", "neither"]
"""What the answer does with a key point or a misconception's claim: states it (entails), asserts
the opposite (contradicts), or neither."""


class RubricItemResult(BaseModel):
    """What the answer does with one rubric item: a key point or a misconception."""

    model_config = ConfigDict(extra="forbid")

    id: str
    evidence: list[str] = Field(default_factory=list)
    judgement: Verdict = "neither"
    confidence: float = Field(default=0.0, ge=0, le=1)
    """How sure the judge is of `judgement` (0-1)."""


class KeyPointResult(RubricItemResult):
    covered: bool


class MisconceptionResult(RubricItemResult):
    """`judgement` is 'entails' when the answer asserts the wrong claim (then `detected`)."""

    detected: bool


class Disagreement(BaseModel):
    """A criterion on which the LLM grade and the offline judgement differ by 1.5 or more."""

    model_config = ConfigDict(extra="forbid")

    criterion: str
    llm_score: float
    offline_score: float
    llm_evidence: list[str] = Field(default_factory=list)
    offline_evidence: list[str] = Field(default_factory=list)


class Grade(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_id: str
    overall: float = Field(ge=0, le=4)
    """Weighted mean of criterion scores (0-4)."""
    criteria: list[CriterionScore] = Field(default_factory=list)
    key_points: list[KeyPointResult] = Field(default_factory=list)
    misconceptions: list[MisconceptionResult] = Field(default_factory=list)
    grader: Literal["offline", "llm"]
    model: str | None = None
    prompt_version: str | None = None
    status: Literal["graded", "empty", "off_topic", "not_an_answer"] = "graded"
    """empty/off_topic/not_an_answer answers score 0 without an LLM call."""
    fallback: str | None = None
    """Set when an LLM grade was asked for but the offline grade is returned: the reason."""
    notes: list[str] = Field(default_factory=list)
    """Plain-language remarks (e.g. 'graded against the reference answer only')."""
    judged_by: Literal["semantic", "lexical"] | None = None
    """How the offline judgement was made: the meaning model, or authored cues only (the model
    is not installed)."""
    disagreement: list[Disagreement] = Field(default_factory=list)
    """LLM grades only: criteria where the offline judgement differs by 1.5 or more."""
    samples: int = 1
    """LLM grades only: how many gradings the per-criterion medians come from."""

    @property
    def missed_key_points(self) -> list[str]:
        return [k.id for k in self.key_points if not k.covered]

    @property
    def detected_misconceptions(self) -> list[str]:
        return [m.id for m in self.misconceptions if m.detected]
