"""The interview room: the question, the running transcript, the clock, and the answer box.

Every engine call (start/resume, answer, skip, repeat, end) and every speech call (open the
microphone, stop, transcribe) runs in a worker thread; results come back as messages. While a
worker runs, the candidate can keep typing, scroll, open help or the command palette.

This module is the screen itself: layout, the engine's workers and their results, and the
actions. Its parts live beside it: interview_view (transcript, banner, status line),
interview_stream (a streamed question), interview_voice (recording spoken answers) and
interview_speech (the interviewer speaking).
"""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static, TextArea

from agent.tui.messages import GradesSettled, InterviewFailed, InterviewReady, Replied
from agent.tui.screens.interview_stream import StreamingDisplay
from agent.tui.screens.interview_view import KIND_LABEL, clock_text
from agent.tui.screens.interview_voice import VoiceControl
from agent.tui.widgets.level import LevelMeter

__all__ = ["InterviewScreen", "clock_text"]


class InterviewScreen(VoiceControl, StreamingDisplay):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", tooltip="Send the answer in the box to be graded"),
        Binding("ctrl+r", "repeat", "Repeat", tooltip="Hear the question again (not graded)"),
        Binding("ctrl+n", "skip", "Skip", tooltip="Move on to the next question"),
        Binding("ctrl+g", "end", "End", tooltip="End the interview now and open the debrief"),
        Binding(
            "ctrl+t", "talk", "Talk", tooltip="Push to talk: start / stop recording the answer"
        ),
        Binding(
            "ctrl+f",
            "hands_free",
            "Hands-free",
            tooltip="Record each answer automatically; silence ends it",
        ),
        Binding("ctrl+o", "switch_mode", "Mode", tooltip="Switch between typed and spoken answers"),
    ]

    def __init__(
        self, *, track: str | None = None, mode: str | None = None, resume: str | None = None
    ):
        super().__init__()
        self.track = track
        self.resume_id = resume
        self.mode = mode or "text"
        self.iv = None
        self.prompt = None
        self.busy: str | None = "starting"
        """What a worker is doing right now (starting, grading, skipping, ...), or None."""
        self.finished = False
        self.transcript: list[tuple[str, str]] = []
        """(who, text) of everything shown in the transcript, in order (interviewer, you, note)."""
        self.streaming = ""
        self.voice = None
        self.recording = False
        self.hands_free = False
        self.voice_answer: dict[str, Any] | None = None
        """audio/metrics/seconds of the transcribed answer now in the box (until submitted)."""
        self._answer_started = time.monotonic()
        self._record_started = 0.0
        self.banner_text = ""

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(id="status")
        question = Static(Text("Preparing the interview...", style="dim"), id="question")
        question.border_title = "Interviewer"
        yield question
        yield VerticalScroll(id="transcript")
        yield Static(id="banner")
        with Horizontal(id="voice-bar"):
            yield LevelMeter(id="level")
            yield Static(id="preview")
        answer = TextArea(
            id="answer", soft_wrap=True, show_line_numbers=False, tab_behavior="focus"
        )
        answer.border_title = "Your answer"
        yield answer
        yield Footer()

    def on_mount(self) -> None:
        self._apply_mode()
        self._update_status()
        self.set_interval(1.0, self._update_status)
        self._voice_timer = self.set_interval(0.1, self._poll_recorder, pause=True)
        self.query_one("#answer", TextArea).focus()
        self._open()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("talk", "hands_free"):
            return self.mode == "voice"
        return True

    # ------------------------------------------------------------------ engine workers
    @work(thread=True, group="engine")
    def _open(self) -> None:
        from agent.interview.engine import Interview

        try:
            bank = self.host.load_bank()
            kwargs: dict[str, Any] = dict(
                bank=bank,
                clock=self.host.clock,
                on_text_delta=self._text_delta,
                on_text_reset=self._text_reset,
            )
            if self.resume_id:
                iv = Interview.resume(self.host.settings, self.resume_id, **kwargs)
            else:
                iv = Interview.start(
                    self.host.settings,
                    self.track,
                    mode=self.mode,  # type: ignore[arg-type]  # "text" or "voice"
                    **kwargs,
                )
        except Exception as exc:  # noqa: BLE001 - UsageError, ConfigError, RubricError...
            self.post_message(InterviewFailed("start", str(exc)))
            return
        self.post_message(InterviewReady(iv))

    @work(thread=True, group="engine")
    def _send(self, action: str, text: str = "", extra: dict | None = None) -> None:
        try:
            if action == "answer":
                reply = self.iv.answer(text, **(extra or {}))
            elif action == "skip":
                reply = self.iv.skip()
            elif action == "repeat":
                from agent.interview.engine import Reply

                reply = Reply(self.iv.repeat(), None, self.iv.take_notices(), self.iv.finished)
            elif action == "end":
                self.iv.end("quit")
                reply = None
            else:  # pragma: no cover - programming error
                raise ValueError(action)
        except Exception as exc:  # noqa: BLE001 - shown as a notification, the journal is intact
            self.post_message(InterviewFailed(action, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(Replied(action, text, reply))

    @work(thread=True, exclusive=True, group="grades")
    def _settle(self) -> None:
        timeout = min(60.0, float(getattr(self.host.settings, "call_budget", 60.0)))
        complete = self.iv.wait_for_grades(timeout=timeout)
        self.post_message(GradesSettled(complete, self.iv.take_notices()))

    # ------------------------------------------------------------------ engine results
    def on_interview_ready(self, message: InterviewReady) -> None:
        self.iv = message.interview
        self.host.interview = self.iv
        self.host.last_session = self.iv.session_id
        self.busy = None
        if self.resume_id:
            self._restore_transcript()
            self.note(f"Resumed session {self.iv.session_id}.")
        for notice in self.iv.take_notices():
            self.show_notice(notice)
        self._show_prompt(self.iv.current)
        if self.iv.draft:
            self.query_one("#answer", TextArea).text = self.iv.draft
            self.note("Your unsent answer from last time is back in the answer box.")
        self._update_status()

    def on_interview_failed(self, message: InterviewFailed) -> None:
        self.busy = None
        if message.action == "start":
            self.notify(
                f"Could not start the interview: {message.error}", severity="error", timeout=20
            )
            self.app.pop_screen()
            return
        self.notify(
            f"{message.action} failed: {message.error}. Your answers so far are saved; "
            "try again, or quit and resume later.",
            severity="error",
            timeout=15,
        )
        self._update_status()

    def on_replied(self, message: Replied) -> None:
        self.busy = None
        reply = message.reply
        if reply is None:  # ended
            self._finish()
            return
        if reply.grade is not None:
            self.note(f"graded {reply.grade.overall:.1f}/4 by the {reply.grade.grader} grader")
        for notice in reply.notices:
            self.show_notice(notice)
        if reply.finished or reply.prompt is None:
            self._finish()
            return
        self._show_prompt(reply.prompt)
        self._update_status()

    def on_grades_settled(self, message: GradesSettled) -> None:
        for notice in message.notices:
            self.show_notice(notice)
        if not message.complete:
            self.notify(
                "Some LLM grades are still missing; the offline grades are shown.",
                severity="warning",
            )
        self.host.show_debrief(self.iv.session_id, replace=True)

    # ------------------------------------------------------------------ showing things
    def _show_prompt(self, prompt) -> None:
        self.prompt = prompt
        self.streaming = ""
        if prompt is None:
            return
        question = self.query_one("#question", Static)
        label = KIND_LABEL.get(prompt.kind, "Interviewer")
        where = f"{prompt.index}/{prompt.total}"
        question.border_title = (
            f"{label} {where}" if prompt.kind == "question" else f"{label} (question {where})"
        )
        question.update(Text(prompt.text))
        self.add_turn("interviewer", prompt.text)
        self._answer_started = time.monotonic()
        self.speak_prompt(prompt.text)
        if self.mode == "voice" and self.hands_free and not self.recording:
            self.talk()

    # ------------------------------------------------------------------ actions
    def _ready_for(self, what: str) -> bool:
        if self.iv is None:
            self.notify("The interview is still starting.", severity="warning")
            return False
        if self.finished:
            return False
        if self.busy:
            self.notify(f"Still {self.busy} the last answer; one moment.", timeout=3)
            return False
        return True

    def action_submit(self) -> None:
        if not self._ready_for("submit"):
            return
        if self.recording:
            self.notify("Stop the recording first (ctrl+t).", severity="warning")
            return
        box = self.query_one("#answer", TextArea)
        text = box.text.strip()
        extra: dict[str, Any] = {"seconds": round(time.monotonic() - self._answer_started, 1)}
        if self.voice_answer is not None:
            extra.update(self.voice_answer)
            extra["source"] = "voice"
        self.voice_answer = None
        self.add_turn("you", text or "(no answer)")
        box.text = ""
        self.busy = "grading"
        self._update_status()
        self._send("answer", text, extra)

    def action_skip(self) -> None:
        if not self._ready_for("skip"):
            return
        self.note("skipped")
        self.busy = "skipping"
        self._update_status()
        self._send("skip")

    def action_repeat(self) -> None:
        if not self._ready_for("repeat"):
            return
        self.busy = "repeating"
        self._send("repeat")

    def action_end(self) -> None:
        if self.iv is None or self.finished:
            return
        draft = self.unsent_text()  # before the recording stops
        self.cut_off()
        if self.recording:
            self._stop_recording(transcribe=False)
        self.busy = "ending"
        self._update_status()
        self.note("interview ended by the candidate")
        self._send_end(draft)

    def unsent_text(self) -> str:
        """What the candidate has not sent: the answer box's text and, while recording, what
        the recognizer has heard so far. Kept as a draft when the interview stops."""
        typed = self.query_one("#answer", TextArea).text.strip()
        heard = self.voice.preview.strip() if self.recording and self.voice is not None else ""
        return "\n".join(x for x in (typed, heard) if x)

    @work(thread=True, exclusive=True, group="end")
    def _send_end(self, draft: str) -> None:
        # Not in the "engine" group: ending must not cancel an answer being graded.
        try:
            self.iv.end("quit", draft=draft)
        except Exception as exc:  # noqa: BLE001
            self.post_message(InterviewFailed("end", str(exc)))
            return
        self.post_message(Replied("end", "", None))

    def _finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        self.busy = "finishing grades"
        self.hands_free = False
        if self.recording:
            self._stop_recording(transcribe=False)
        self.query_one("#answer", TextArea).disabled = True
        question = self.query_one("#question", Static)
        question.border_title = "Interviewer"
        question.update(Text("That's the end of the interview. Preparing your debrief..."))
        self._update_status()
        self._settle()
