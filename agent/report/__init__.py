"""Debriefs: the session report, the drill plan, progress across sessions, imports.

For front ends (the TUI's debrief screen):

    from agent.report import session_report, progress_report
    report = session_report("latest")            # SessionReport (pydantic); .to_json()
    from agent.report.markdown import render_session   # or agent.report.html.render_session
    text = render_session(report)
    progress = progress_report()                 # ProgressReport: trend, misconceptions, drill

`session_report(..., client=client_for(settings, "grader"))` asks the LLM for improved answers
(slow: one call per graded question; run it in a worker); without a client the rubric's
reference answer is shown with a note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.llm.client import LLMClient
    from agent.report.model import SessionReport
    from agent.report.progress import ProgressReport


def session_report(session_id: str, *, client: LLMClient | None = None) -> SessionReport:
    """The debrief of one session ('latest' for the newest), from the journals in the data dir."""
    from agent.errors import UsageError
    from agent.report.build import build_session_report
    from agent.report.history import load_bank_quietly, load_records
    from agent.sessions.store import list_sessions, read_session

    if session_id == "latest":
        sessions = list_sessions()
        if not sessions:
            raise UsageError("no sessions yet (start one with 'viva interview')")
        session_id = sessions[0].id
    record = read_session(session_id)
    return build_session_report(
        record, bank=load_bank_quietly(), history=load_records(), client=client
    )


def progress_report() -> ProgressReport:
    """Per-topic trend, most frequent misconceptions and the drill plan over all sessions."""
    from agent.report.history import load_bank_quietly, load_records
    from agent.report.progress import build_progress

    return build_progress(load_records(), load_bank_quietly())
