"""Plain data the screens show, computed off the UI thread from the sessions and the bank.

No Textual here: these functions are what the workers call, and what unit tests can check.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from agent.sessions.store import SessionSummary, mean_score

GRADED_INTENTS = ("answer", "dont_know", "off_topic")
"""Intents whose text counts toward a question's answer (same as the engine's GRADED)."""

RECENT_LIMIT = 40
"""Sessions read in full for trends (newest first); older ones only appear in the list."""


def session_date(session_id: str, fallback: str = "") -> str:
    """'2026-11-22 01:30' from an id like 20261122-013045-ab12 (ids are UTC start times)."""
    m = re.match(r"(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})", session_id)
    if m:
        y, mo, d, h, mi = m.groups()
        return f"{y}-{mo}-{d} {h}:{mi}"
    return fallback[:16].replace("T", " ")


def score_text(score: float | None) -> str:
    return "-" if score is None else f"{score:.1f}/4"


@dataclass
class TrackInfo:
    id: str
    title: str
    minutes: float
    questions: int
    description: str = ""


@dataclass
class WeakPoint:
    question_id: str
    text: str
    missed: int
    seen: int


@dataclass
class Overview:
    """What the home and history screens show."""

    tracks: list[TrackInfo] = field(default_factory=list)
    sessions: list[SessionSummary] = field(default_factory=list)
    """Newest first; `date` shown as 'YYYY-MM-DD HH:MM'."""
    trends: dict[str, list[float]] = field(default_factory=dict)
    """topic -> per-session average score (0-4), oldest first."""
    weakest: list[WeakPoint] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def resumable(self) -> SessionSummary | None:
        """The newest interrupted session that has a question left to answer."""
        for row in self.sessions:
            if row.status == "interrupted":
                return row
        return None


def load_overview(bank=None, root=None) -> Overview:
    """Tracks from the bank; sessions, per-topic trends and weakest key points from the journals."""
    from agent.sessions.store import list_sessions, read_session

    out = Overview()
    if bank is None:
        from agent.bank.loader import load_bank

        bank = load_bank()
    for track in bank.tracks.values():
        out.tracks.append(
            TrackInfo(
                id=track.id,
                title=track.title,
                minutes=track.minutes,
                questions=len(track.question_ids),
                description=" ".join(track.description.split()),
            )
        )
    out.tracks.sort(key=lambda t: (t.minutes, t.id))
    summaries = list_sessions(root)
    out.sessions = [replace(s, date=session_date(s.id, s.date)) for s in summaries]
    records = []
    for s in summaries[:RECENT_LIMIT]:
        try:
            records.append(read_session(s.id, root))
        except Exception as exc:  # an unreadable journal must not hide the others
            out.problems.append(f"{s.id}: {exc}")
    records.reverse()  # oldest first
    out.trends = topic_trends(records, bank)
    out.weakest = weakest_points(records, bank)
    return out


def _topic(bank, question_id: str) -> str:
    rubric = getattr(bank, "rubrics", {}).get(question_id)
    return rubric.topic if rubric is not None else "custom"


def topic_trends(records, bank) -> dict[str, list[float]]:
    """For each topic: the average score of its graded questions in each session, oldest first."""
    trends: dict[str, list[float]] = defaultdict(list)
    for rec in records:
        per_topic: dict[str, list[float]] = defaultdict(list)
        for q in rec.questions:
            if q.score is not None:
                per_topic[_topic(bank, q.question_id)].append(q.score)
        for topic, scores in per_topic.items():
            trends[topic].append(mean_score(scores))
    order = {t: i for i, t in enumerate(getattr(bank, "topics", lambda: [])())}
    return dict(sorted(trends.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])))


def weakest_points(records, bank, limit: int = 8) -> list[WeakPoint]:
    """Key points missed most often in graded answers (most missed first, then by miss rate)."""
    missed: dict[tuple[str, str], int] = defaultdict(int)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for rec in records:
        for q in rec.questions:
            if not q.answered or not q.grade:
                continue
            for kp in q.grade.get("key_points", []):
                key = (q.question_id, str(kp.get("id")))
                seen[key] += 1
                if not kp.get("covered"):
                    missed[key] += 1
    points = []
    for (qid, kid), count in missed.items():
        rubric = getattr(bank, "rubrics", {}).get(qid)
        kp = rubric.key_point(kid) if rubric is not None else None
        text = kp.text if kp is not None else kid
        points.append(WeakPoint(qid, text, count, seen[(qid, kid)]))
    points.sort(key=lambda p: (-p.missed, -(p.missed / max(1, p.seen)), p.question_id, p.text))
    return points[:limit]


# ----------------------------------------------------------------------------- debrief


@dataclass
class CriterionView:
    id: str
    name: str
    score: int
    rationale: str
    evidence: list[str]


@dataclass
class QuestionView:
    index: int
    question_id: str
    question: str
    topic: str
    score: float | None
    grader: str | None
    follow_ups: int
    answered: bool
    answer: str
    """Everything the candidate said that was graded, in order."""
    exchanges: list[tuple[str, str]]
    """(interviewer, candidate) pairs in order, for context."""
    criteria: list[CriterionView]
    evidence: list[str]
    """Every verbatim quote the grade used (criteria, key points, misconceptions)."""
    missed: list[str]
    misconceptions: list[tuple[str, str]]
    """(claim, correction) for each detected misconception."""
    reference_label: str
    reference: str
    better_answer: str | None
    metrics: list[dict[str, Any]]
    notes: list[str]


@dataclass
class DebriefData:
    session_id: str
    track: str
    mode: str
    status: str
    overall: float | None
    answered: int
    folder: str
    questions: list[QuestionView]
    notices: list[str]
    record: Any = None


def reference_at_depth(rubric, score: float | None, follow_ups: int = 0) -> tuple[str, str]:
    """Offline: the reference answer at the depth the score calls for.

    A strong answer (>= 3) gets the short version plus the deep material to go further; anything
    less gets the standard answer, the one an interviewer hopes to hear, plus the deep material
    when the interviewer already probed with follow-ups."""
    ref = rubric.reference
    strong = score is not None and score >= 3.0
    parts = [(ref.short or ref.standard).strip() if strong else ref.standard.strip()]
    label = "short" if strong and ref.short else "standard"
    if ref.deep and (strong or follow_ups > 0):
        parts.append("Going deeper: " + ref.deep.strip())
        label += " + deep"
    return label, "\n\n".join(parts)


def build_debrief(record, bank) -> DebriefData:
    """Fold a SessionRecord (agent.sessions.store) into what the debrief screen shows."""
    answers_by_q: dict[str, list[str]] = defaultdict(list)
    exchanges: dict[str, list[tuple[str, str]]] = defaultdict(list)
    metrics: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for turn in record.turns:
        ans = turn.answer or {}
        text = str(ans.get("text", "") or "")
        exchanges[turn.question_id].append((turn.text, text))
        if ans and ans.get("intent", "answer") in GRADED_INTENTS and text.strip():
            answers_by_q[turn.question_id].append(text)
        if ans.get("metrics"):
            metrics[turn.question_id].append(dict(ans["metrics"]))
    views: list[QuestionView] = []
    for q in record.questions:
        rubric = getattr(bank, "rubrics", {}).get(q.question_id)
        grade = q.grade or {}
        crit_views = []
        evidence: list[str] = []
        for c in grade.get("criteria", []):
            crit = rubric.criterion(c.get("id", "")) if rubric is not None else None
            ev = [str(e) for e in c.get("evidence", []) if str(e).strip()]
            evidence.extend(ev)
            crit_views.append(
                CriterionView(
                    id=str(c.get("id")),
                    name=crit.name if crit is not None else str(c.get("id")),
                    score=int(c.get("score", 0)),
                    rationale=str(c.get("rationale", "")),
                    evidence=ev,
                )
            )
        missed = []
        for kp in grade.get("key_points", []):
            evidence.extend(str(e) for e in kp.get("evidence", []) if str(e).strip())
            if not kp.get("covered"):
                point = rubric.key_point(kp.get("id", "")) if rubric is not None else None
                missed.append(point.text if point is not None else str(kp.get("id")))
        wrong = []
        for m in grade.get("misconceptions", []):
            if m.get("detected"):
                evidence.extend(str(e) for e in m.get("evidence", []) if str(e).strip())
                mis = rubric.misconception(m.get("id", "")) if rubric is not None else None
                if mis is not None:
                    wrong.append((mis.claim, mis.correction))
                else:
                    wrong.append((str(m.get("id")), ""))
        if rubric is not None:
            label, reference = reference_at_depth(rubric, q.score, q.follow_ups)
        else:
            label, reference = "standard", ""
        views.append(
            QuestionView(
                index=q.index,
                question_id=q.question_id,
                question=q.text,
                topic=rubric.topic if rubric is not None else "custom",
                score=q.score,
                grader=grade.get("grader"),
                follow_ups=q.follow_ups,
                answered=q.answered,
                answer="\n".join(answers_by_q.get(q.question_id, [])),
                exchanges=exchanges.get(q.question_id, []),
                criteria=crit_views,
                evidence=list(dict.fromkeys(evidence)),
                missed=missed,
                misconceptions=wrong,
                reference_label=label,
                reference=reference,
                better_answer=grade.get("better_answer") if isinstance(grade, dict) else None,
                metrics=metrics.get(q.question_id, []),
                notes=[str(n) for n in grade.get("notes", [])],
            )
        )
    return DebriefData(
        session_id=record.session_id,
        track=record.track,
        mode=record.mode,
        status=record.status,
        overall=record.overall,
        answered=record.answered,
        folder=str(record.path),
        questions=views,
        notices=[str(n.get("message", "")) for n in record.notices if n.get("message")],
        record=record,
    )


def evidence_spans(answer: str, quotes: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every exact occurrence of each quote in the answer (case-insensitive),
    merged where they overlap."""
    spans = []
    low = answer.lower()
    for quote in quotes:
        q = quote.strip().lower()
        if not q:
            continue
        start = low.find(q)
        while start >= 0:
            spans.append((start, start + len(q)))
            start = low.find(q, start + len(q))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


METRIC_LINES = (
    ("words_per_minute", "pace", "{:.0f} words/min"),
    ("filler_count", "fillers", "{}"),
    ("fillers", "", "{}"),
    ("hedge_count", "hedges", "{}"),
    ("hedges", "", "{}"),
    ("long_pauses", "long pauses", "{}"),
    ("longest_pause", "longest pause", "{:.1f} s"),
    ("time_to_first_word", "first word after", "{:.1f} s"),
    ("speaking_time", "speaking", "{:.0f} s"),
)
"""Delivery metrics (agent.speech.metrics.DeliveryMetrics) shown in the debrief, in order."""


def format_metrics(metrics: dict[str, Any]) -> list[str]:
    """Delivery metrics as short phrases; a word-count dict is shown after its count."""
    out: list[str] = []
    for key, label, fmt in METRIC_LINES:
        value = metrics.get(key)
        if value is None or value == {} or value == []:
            continue
        if isinstance(value, dict):
            if out:
                out[-1] += " (" + ", ".join(f"{w} x{n}" for w, n in list(value.items())[:4]) + ")"
            continue
        try:
            out.append(f"{label}: {fmt.format(value)}")
        except (ValueError, TypeError):
            out.append(f"{label}: {value}")
    return out
