"""Rubric and track models: the question bank's schema. Data lives in the top-level rubrics/.

A rubric file (YAML) holds one question. Every model forbids unknown fields so a typo in a data
file is an error that names the file, line and field, not a silently ignored key.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Slug = str  # lowercase words joined by '-', checked by _check_slug

TOPICS = (
    "optimization",
    "generalization",
    "classic-ml",
    "dl-architecture",
    "gpu-cuda",
    "training-performance",
    "inference-production",
    "system-design",
    "project",
    "behavioral",
    "custom",
)


def _numbers_as_text(value: object) -> object:
    """YAML reads `cues: [0.9, fp16]` with a float; a cue or tag is text, so accept numbers."""
    if isinstance(value, list):
        return [
            str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in value
        ]
    return value


def _check_slug(value: str) -> str:
    import re

    if not re.fullmatch(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*", value):
        raise ValueError(f"{value!r} is not a valid id (lowercase letters, digits and '-')")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Levels(_Strict):
    """What an answer at each score says, for one criterion. 0 = nothing useful, 4 = excellent."""

    l0: str = Field(alias="0")
    l1: str = Field(alias="1")
    l2: str = Field(alias="2")
    l3: str = Field(alias="3")
    l4: str = Field(alias="4")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _int_keys(cls, data: object) -> object:
        """YAML reads `levels: {0: ...}` with int keys; accept them as well as quoted "0"."""
        if isinstance(data, dict):
            return {
                str(k) if isinstance(k, int) and not isinstance(k, bool) else k: v
                for k, v in data.items()
            }
        return data

    def for_score(self, score: int) -> str:
        return [self.l0, self.l1, self.l2, self.l3, self.l4][max(0, min(4, score))]


class Criterion(_Strict):
    id: Slug
    name: str
    weight: float = Field(gt=0, le=1)
    """Relative weight; a rubric's weights must sum to 1 (within 0.01)."""
    levels: Levels

    _slug = field_validator("id")(_check_slug)


class _Cued(_Strict):
    """A rubric item recognised by cues (key points, misconceptions): its `id` and `criterion`
    are slugs, and numbers among its `cues` are read as text."""

    _slug = field_validator("id", "criterion", check_fields=False)(_check_slug)
    _cue_text = field_validator("cues", mode="before", check_fields=False)(_numbers_as_text)


class KeyPoint(_Cued):
    """One thing a good answer says, tied to a criterion, with cues that show it is covered."""

    id: Slug
    criterion: Slug
    text: str
    """The point in one sentence (the interviewer never reads it out)."""
    cues: list[str] = Field(min_length=1)
    """Phrases (terms, synonyms, paraphrases) whose presence shows the point; matched on word
    stems, so 'converges' matches 'converge'. Any one cue is enough evidence."""
    weight: float = Field(1.0, gt=0)
    """Weight of this point within its criterion."""


class Misconception(_Cued):
    """A confident wrong claim, with the cues that reveal it and what it costs."""

    id: Slug
    claim: str
    """The wrong claim as a candidate might say it."""
    cues: list[str] = Field(min_length=1)
    """Phrases that state the claim (a negated cue, e.g. 'does not always', is not a hit)."""
    correction: str
    """The right statement, shown in the debrief."""
    criterion: Slug
    """The criterion the penalty applies to."""
    penalty: int = Field(1, ge=1, le=4)
    """Levels taken off that criterion when the claim is made."""


class Probe(_Strict):
    """An authored follow-up question, targeting key points and/or misconceptions."""

    id: Slug
    question: str
    targets: list[Slug] = Field(min_length=1)
    """Ids of key points or misconceptions this probe digs into."""
    depth: int = Field(1, ge=1, le=5)
    """1 = first follow-up; deeper probes assume the shallower ones were answered."""

    _slug = field_validator("id")(_check_slug)


class ReferenceAnswers(_Strict):
    """Model answers at three depths (seed 000: 20-second, 2-minute, deep follow-up)."""

    short: str | None = None
    """~20 seconds: the core idea in two or three sentences."""
    standard: str
    """~2 minutes: the full answer an interviewer hopes for."""
    deep: str | None = None
    """Deep follow-up material: edge cases, math, trade-offs."""

    @property
    def compared(self) -> str:
        """The text an answer's meaning is compared with: the standard answer, or the short one
        when the standard is empty ('' when both are)."""
        return self.standard or self.short or ""


class Rubric(_Strict):
    id: Slug
    topic: str = "custom"
    question: str
    """The question as the interviewer says it."""
    tracks: list[Slug] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    minutes: float = Field(6.0, gt=0, le=60)
    """Rough time this question takes with its follow-ups."""
    criteria: list[Criterion] = Field(default_factory=list)
    key_points: list[KeyPoint] = Field(default_factory=list)
    misconceptions: list[Misconception] = Field(default_factory=list)
    probes: list[Probe] = Field(default_factory=list)
    reference: ReferenceAnswers
    clarifications: list[str] = Field(default_factory=list)
    """Short scope notes the interviewer may give when asked (never the answer itself)."""
    source: list[str] = Field(default_factory=list)
    """Seed file names the facts came from."""
    derived: bool = False
    """True when criteria/key points were derived from the reference answer alone."""

    _slug = field_validator("id")(_check_slug)
    _tag_text = field_validator("tags", mode="before")(_numbers_as_text)

    @model_validator(mode="after")
    def _reference_only_or_full(self) -> Rubric:
        if not self.criteria and (self.key_points or self.misconceptions):
            raise ValueError("key_points/misconceptions need criteria (or give only a reference)")
        return self

    @property
    def reference_only(self) -> bool:
        return not self.criteria

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def key_point(self, key_point_id: str) -> KeyPoint | None:
        return next((k for k in self.key_points if k.id == key_point_id), None)

    def misconception(self, misconception_id: str) -> Misconception | None:
        return next((m for m in self.misconceptions if m.id == misconception_id), None)


class TrackItem(_Strict):
    question: Slug
    minutes: float | None = Field(None, gt=0, le=120)
    """Overrides the rubric's minutes for this track."""


class Track(_Strict):
    """A named interview plan: questions in order within a time budget."""

    id: Slug
    title: str
    description: str = ""
    minutes: float = Field(gt=0, le=600)
    """The whole interview's time budget."""
    questions: list[Slug | TrackItem] = Field(min_length=1)
    max_follow_ups: int | None = Field(None, ge=0, le=10)
    source: list[str] = Field(default_factory=list)

    _slug = field_validator("id")(_check_slug)

    @property
    def question_ids(self) -> list[str]:
        return [q if isinstance(q, str) else q.question for q in self.questions]
