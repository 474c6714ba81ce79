"""Resume: import a resume or project write-up from the app (the same as `viva cv import`), so
the project deep dive asks about the candidate's own project."""

from __future__ import annotations

from textual import on, work
from textual.widgets import Input

from agent.tui.messages import CvImported
from agent.tui.screens.file_dialog import FileDialog


class CvScreen(FileDialog):
    NAME = "cv"
    TITLE = "Your resume (esc closes)"
    HELP = (
        "A PDF, Word, Markdown or text file. Viva keeps what it reads on this machine; the project "
        "deep dive then asks about your main project."
    )
    FIELDS = (("cv-path", "path to your resume, e.g. ~/cv.pdf"),)

    @on(Input.Submitted, "#cv-path")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.show("reading...", "dim")
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
        if message.summary is None:
            self.show(message.error or "", "bold red")
            return
        self.show(message.summary, "green")
        self.notify(message.summary, title="Resume imported", timeout=8)
