"""Building a `SessionReport` from a session's journal, the question bank and the history before
it. Pure apart from the optional LLM "better answer" (a client is passed in)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from agent.report.better import BetterAnswers, reference_answer
from agent.report.delivery import combine_delivery, delivery_from
from agent.report.drill import build_drill_plan
from agent.report.history import question_event, rubric_for, score_of, topic_of
from agent.report.model import (
    NO_RUBRIC_NOTE,
    BetterAnswer,
    CriterionReport,
    DisagreementReport,
    KeyPointReport,
    MatchInfo,
    MisconceptionReport,
    QuestionReport,
    SessionReport,
    Span,
    TopicScore,
    TopicTrend,
    TrendPoint,
    TurnReport,
    closest_match_note,
)
from agent.sessions.store import mean_score

if TYPE_CHECKING:
    from agent.bank.loader import Bank
    from agent.llm.client import LLMClient
    from agent.sessions.store import QuestionRecord, SessionRecord


COPIED_FROM_RECORD = (
    "session_id", "started", "ended", "status", "end_reason", "track", "mode", "policy", "grader"
)  # fmt: skip
"""The report's header fields that are the session record's, as they are."""


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
    llm = BetterAnswers(client)
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
        **{name: getattr(record, name) for name in COPIED_FROM_RECORD},
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
    record: SessionRecord, q: QuestionRecord, bank: Bank | None, llm: BetterAnswers
) -> QuestionReport:
    """A question whose journaled grade cannot be read (a broken or future writer) is still
    reported, with its answers and a note, never a traceback."""
    try:
        return _question_report(record, q, bank, llm)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        from agent.sessions.store import QuestionRecord as _QR

        bare = _QR(q.question_id, q.text, q.index, q.turns, q.follow_ups, q.answered, None)
        report = _question_report(record, bare, bank, BetterAnswers(None))
        report.notes.append(f"the stored grade could not be read ({type(exc).__name__}: {exc})")
        return report


def _question_report(
    record: SessionRecord, q: QuestionRecord, bank: Bank | None, llm: BetterAnswers
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
    if isinstance(match, dict) and match.get("by") == "closest" and rubric is not None:
        notes.insert(0, closest_match_note(rubric.question))
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


def highlight_spans(text: str, quotes: list[str], wrong: Sequence[str] = ()) -> list[Span]:
    """Where the evidence quotes (and misconception quotes) occur in `text`, case- and
    whitespace-insensitive, merged, sorted, never overlapping (evidence wins)."""
    good = _find(text, quotes)
    spans = [Span(start=s, end=e) for s, e in good]
    for s, e in _find(text, list(wrong)):
        if all(e <= gs or s >= ge for gs, ge in good):
            spans.append(Span(start=s, end=e, kind="misconception"))
    return sorted(spans, key=lambda sp: sp.start)


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
