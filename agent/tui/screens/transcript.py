"""Transcript: import a practice interview held elsewhere from the app (the same as `viva
debrief --transcript FILE`), then open its debrief."""

from __future__ import annotations

from textual import on, work
from textual.widgets import Input

from agent.tui.messages import TranscriptImported
from agent.tui.screens.file_dialog import FileDialog


class TranscriptScreen(FileDialog):
    NAME = "transcript"
    TITLE = "Import a transcript (esc closes)"
    HELP = (
        "Q:/A: notes, a call tool's or note-taker's transcript, captions (.vtt, .srt), a chat "
        "copied from an app, or JSON; as text, PDF or Word. If it names people, say who is who."
    )
    FIELDS = (
        ("transcript-path", "path, e.g. ~/mock-interview.txt"),
        ("interviewer", "the interviewer's name(s), comma-separated"),
        ("candidate", "your name(s) in it, comma-separated"),
    )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        path = self.value("transcript-path")
        if not path:
            self.query_one("#transcript-path", Input).focus()
            return
        interviewer, candidate = (
            [n.strip() for n in self.value(side).split(",") if n.strip()]
            for side in ("interviewer", "candidate")
        )
        self.show("reading and grading...", "dim")
        self._import(path, interviewer, candidate)

    @work(thread=True, exclusive=True, group="transcript-import")
    def _import(self, path: str, interviewer: list[str], candidate: list[str]) -> None:
        from agent.errors import VivaError
        from agent.grading.service import make_grader
        from agent.report.imports import Speakers, import_transcript

        try:
            grader = make_grader(self.host.settings)
            session_id, transcript = import_transcript(
                path,
                self.host.load_bank(),
                grader,
                speakers=Speakers.named(interviewer, candidate),
                settings_public=self.host.settings.public_dict(),
            )
        except VivaError as exc:
            self.post_message(TranscriptImported(None, error=str(exc)))
            return
        n = len(transcript.turns)
        said = [
            f"Imported {n} turn{'s' * (n != 1)} (grader {grader.label}).",
            *transcript.notices(),
        ]
        self.post_message(TranscriptImported(session_id, " ".join(said)))

    def on_transcript_imported(self, message: TranscriptImported) -> None:
        if message.session_id is None:
            self.show(message.error or "", "bold red")
            return
        self.notify(message.summary, title="Transcript imported", timeout=10)
        self.dismiss()
        self.host.show_debrief(message.session_id)
