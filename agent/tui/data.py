"""Plain data the screens show, computed off the UI thread.

It is computed from the sessions and the bank.

No Textual here: these functions are what the workers call, and what unit tests can check.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from agent.sessions.store import SessionSummary, mean_score

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


def score_style(score: float | None) -> str:
    """The colour a 0-4 score is shown in across the app (debrief, trends)."""
    if score is None:
        return "dim"
    return "bold green" if score >= 3 else "bold yellow" if score >= 1.5 else "bold red"


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
            mean = mean_score(scores)
            if mean is not None:
                trends[topic].append(mean)
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
