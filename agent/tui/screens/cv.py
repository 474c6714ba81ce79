"""Resume: import a resume or project write-up from the app (the same as `viva cv import`), so
the project deep dive asks about the candidate's own project."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from agent.tui.messages import CvImported


class CvScreen(ModalScreen):
    BINDINGS = [Binding("escape", "dismiss", "Close", tooltip="Close without importing")]

    def compose(self) -> ComposeResult:
        with Vertical(id="cv-box") as box:
            box.border_title = "Your resume (esc closes)"
            yield Static(
                "A PDF, Markdown or text file. Viva keeps what it reads on this machine; the "
                "project deep dive then asks about your main project.",
                id="cv-help",
            )
            yield Input(placeholder="path to your resume, e.g. ~/cv.pdf", id="cv-path")
            yield Static(id="cv-result")

    def on_mount(self) -> None:
        self.query_one("#cv-path", Input).focus()

    @on(Input.Submitted, "#cv-path")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.query_one("#cv-result", Static).update(Text("reading...", style="dim"))
            self._import(event.value.strip())

    @work(thread=True, exclusive=True, group="cv-import")
    def _import(self, file: str) -> None:
        from agent.cv.importing import import_cv
        from agent.errors import VivaError

        try:
            profile, _kept = import_cv(file)
        except VivaError as exc:
            self.post_message(CvImported(None, str(exc)))
            return
        main = profile.main_project()
        names = ", ".join(p.name for p in profile.projects)
        summary = f"Read {len(profile.projects)} project(s): {names}."
        if main is not None:
            summary += f" The deep dive asks about {main.name}."
        self.post_message(CvImported(summary))

    def on_cv_imported(self, message: CvImported) -> None:
        result = self.query_one("#cv-result", Static)
        if message.summary is None:
            result.update(Text(message.error or "", style="bold red"))
            return
        result.update(Text(message.summary, style="green"))
        self.notify(message.summary, title="Resume imported", timeout=8)
