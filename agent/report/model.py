"""`SessionReport`: the full machine-readable debrief of one session (what `--format json`
prints), built from the session's journal, the question bank and the history before it.

The Markdown and HTML reports render this object and nothing else, so the three formats always
agree. Building it is pure apart from the optional LLM "better answer" (a client is passed in).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from agent.report.drill import DrillPlan, build_drill_plan
from agent.report.history import question_event, rubric_for, score_of, topic_of
from agent.sessions.store import mean_score

if TYPE_CHECKING:
    from agent.bank.loader import Bank
    from agent.bank.models import Rubric
    from agent.llm.client import LLMClient
    from agent.sessions.store import QuestionRecord, SessionRecord

SCHEMA = "viva.session_report/1"
NO_RUBRIC_NOTE = "no matching rubric; graded on structure only"
MAX_TOKENS = 700
"""Cap on an LLM-written better answer (about 300 words plus slack)."""


# ----------------------------------------------------------------------------- models
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


class DisagreementReport(BaseModel):
    """A criterion the LLM grader and the offline judgement score 1.5+ apart: both, with the
    evidence each used, so the candidate can judge for themselves."""

    criterion: str
    llm_score: float
    offline_score: float
    llm_evidence: list[str] = Field(default_factory=list)
    offline_evidence: list[str] = Field(default_factory=list)


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


# ----------------------------------------------------------------------------- helpers
def _find(text: str, quotes: list[str]) -> list[list[int]]:
    found: list[tuple[int, int]] = []
    low = text.lower()
    for quote in quotes:
        words = quote.lower().split()
        if not words:
            continue
        pattern = r"\s+".join(re.escape(w) for w in words)
        for m in re.finditer(pattern, low):
            found.append((m.start(), m.end()))
    found.sort()
    merged: list[list[int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def highlight_spans(text: str, quotes: list[str], wrong: list[str] = ()) -> list[Span]:
    """Where the evidence quotes (and misconception quotes) occur in `text`, case- and
    whitespace-insensitive, merged, sorted, never overlapping (evidence wins)."""
    good = _find(text, quotes)
    spans = [Span(start=s, end=e) for s, e in good]
    for s, e in _find(text, list(wrong)):
        if all(e <= gs or s >= ge for gs, ge in good):
            spans.append(Span(start=s, end=e, kind="misconception"))
    return sorted(spans, key=lambda sp: sp.start)


_ALIASES: dict[str, tuple[str, ...]] = {
    "words": ("words", "word_count"),
    "words_per_minute": ("words_per_minute", "wpm"),
    "fillers": ("filler_count", "fillers"),
    "long_pauses": ("long_pauses", "long_pause_count", "pauses"),
    "longest_pause": ("longest_pause",),
    "time_to_first_word": ("time_to_first_word",),
    "hedges": ("hedge_count", "hedges"),
    "speaking_time": ("speaking_time",),
    "sentences": ("sentences", "sentence_count"),
}
"""Our fields and the keys they may have in a journal's metrics (agent.speech.metrics
DeliveryMetrics dumps, import timing); a dict counts by its values' sum, a list by its length."""


def delivery_from(metrics: dict[str, Any] | None) -> Delivery | None:
    """Normalise a metrics dict (agent.speech DeliveryMetrics dump, or an import's timing)."""
    if not isinstance(metrics, dict) or not metrics:
        return None
    values: dict[str, Any] = {}
    for name, keys in _ALIASES.items():
        for key in keys:
            raw = metrics.get(key)
            if isinstance(raw, dict):
                raw = sum(v for v in raw.values() if _num(v))
            elif isinstance(raw, list):
                raw = len(raw)
            if _num(raw):
                values[name] = raw
                break
    for key in ("fillers", "filler_words"):
        if isinstance(metrics.get(key), dict):
            values["filler_words"] = {
                str(k): int(v) for k, v in sorted(metrics[key].items()) if _num(v)
            }
            break
    for key in ("words_per_minute", "longest_pause", "time_to_first_word", "speaking_time"):
        if key in values:
            values[key] = round(float(values[key]), 1)
    for key in ("words", "fillers", "long_pauses", "hedges", "sentences"):
        if key in values:
            values[key] = int(values[key])
    out = Delivery(**values)
    return None if out.is_empty() else out


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def combine_delivery(parts: list[Delivery]) -> Delivery | None:
    """Several answers' delivery as one: totals, and pace weighted by speaking time."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]

    def total(name: str) -> Any:
        vals = [getattr(p, name) for p in parts if getattr(p, name) is not None]
        return sum(vals) if vals else None

    wpm = [(p.words_per_minute, p.speaking_time or 1.0) for p in parts if p.words_per_minute]
    pace = round(sum(w * t for w, t in wpm) / sum(t for _, t in wpm), 1) if wpm else None
    longest = [p.longest_pause for p in parts if p.longest_pause is not None]
    first = [p.time_to_first_word for p in parts if p.time_to_first_word is not None]
    fillers: dict[str, int] = {}
    for p in parts:
        for k, v in p.filler_words.items():
            fillers[k] = fillers.get(k, 0) + v
    speaking = total("speaking_time")
    return Delivery(
        words=total("words"),
        words_per_minute=pace,
        fillers=total("fillers"),
        filler_words=dict(sorted(fillers.items())),
        long_pauses=total("long_pauses"),
        longest_pause=max(longest) if longest else None,
        time_to_first_word=round(sum(first) / len(first), 1) if first else None,
        hedges=total("hedges"),
        speaking_time=round(speaking, 1) if speaking is not None else None,
        sentences=total("sentences"),
    )


def reference_answer(
    rubric: Rubric | None, score: float | None, follow_ups: int, note: str
) -> BetterAnswer:
    """The rubric's reference at the depth the answer calls for: always the standard answer
    (with the 20-second core idea); the deep material too when the interviewer went into
    follow-ups or the answer was already strong (>= 3)."""
    if rubric is None:
        return BetterAnswer(
            source="none", note="no reference answer is available for this question"
        )
    ref = rubric.reference
    go_deep = bool(ref.deep) and (follow_ups > 0 or (score is not None and score >= 3))
    return BetterAnswer(
        source="reference",
        depth="standard+deep" if go_deep else "standard",
        text=ref.standard.strip(),
        short=ref.short.strip() if ref.short else None,
        deep=ref.deep.strip() if go_deep and ref.deep else None,
        outline=[kp.text for kp in rubric.key_points],
        note=note,
    )


# ----------------------------------------------------------------------------- building
class _LLM:
    """Writes improved answers with one client; after the first failure it stops trying."""

    def __init__(self, client: LLMClient | None):
        self.client = client
        self.failure: str | None = None

    def note(self) -> str:
        if self.client is None:
            return "Reference answer from the rubric (no LLM provider is configured)."
        return (
            f"Reference answer from the rubric: the LLM ({self.client.label}) could not write an "
            f"improved answer ({self.failure})."
        )

    def better(self, rubric: Rubric, question: QuestionReport) -> BetterAnswer | None:
        if self.client is None or self.failure is not None:
            return None
        from agent.errors import ProviderError
        from agent.prompts import load_prompt

        answer = "\n\n".join(t.answer for t in question.turns if t.answer)
        prompt = load_prompt("debrief_better_answer")
        text = prompt.render(
            question=rubric.question,
            reference=rubric.reference.standard.strip(),
            key_points="\n".join(f"- {kp.text}" for kp in rubric.key_points) or "- (none listed)",
            missed="\n".join(f"- {kp.text}" for kp in question.missed_key_points) or "- (none)",
            misconceptions="\n".join(
                f"- wrong: {m.claim} / right: {m.correction}" for m in question.misconceptions
            )
            or "- (none)",
            answer=_delimit(answer) or "(no answer)",
        )
        try:
            reply = self.client.chat(
                [{"role": "user", "content": text}], temperature=0.0, max_tokens=MAX_TOKENS
            )
        except ProviderError as exc:
            self.failure = exc.cause
            return None
        reply = (reply or "").strip()
        if not reply:
            self.failure = "it returned an empty reply"
            return None
        return BetterAnswer(
            source="llm",
            depth="improved",
            text=reply,
            outline=[kp.text for kp in rubric.key_points],
            note=f"Improved answer written by the LLM ({self.client.label}, prompt "
            f"{prompt.version}); check it against the reference.",
            model=self.client.label,
        )


def _delimit(text: str) -> str:
    """The candidate's words go into the prompt as data; they cannot close the delimiter."""
    return re.sub(r"<\s*/?\s*candidate_answer\s*>", "[tag removed]", text, flags=re.I).strip()


def build_session_report(
    record: SessionRecord,
    *,
    bank: Bank | None,
    history: list[SessionRecord] | None = None,
    client: LLMClient | None = None,
) -> SessionReport:
    """The debrief of `record`. `history`: every session (any order); only the ones that
    started no later than this one feed the trend and the drill plan (so an old report does
    not change when new sessions happen)."""
    history = history if history is not None else [record]
    upto = sorted(
        [r for r in history if (r.started, r.session_id) <= (record.started, record.session_id)],
        key=lambda r: (r.started or "", r.session_id),
    )
    if not any(r.session_id == record.session_id for r in upto):
        upto.append(record)
    llm = _LLM(client)
    questions = [_safe_question_report(record, q, bank, llm) for q in record.questions]

    topics: dict[str, list[QuestionReport]] = {}
    for q in questions:
        topics.setdefault(q.topic, []).append(q)
    topic_scores = []
    for topic, qs in topics.items():
        topic_scores.append(
            TopicScore(
                topic=topic,
                score=mean_score(q.score for q in qs),
                questions=[q.question_id for q in qs],
            )
        )
    plan = list(record.plan)
    return SessionReport(
        session_id=record.session_id,
        started=record.started,
        ended=record.ended,
        status=record.status,
        end_reason=record.end_reason,
        track=record.track,
        mode=record.mode,
        policy=record.policy,
        grader=record.grader,
        overall=mean_score(q.score for q in questions),
        answered=record.answered,
        asked=len(record.questions),
        planned=len(plan) or len(record.questions),
        topics=topic_scores,
        questions=questions,
        delivery=combine_delivery(
            [q.delivery for q in questions if q.delivery and q.delivery.timed()]
        ),
        trend=topic_trends(upto, bank),
        drill=build_drill_plan(upto, bank),
        notices=[str(n.get("message", "")) for n in record.notices if n.get("kind") != "info"],
    )


def _safe_question_report(
    record: SessionRecord, q: QuestionRecord, bank: Bank | None, llm: _LLM
) -> QuestionReport:
    """A question whose journaled grade cannot be read (a broken or future writer) is still
    reported, with its answers and a note, never a traceback."""
    try:
        return _question_report(record, q, bank, llm)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        from agent.sessions.store import QuestionRecord as _QR

        bare = _QR(q.question_id, q.text, q.index, q.turns, q.follow_ups, q.answered, None)
        report = _question_report(record, bare, bank, _LLM(None))
        report.notes.append(f"the stored grade could not be read ({type(exc).__name__}: {exc})")
        return report


def _question_report(
    record: SessionRecord, q: QuestionRecord, bank: Bank | None, llm: _LLM
) -> QuestionReport:
    rubric = rubric_for(record, q.question_id, bank)
    grade = q.grade or {}
    event = question_event(record, q.question_id)
    quotes: list[str] = []
    for c in grade.get("criteria", []):
        quotes += c.get("evidence") or []
    for k in grade.get("key_points", []):
        quotes += k.get("evidence") or []
    quotes = list(dict.fromkeys(x for x in quotes if isinstance(x, str) and x.strip()))
    bad_quotes = [
        x
        for m in grade.get("misconceptions", [])
        if m.get("detected")
        for x in m.get("evidence") or []
    ]

    turns: list[TurnReport] = []
    for t in record.turns:
        if t.question_id != q.question_id:
            continue
        ans = t.answer or {}
        text = ans.get("text") if t.answer is not None else None
        turns.append(
            TurnReport(
                turn=t.turn,
                kind=t.kind,
                question=t.text,
                targets=t.targets,
                answer=text,
                intent=ans.get("intent", "answer") if t.answer is not None else None,
                source=ans.get("source"),
                seconds=ans.get("seconds"),
                highlights=highlight_spans(text or "", quotes, bad_quotes),
                delivery=delivery_from(ans.get("metrics")),
            )
        )
    criteria = []
    for c in grade.get("criteria", []):
        crit = rubric.criterion(c.get("id", "")) if rubric else None
        score = int(c.get("score", 0))
        criteria.append(
            CriterionReport(
                id=str(c.get("id")),
                name=crit.name if crit else str(c.get("id")),
                weight=crit.weight if crit else None,
                score=score,
                level=crit.levels.for_score(score) if crit else None,
                rationale=str(c.get("rationale") or ""),
                evidence=list(c.get("evidence") or []),
                supported=bool(c.get("supported", True)),
            )
        )
    key_points = []
    for k in grade.get("key_points", []):
        kp = rubric.key_point(k.get("id", "")) if rubric else None
        key_points.append(
            KeyPointReport(
                id=str(k.get("id")),
                text=kp.text if kp else str(k.get("id")),
                criterion=kp.criterion if kp else None,
                covered=bool(k.get("covered")),
                evidence=list(k.get("evidence") or []),
            )
        )
    misconceptions = []
    for m in grade.get("misconceptions", []):
        if not m.get("detected"):
            continue
        mc = rubric.misconception(m.get("id", "")) if rubric else None
        misconceptions.append(
            MisconceptionReport(
                id=str(m.get("id")),
                claim=mc.claim if mc else str(m.get("id")),
                correction=mc.correction if mc else "",
                evidence=list(m.get("evidence") or []),
            )
        )
    notes = list(grade.get("notes") or [])
    match = event.get("match")
    reference_free = bool(event.get("reference_free"))
    if reference_free and NO_RUBRIC_NOTE not in notes:
        notes.insert(0, NO_RUBRIC_NOTE)
    report = QuestionReport(
        question_id=q.question_id,
        index=q.index,
        topic=topic_of(record, q.question_id, bank),
        question=q.text,
        score=score_of(q),
        status=grade.get("status") if grade else ("unscored" if reference_free else None),
        grader=grade.get("grader"),
        model=grade.get("model"),
        fallback=grade.get("fallback"),
        disagreement=[
            DisagreementReport.model_validate(d) for d in (grade.get("disagreement") or [])
        ],
        notes=notes,
        answered=q.answered,
        match=MatchInfo.model_validate(match) if isinstance(match, dict) else None,
        turns=turns,
        criteria=criteria,
        key_points=key_points,
        missed_key_points=[k for k in key_points if not k.covered],
        misconceptions=misconceptions,
        follow_ups=[t.question for t in turns if t.kind == "follow_up"],
        better_answer=BetterAnswer(source="none"),
        delivery=combine_delivery([t.delivery for t in turns if t.delivery]),
    )
    better = None
    if rubric is not None and q.grade is not None:
        better = llm.better(rubric, report)
    report.better_answer = better or reference_answer(
        rubric, score_of(q), q.follow_ups, llm.note() if rubric is not None else ""
    )
    return report


def topic_trends(records: list[SessionRecord], bank: Bank | None) -> list[TopicTrend]:
    """Per topic, the mean question score of each session (oldest first) that had one."""
    series: dict[str, list[TrendPoint]] = {}
    for record in sorted(records, key=lambda r: (r.started or "", r.session_id)):
        by_topic: dict[str, list[float]] = {}
        for q in record.questions:
            score = score_of(q)
            if score is None:
                continue
            by_topic.setdefault(topic_of(record, q.question_id, bank), []).append(score)
        for topic, scores in by_topic.items():
            series.setdefault(topic, []).append(
                TrendPoint(
                    session_id=record.session_id,
                    date=(record.started or "")[:10],
                    score=mean_score(scores),
                )
            )
    return [TopicTrend(topic=t, points=p) for t, p in sorted(series.items())]
