"""Debrief: every question with its score; the selected one in detail; export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from agent.tui.data import score_style, score_text
from agent.tui.debrief_view import render_question
from agent.tui.host import BACK, VivaScreen
from agent.tui.messages import DebriefFailed, DebriefLoaded, ExportFinished, ReportBuilt
from agent.tui.widgets.rows import focus_row_table, row_table

if TYPE_CHECKING:
    from agent.report.model import QuestionReport, SessionReport
    from agent.sessions.store import SessionRecord

EXPORTS = {
    "markdown": ("m", "Markdown", "md"),
    "html": ("w", "HTML", "html"),
    "json": ("j", "JSON", "json"),
}
"""Export formats: the key that writes one, its name, the file's suffix."""
QUESTION_COLUMNS = (("#", 2), ("question", 46), ("score", 5), ("fu", 2))


class DebriefScreen(VivaScreen):
    BINDINGS = [
        *(
            Binding(key, f"export('{fmt}')", label, tooltip=f"Export the debrief as {label}")
            for fmt, (key, label, _suffix) in EXPORTS.items()
        ),
        BACK,
        Binding("ctrl+d", "toggle_detail", "Detail", tooltip="Focus the detail pane / the table"),
    ]

    def __init__(self, session_id: str):
        super().__init__()
        self.session_id = session_id
        self.record: SessionRecord | None = None
        """The session as read from its journal (exports are written into its folder)."""
        self.report: SessionReport | None = None
        """The debrief: the same agent.report SessionReport the exports render; rebuilt with
        the LLM's better answers in LLM mode."""
        self.selected: QuestionReport | None = None
        self.exported: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Debrief {self.session_id}: loading...", style="dim"), id="debrief-head")
        yield row_table("questions", "Questions")
        with VerticalScroll(id="detail"):
            yield Static(id="detail-body")
        yield Footer()

    def on_mount(self) -> None:
        focus_row_table(self.query_one("#questions", DataTable), QUESTION_COLUMNS)
        self._load()

    @work(thread=True, exclusive=True, group="debrief")
    def _load(self) -> None:
        from agent.sessions.store import read_session

        try:
            record = read_session(self.session_id)
            report = build_report(record, self.host.load_bank())
        except Exception as exc:  # noqa: BLE001
            self.post_message(DebriefFailed(str(exc)))
            return
        self.post_message(DebriefLoaded((record, report)))

    def on_debrief_failed(self, message: DebriefFailed) -> None:
        self.query_one("#debrief-head", Static).update(
            Text(f"Cannot open the debrief: {message.error}")
        )
        self.notify(message.error, severity="error", timeout=15)

    def on_debrief_loaded(self, message: DebriefLoaded) -> None:
        if not self.query("#detail-body"):  # the screen closed while the session was read
            return
        self.record, data = message.data
        self.report = data
        head = Text.assemble(
            (f"{data.track}", "bold"),
            f"  {data.mode}  ",
            ("overall ", "dim"),
            (score_text(data.overall), score_style(data.overall)),
            f"  answered {data.answered}/{len(data.questions)}  ",
            (data.status, "yellow" if data.status == "interrupted" else "green"),
        )
        self.query_one("#debrief-head", Static).update(head)
        table = self.query_one("#questions", DataTable)
        table.border_title = f"Questions - session {data.session_id}"
        table.clear()
        for q in data.questions:
            table.add_row(
                str(q.index),
                q.question,
                Text(score_text(q.score).replace("/4", ""), style=score_style(q.score)),
                str(len(q.follow_ups)),
                key=q.question_id,
            )
        for notice in data.notices:
            if "offline" in notice.lower() or "fail" in notice.lower():
                self.notify(notice, severity="warning", timeout=8)
        if self._llm_configured():
            self.query_one("#questions", DataTable).border_subtitle = "writing better answers..."
            self._better_answers()
        if data.questions:
            self.show_question(0)
        else:
            self.query_one("#detail-body", Static).update(
                Text("No question was asked in this session.", style="dim")
            )

    def _llm_configured(self) -> bool:
        settings = self.host.settings
        if settings.grader_mode == "offline":
            return False
        try:
            from agent.llm.presets import resolve_provider

            return resolve_provider(settings, "grader") is not None
        except Exception:  # noqa: BLE001 - a config problem: stay offline here
            return False

    @work(thread=True, exclusive=True, group="better")
    def _better_answers(self) -> None:
        """LLM mode: the report module asks the model for a better answer to each question."""
        from agent.llm.client import client_for

        try:
            client = client_for(self.host.settings, "grader")
            report = build_report(self.record, self.host.load_bank(), client=client)
        except Exception as exc:  # noqa: BLE001
            self.post_message(ReportBuilt(None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(ReportBuilt(report))

    def on_report_built(self, message: ReportBuilt) -> None:
        table = self.query_one("#questions", DataTable)
        table.border_subtitle = ""
        if message.report is None:
            self.notify(
                f"No better answers from the LLM ({message.error}); showing reference answers.",
                severity="warning",
                timeout=10,
            )
            return
        self.report = message.report
        used_llm = any(
            q.better_answer.source == "llm" and q.better_answer.text for q in self.report.questions
        )
        if not used_llm:
            notes = {q.better_answer.note for q in self.report.questions} - {""}
            self.notify(next(iter(notes), "The LLM wrote no better answers."), timeout=8)
        if self.selected is not None:
            self.show_question(table.cursor_row)

    def show_question(self, row: int) -> None:
        if self.report is None or not (0 <= row < len(self.report.questions)):
            return
        self.selected = self.report.questions[row]
        self.query_one("#detail-body", Static).update(render_question(self.selected))
        self.query_one("#detail", VerticalScroll).scroll_home(animate=False)

    @on(DataTable.RowHighlighted, "#questions")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_question(event.cursor_row)

    @on(DataTable.RowSelected, "#questions")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.show_question(event.cursor_row)
        self.query_one("#detail", VerticalScroll).focus()

    def action_toggle_detail(self) -> None:
        detail = self.query_one("#detail", VerticalScroll)
        if detail.has_focus:
            self.query_one("#questions", DataTable).focus()
        else:
            detail.focus()

    # ------------------------------------------------------------------ export
    def action_export(self, fmt: str) -> None:
        if self.record is None:
            self.notify("Still loading the session.", timeout=3)
            return
        self._export(fmt)

    @work(thread=True, group="export")
    def _export(self, fmt: str) -> None:
        try:
            path = export_session(self.record, fmt, bank=self.host.load_bank(), report=self.report)
        except ModuleNotFoundError as exc:
            if (exc.name or "").startswith("agent.report"):
                why = "export needs agent.report, which this build does not have"
                self.post_message(ExportFinished(fmt, None, why))
                return
            self.post_message(ExportFinished(fmt, None, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001
            self.post_message(ExportFinished(fmt, None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(ExportFinished(fmt, str(path)))

    def on_export_finished(self, message: ExportFinished) -> None:
        if message.error:
            self.notify(
                f"{message.fmt} export failed: {message.error}", severity="error", timeout=12
            )
            return
        self.exported[message.fmt] = message.path or ""
        self.notify(f"Saved {message.path}", title=f"{message.fmt.upper()} export", timeout=12)


def build_report(record, bank, *, client=None):
    """The debrief helper's SessionReport of `record` (agent.report), with the history."""
    from agent.report.build import build_session_report
    from agent.report.history import load_records

    try:
        history = load_records(record.path.parent)
    except Exception:  # noqa: BLE001 - the trend is a bonus; the report still builds
        history = [record]
    return build_session_report(record, bank=bank, history=history, client=client)


def export_session(record, fmt: str, *, bank=None, report=None):
    """Write the debrief of `record` as `fmt` (markdown, html, json) into the session folder,
    rendered by agent.report (the same report `viva debrief` prints); returns the path."""
    import os

    if report is None:
        report = build_report(record, bank)
    if fmt == "markdown":
        from agent.report.markdown import render_session

        content = render_session(report)
    elif fmt == "html":
        from agent.report.html import render_session

        content = render_session(report)
    elif fmt == "json":
        content = report.to_json()
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    path = record.path / f"debrief.{EXPORTS[fmt][2]}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(content if content.endswith("\n") else content + "\n")
    return path
