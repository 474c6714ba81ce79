"""History: past sessions, per-topic averages over time, weakest key points."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from agent.tui.data import Overview, score_text
from agent.tui.host import BACK
from agent.tui.screens.overview import OverviewScreen
from agent.tui.widgets.rows import focus_row_table, row_table
from agent.tui.widgets.trends import TopicTrends

HISTORY_COLUMNS = (
    ("date", 16),
    ("track", 17),
    ("mode", 6),  # text, voice, import
    ("answered", 8),
    ("score", 5),
    ("status", 11),
)


class HistoryScreen(OverviewScreen):
    BINDINGS = [
        BACK,
        Binding("enter", "open", "Debrief", tooltip="Open the selected session's debrief"),
        Binding(
            "r", "resume", "Resume", tooltip="Resume the selected session if it was interrupted"
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Text("History", style="bold"), id="history-title")
        with VerticalScroll(id="history-body"):
            yield row_table("sessions", "Sessions")
            trends = TopicTrends(id="history-trends")
            trends.border_title = "Per-topic average over time (oldest -> newest)"
            yield trends
            weak = Static(id="weakest")
            weak.border_title = "Weakest key points"
            yield weak
        yield Footer()

    def on_mount(self) -> None:
        focus_row_table(self.query_one("#sessions", DataTable), HISTORY_COLUMNS)
        self._load()

    def show_overview(self, data: Overview) -> None:
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for s in data.sessions:
            status = Text(s.status, style="yellow" if s.status == "interrupted" else "green")
            table.add_row(
                s.date,
                s.track,
                s.mode,
                f"{s.answered}/{s.questions}",
                score_text(s.overall),
                status,
                key=s.id,
            )
        if not data.sessions:
            table.add_row("-", "no sessions yet", "", "", "", "")
        self.query_one("#history-trends", TopicTrends).set_trends(data.trends)
        weak = Text()
        if not data.weakest:
            weak.append("nothing missed yet", style="dim")
        for i, p in enumerate(data.weakest):
            if i:
                weak.append("\n")
            weak.append(
                f"missed {p.missed}/{p.seen} ",
                style="bold red" if p.missed == p.seen else "bold yellow",
            )
            weak.append(f"{p.question_id}: ", style="dim")
            weak.append(p.text)
        self.query_one("#weakest", Static).update(weak)

    def _selected(self):
        table = self.query_one("#sessions", DataTable)
        if self.overview is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((s for s in self.overview.sessions if s.id == key), None)

    @on(DataTable.RowSelected, "#sessions")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        row = self._selected()
        if row is not None:
            self.host.show_debrief(row.id)

    def action_resume(self) -> None:
        row = self._selected()
        if row is None or row.status != "interrupted":
            self.notify("Pick an interrupted session to resume.")
            return
        self.app.pop_screen()
        self.host.start_interview(
            resume=row.id, mode=row.mode if row.mode in ("text", "voice") else "text"
        )
