"""What the interview screen shows: the running transcript, notices, the banner and the status
line (track, progress, clock, mode, what a worker is doing)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.notifications import SeverityLevel
from textual.widgets import Static

from agent.tui.host import VivaScreen

RECORD_HINT = "ctrl+t starts / stops recording, ctrl+f hands-free"

KIND_LABEL = {
    "question": "Question",
    "follow_up": "Follow-up",
    "repeat": "Repeat",
    "clarify": "Clarification",
    "redirect": "Back to the question",
    "decline": "Interviewer",
    "nudge": "Interviewer",
}


def clock_text(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    minutes, secs = divmod(int(abs(seconds)), 60)
    return f"{sign}{minutes:02d}:{secs:02d}"


class TranscriptView(VivaScreen):
    """Part of InterviewScreen: the transcript, notices, banner and status line."""

    iv: Any
    transcript: list[tuple[str, str]]
    banner_text: str
    track: str | None
    resume_id: str | None
    mode: str
    busy: str | None

    def add_turn(self, who: str, text: str) -> None:
        self.transcript.append((who, text))
        names = {"interviewer": ("Interviewer: ", "bold cyan"), "you": ("You: ", "bold green")}
        prefix = names.get(who)
        if prefix is None:
            body = Text(f"({text})", style="dim italic")
        else:
            body = Text.assemble(prefix, text)
        log = self.query_one("#transcript", VerticalScroll)
        log.mount(Static(body, classes=f"turn {who}"))
        log.scroll_end(animate=False)

    def note(self, text: str) -> None:
        self.add_turn("note", text)

    def show_notice(self, text: str) -> None:
        self.note(text)
        severity: SeverityLevel = (
            "warning" if "fail" in text.lower() or "offline" in text.lower() else "information"
        )
        self.notify(text, severity=severity, timeout=12)
        if "continuing offline" in text.lower() or "offline grades are kept" in text.lower():
            self.show_banner(f"{text} The interview goes on.")

    def show_banner(self, text: str) -> None:
        self.banner_text = text
        banner = self.query_one("#banner", Static)
        banner.update(Text(text))
        banner.display = bool(text)

    def _restore_transcript(self) -> None:
        for turn in self._resumed_turns():
            self.add_turn("interviewer", turn[0])
            if turn[1]:
                self.add_turn("you", turn[1])

    def _resumed_turns(self) -> list[tuple[str, str]]:
        out = []
        answers = {
            e.get("turn"): e.get("text", "")
            for e in self.iv.journal.events
            if e.get("type") == "answer"
        }
        for e in self.iv.journal.events:
            if e.get("type") == "question" and e.get("turn") != getattr(
                self.iv.current, "turn", None
            ):
                out.append((e.get("text", ""), answers.get(e.get("turn"), "")))
        return out[-6:]

    def _update_status(self) -> None:
        status = self.query_one("#status", Static)
        if self.iv is None:
            status.update(Text(f"{self.track or self.resume_id or ''}  starting...", style="dim"))
            return
        index, total = self.iv.progress
        parts: list[str | tuple[str, str]] = [
            (f"{self.iv.track_id}", "bold"),
            f"  Q {min(index, total)}/{total}",
            ("  elapsed ", "dim"),
            clock_text(self.iv.elapsed),
            ("  left ", "dim"),
            (clock_text(self.iv.remaining), "bold red" if self.iv.remaining < 60 else ""),
            ("  ", ""),
            (self.mode, "bold"),
        ]
        if self.busy:
            parts.append((f"  {self.busy}...", "bold yellow"))
        status.update(Text.assemble(*parts))
