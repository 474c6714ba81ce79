"""History: past sessions, per-topic averages over time, weakest key points."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from agent.tui.data import Overview, score_text
from agent.tui.host import VivaScreen
from agent.tui.messages import HistoryLoaded, HomeFailed
from agent.tui.widgets.trends import TopicTrends

HISTORY_COLUMNS = (
    ("date", 16),
    ("track", 17),
    ("mode", 5),
    ("answered", 8),
    ("score", 5),
    ("status", 11),
)


class HistoryScreen(VivaScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the previous screen"),
        Binding("enter", "open", "Debrief", tooltip="Open the selected session's debrief"),
        Binding(
            "r", "resume", "Resume", tooltip="Resume the selected session if it was interrupted"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.overview: Overview | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("History", style="bold"), id="history-title")
        with VerticalScroll(id="history-body"):
            table: DataTable = DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            table.border_title = "Sessions"
            yield table
            trends = TopicTrends(id="history-trends")
            trends.border_title = "Per-topic average over time (oldest -> newest)"
            yield trends
            weak = Static(id="weakest")
            weak.border_title = "Weakest key points"
            yield weak
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        # Fixed widths: columns sized to their content resize when the rows arrive from the
        # worker, and the header could be drawn before or after that (a visible jump).
        for label, width in HISTORY_COLUMNS:
            table.add_column(label, width=width)
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="history")
    def _load(self) -> None:
        from agent.tui.data import load_overview

        try:
            data = load_overview(self.host.load_bank())
        except Exception as exc:  # noqa: BLE001
            self.post_message(HomeFailed(str(exc)))
            return
        self.post_message(HistoryLoaded(data))

    def on_home_failed(self, message: HomeFailed) -> None:
        self.notify(f"Could not read the sessions: {message.error}", severity="error", timeout=15)

    def on_history_loaded(self, message: HistoryLoaded) -> None:
        if not self.query("DataTable"):  # the screen closed while the data was read
            return
        data: Overview = message.data
        self.overview = data
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

    def action_back(self) -> None:
        self.app.pop_screen()
