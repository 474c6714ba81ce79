"""Reading the session history back for reports: every journal in the data dir, oldest first,
and the rubric each journaled question was graded against.

Nothing here is cached or stored: the drill plan and the progress view are derived from the
journals every time, so they can never be stale.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent import locations
from agent.sessions.journal import JOURNAL_NAME, read_events
from agent.sessions.store import SessionRecord, build_record

if TYPE_CHECKING:
    from agent.bank.loader import Bank
    from agent.bank.models import Rubric


def load_records(root: Path | None = None) -> list[SessionRecord]:
    """Every readable session, oldest first (by start time, then id)."""
    root = root or locations.sessions_dir()
    if not root.is_dir():
        return []
    records: list[SessionRecord] = []
    for folder in root.iterdir():
        path = folder / JOURNAL_NAME
        if not folder.is_dir() or not path.is_file():
            continue
        try:
            records.append(build_record(folder.name, folder, read_events(path)))
        except Exception:  # an unreadable folder never breaks the history
            continue
    records.sort(key=lambda r: (r.started or "", r.session_id))
    return records


def graded_questions(record: SessionRecord) -> list:
    """Questions of the session that carry a readable grade (the ones that count)."""
    return [q for q in record.questions if q.grade is not None and score_of(q) is not None]


def score_of(q) -> float | None:
    """A question's score 0-4, or None (never graded, or a grade that cannot be read)."""
    try:
        score = q.score
    except (TypeError, ValueError):
        return None
    if score is None or not 0 <= score <= 4:
        return None
    return score


def question_event(record: SessionRecord, question_id: str) -> dict[str, Any]:
    """The first (main) question event of `question_id` in the journal, with any extra fields."""
    for ev in record.events:
        if ev.get("type") == "question" and ev.get("question_id") == question_id:
            return ev
    return {}


def rubric_for(record: SessionRecord, question_id: str, bank: Bank | None) -> Rubric | None:
    """The rubric a question was graded against: a rubric stored in the journal (imports with a
    reference answer carry their derived rubric), else the bank's, else None."""
    from pydantic import ValidationError

    from agent.bank.models import Rubric

    stored = question_event(record, question_id).get("rubric")
    if isinstance(stored, dict):
        try:
            return Rubric.model_validate(stored)
        except ValidationError:
            pass
    if bank is not None:
        return bank.rubrics.get(question_id)
    return None


def topic_of(record: SessionRecord, question_id: str, bank: Bank | None) -> str:
    rubric = rubric_for(record, question_id, bank)
    if rubric is not None:
        return rubric.topic
    return str(question_event(record, question_id).get("topic") or "custom")


def load_bank_quietly() -> Bank | None:
    """The question bank, or None when it cannot load (a report still renders from the grades)."""
    from agent.bank.loader import load_bank
    from agent.errors import VivaError

    try:
        return load_bank()
    except VivaError:
        try:
            return load_bank(strict=False)
        except VivaError:
            return None
