"""Home: pick a track and a mode, see what is ready, recent sessions and per-topic trends."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from agent.tui.data import Overview, score_text
from agent.tui.screens.overview import OverviewScreen
from agent.tui.widgets.rows import add_fixed_columns, row_table
from agent.tui.widgets.trends import TopicTrends

RECENT_COLUMNS = (("when", 11), ("track", 14), ("score", 5), ("", 6))


class HomeScreen(OverviewScreen):
    BINDINGS = [
        Binding("enter", "start", "Start", tooltip="Start an interview on the selected track"),
        Binding("m", "toggle_mode", "Mode", tooltip="Switch between voice and text answers"),
        Binding("r", "resume", "Resume", tooltip="Resume the last interrupted session"),
        Binding("h", "app.history", "History", tooltip="Past sessions and progress"),
        Binding("d", "debrief", "Debrief", tooltip="Open the debrief of the selected session"),
        Binding("c", "import_cv", "CV", tooltip="Import your resume for the project deep dive"),
        Binding(
            "i",
            "import_transcript",
            "Import",
            tooltip="Debrief a practice transcript made elsewhere",
        ),
        Binding("q", "app.quit", "Quit", show=False, tooltip="Quit Viva"),
    ]

    LOAD_FAILED = "Could not load the question bank"

    def compose(self) -> ComposeResult:
        yield Static(Text("Viva - mock ML interviews", style="bold"), id="title")
        with Horizontal(id="home-body"):
            with Vertical(id="home-left"):
                tracks = OptionList(id="tracks")
                tracks.border_title = "Tracks"
                yield tracks
            with VerticalScroll(id="home-right"):
                ready = Static("checking microphone and whisper model...", id="readiness")
                ready.border_title = "Setup"
                yield ready
                yield Static(id="resume-hint")
                yield row_table("recent", "Recent sessions")
                trends = TopicTrends(id="trends")
                trends.border_title = "Per-topic trend"
                yield trends
        yield Static(id="mode")
        yield Footer()

    def on_mount(self) -> None:
        add_fixed_columns(self.query_one("#recent", DataTable), RECENT_COLUMNS)
        self._show_mode()
        if self.host.readiness is not None:
            self.readiness_changed(self.host.readiness)
        self.query_one("#tracks", OptionList).focus()
        self.refresh_data()

    def on_screen_resume(self) -> None:
        # Back from an interview, debrief or history: sessions may have changed.
        if self.overview is not None:
            self.refresh_data()

    # ------------------------------------------------------------------ data
    def refresh_data(self) -> None:
        self._load()

    def show_overview(self, data: Overview) -> None:
        tracks = self.query_one("#tracks", OptionList)
        highlighted = tracks.highlighted
        tracks.clear_options()
        for t in data.tracks:
            label = Text.assemble(
                (t.title, "bold"),
                f"\n{t.questions} question{'s' if t.questions != 1 else ''}, {t.minutes:.0f} min",
            )
            tracks.add_option(Option(label, id=t.id))
        if data.tracks:
            default = getattr(self.host.settings, "default_track", None)
            ids = [t.id for t in data.tracks]
            tracks.highlighted = (
                highlighted
                if highlighted is not None
                else ids.index(default)
                if default in ids
                else 0
            )
        table = self.query_one("#recent", DataTable)
        table.clear()
        for row in data.sessions[:8]:
            status = (
                Text("paused", style="bold yellow")
                if row.status == "interrupted"
                else Text("done", style="green")
            )
            track = row.track if len(row.track) <= 14 else row.track[:13] + "~"
            table.add_row(
                row.date[5:], track, score_text(row.overall).replace("/4", ""), status, key=row.id
            )
        if not data.sessions:
            table.add_row("-", "no sessions yet", "-", "-")
        self.query_one("#trends", TopicTrends).set_trends(data.trends)
        hint = self.query_one("#resume-hint", Static)
        resumable = data.resumable
        if resumable is not None:
            hint.update(
                Text.assemble(
                    ("Interrupted: ", "bold"),
                    f"{resumable.track} ({resumable.date}, {resumable.answered} answered). ",
                    ("r", "bold reverse"),
                    " resumes it.",
                )
            )
            hint.display = True
        else:
            hint.display = False
        for problem in data.problems[:3]:
            self.notify(problem, severity="warning")

    # ------------------------------------------------------------------ readiness / mode
    def readiness_changed(self, readiness) -> None:
        def mark(ok: bool) -> tuple[str, str]:
            return ("ok  ", "bold green") if ok else ("no  ", "bold red")

        provider = readiness.provider
        lines = Text.assemble(
            ("interviewer ", "dim"),
            (provider, "bold green" if provider == "offline" else "bold"),
            ("   grader ", "dim"),
            (readiness.grader, "bold"),
            "\n",
            mark(readiness.microphone),
            ("microphone: ", "dim"),
            readiness.microphone_detail,
            "\n",
            mark(readiness.whisper),
            ("whisper: ", "dim"),
            readiness.whisper_detail,
        )
        self.query_one("#readiness", Static).update(lines)
        self._show_mode()

    def _show_mode(self) -> None:
        mode = self.host.mode
        parts = [("Mode: ", "bold")]
        for name in ("text", "voice"):
            parts.append((f" {name} ", "bold reverse" if name == mode else "dim"))
        parts.append(("  m switches, enter starts", "dim"))
        readiness = self.host.readiness
        if mode == "voice" and readiness is not None and not readiness.voice_ready:
            parts.append(("\nvoice is not ready: answers can still be typed", "yellow"))
        self.query_one("#mode", Static).update(Text.assemble(*parts))

    def action_toggle_mode(self) -> None:
        self.host.mode = "voice" if self.host.mode == "text" else "text"
        self._show_mode()

    # ------------------------------------------------------------------ actions
    @property
    def selected_track(self) -> str | None:
        tracks = self.query_one("#tracks", OptionList)
        if tracks.highlighted is None or tracks.option_count == 0:
            return None
        return tracks.get_option_at_index(tracks.highlighted).id

    @on(OptionList.OptionSelected, "#tracks")
    def _track_chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_start()

    def action_start(self) -> None:
        if isinstance(self.focused, DataTable):
            self.action_debrief()
            return
        track = self.selected_track
        if track is None:
            self.notify("No track to start yet (the bank is still loading).", severity="warning")
            return
        self.host.start_interview(track=track, mode=self.host.mode)

    def action_import_cv(self) -> None:
        from agent.tui.screens.cv import CvScreen

        self.app.push_screen(CvScreen())

    def action_import_transcript(self) -> None:
        from agent.tui.screens.transcript import TranscriptScreen

        self.app.push_screen(TranscriptScreen())

    def action_resume(self) -> None:
        row = self.overview.resumable if self.overview else None
        table = self.query_one("#recent", DataTable)
        if self.focused is table and self.overview and table.row_count:
            key = self._selected_session()
            chosen = next((s for s in self.overview.sessions if s.id == key), None)
            if chosen is not None and chosen.status == "interrupted":
                row = chosen
        if row is None:
            self.notify("No interrupted session to resume.")
            return
        self.host.start_interview(
            resume=row.id, mode=row.mode if row.mode in ("text", "voice") else "text"
        )

    def _selected_session(self) -> str | None:
        table = self.query_one("#recent", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return key.value if key is not None else None

    def action_debrief(self) -> None:
        key = self._selected_session()
        if (
            key is None
            or self.overview is None
            or not any(s.id == key for s in self.overview.sessions)
        ):
            self.notify("Pick a session in Recent sessions first (tab moves there).")
            return
        self.host.show_debrief(key)

    @on(DataTable.RowSelected, "#recent")
    def _session_chosen(self, event: DataTable.RowSelected) -> None:
        self.action_debrief()
