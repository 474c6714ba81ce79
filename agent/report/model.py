"""`SessionReport`: the one debrief model of a session. The app's debrief screen, the Markdown
and HTML reports and `--format json` all render this object and nothing else, so they always
agree. agent.report.build makes it from the session's journal, the question bank and the
history before it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agent.grading.models import Disagreement
from agent.report.drill import DrillPlan

SCHEMA = "viva.session_report/1"
NO_RUBRIC_NOTE = "no matching rubric; graded on structure only"


def closest_match_note(bank_question: str) -> str:
    """The note on an imported question graded against the bank question closest to it."""
    return (
        f'graded as the bank question closest to it: "{" ".join(bank_question.split())}" '
        "If it asks something else, give its id or topic in the transcript (an id or topic "
        "tag, see docs/transcript-formats.md) and import it again."
    )


class Span(BaseModel):
    start: int
    end: int
    """Character offsets into the answer text (end exclusive) of a quote."""
    kind: Literal["evidence", "misconception"] = "evidence"
    """evidence: a quote that earned credit; misconception: a quote stating a wrong claim."""


class Delivery(BaseModel):
    """Delivery metrics of spoken (or timed) answers; None where not measured."""

    words: int | None = None
    words_per_minute: float | None = None
    fillers: int | None = None
    filler_words: dict[str, int] = Field(default_factory=dict)
    long_pauses: int | None = None
    longest_pause: float | None = None
    """Seconds."""
    time_to_first_word: float | None = None
    """Seconds from the question to the first word."""
    hedges: int | None = None
    speaking_time: float | None = None
    """Seconds."""
    sentences: int | None = None
    """Structure (imported text): sentences in the answer."""

    def timed(self) -> bool:
        """Measured from speech or cue timing (not only counted from text)."""
        return any(
            v is not None
            for v in (self.words_per_minute, self.speaking_time, self.time_to_first_word)
        )

    def is_empty(self) -> bool:
        return all(v in (None, {}) for v in self.model_dump().values())


class TurnReport(BaseModel):
    turn: int
    kind: str
    """question, follow_up, repeat, clarify, redirect, nudge, ..."""
    question: str
    targets: list[str] = Field(default_factory=list)
    answer: str | None = None
    intent: str | None = None
    source: str | None = None
    seconds: float | None = None
    highlights: list[Span] = Field(default_factory=list)
    delivery: Delivery | None = None

    @property
    def label(self) -> str:
        """How the debriefs title this turn: Question, Follow-up, or the kind capitalized."""
        return {"question": "Question", "follow_up": "Follow-up"}.get(
            self.kind, self.kind.capitalize()
        )

    def answer_detail(self) -> str:
        """How the answer came, for the debriefs: e.g. 'voice, 42 s', 'text, skip' ('' if
        nothing is known)."""
        how = ", ".join(
            x for x in (self.source, self.intent if self.intent != "answer" else None) if x
        )
        seconds = f", {self.seconds:.0f} s" if self.seconds is not None else ""
        return (how + seconds).lstrip(", ")


class CriterionReport(BaseModel):
    id: str
    name: str
    weight: float | None = None
    score: int
    level: str | None = None
    """What the rubric says an answer at this score does."""
    rationale: str = ""
    evidence: list[str] = Field(default_factory=list)
    supported: bool = True


class KeyPointReport(BaseModel):
    id: str
    text: str
    criterion: str | None = None
    covered: bool
    evidence: list[str] = Field(default_factory=list)


class MisconceptionReport(BaseModel):
    id: str
    claim: str
    correction: str
    evidence: list[str] = Field(default_factory=list)


class BetterAnswer(BaseModel):
    source: Literal["llm", "reference", "none"]
    depth: str | None = None
    """For a reference: short, standard, or standard+deep."""
    text: str = ""
    short: str | None = None
    """The 20-second version (reference)."""
    deep: str | None = None
    """Deep follow-up material (reference), when the depth calls for it."""
    outline: list[str] = Field(default_factory=list)
    """What a full answer covers: the rubric's key points in order."""
    note: str = ""
    model: str | None = None


class MatchInfo(BaseModel):
    """How an imported question was matched to the bank."""

    by: Literal["id", "closest", "follow_up", "reference", "none"]
    similarity: float | None = None
    text: str = ""


DisagreementReport = Disagreement
"""A criterion the LLM grader and the offline judgement score 1.5+ apart: both, with the evidence
each used, so the candidate can judge for themselves (the grade's own record, as it is)."""


GRADED_INTENTS = ("answer", "dont_know", "off_topic")
"""The replies that are graded (the interviewer's `intents.GRADED`, as the journal spells them)."""


class QuestionReport(BaseModel):
    question_id: str
    index: int
    topic: str
    question: str
    score: float | None = None
    """0-4; None when no score is available (reference-free, or never graded)."""
    status: str | None = None
    grader: str | None = None
    model: str | None = None
    fallback: str | None = None
    disagreement: list[DisagreementReport] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    answered: bool = False
    match: MatchInfo | None = None
    turns: list[TurnReport] = Field(default_factory=list)
    criteria: list[CriterionReport] = Field(default_factory=list)
    key_points: list[KeyPointReport] = Field(default_factory=list)
    missed_key_points: list[KeyPointReport] = Field(default_factory=list)
    misconceptions: list[MisconceptionReport] = Field(default_factory=list)
    """Misconceptions detected in the answer, with the correction."""
    follow_ups: list[str] = Field(default_factory=list)
    """The follow-up questions the interviewer asked."""
    better_answer: BetterAnswer
    delivery: Delivery | None = None

    def graded_answers(self) -> list[str]:
        """Everything the candidate said that was graded, in order. A reply the interviewer
        answered with a redirect (off topic, or an answer to another question) was set aside,
        and a repeat or clarify request is not an answer."""
        turns = self.turns
        return [
            t.answer
            for i, t in enumerate(turns)
            if t.answer
            and t.answer.strip()
            and (t.intent or "answer") in GRADED_INTENTS
            and not (i + 1 < len(turns) and turns[i + 1].kind == "redirect")
        ]


class TopicScore(BaseModel):
    topic: str
    score: float | None
    questions: list[str]


class TrendPoint(BaseModel):
    session_id: str
    date: str
    score: float


class TopicTrend(BaseModel):
    topic: str
    points: list[TrendPoint]


class SessionReport(BaseModel):
    schema_: str = Field(SCHEMA, alias="schema")
    session_id: str
    started: str
    ended: str | None = None
    status: str
    end_reason: str | None = None
    track: str
    mode: str
    policy: str
    grader: str
    overall: float | None = None
    """Mean per-question score 0-4 over graded questions; None when none has a score."""
    answered: int
    asked: int
    planned: int
    topics: list[TopicScore] = Field(default_factory=list)
    questions: list[QuestionReport] = Field(default_factory=list)
    delivery: Delivery | None = None
    """Over the whole session (spoken or timed answers only)."""
    trend: list[TopicTrend] = Field(default_factory=list)
    """Per-topic score across sessions up to and including this one."""
    drill: DrillPlan
    notices: list[str] = Field(default_factory=list)

    model_config = {"populate_by_name": True}

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, by_alias=True)
