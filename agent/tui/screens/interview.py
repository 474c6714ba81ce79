"""The interview room: the question, the running transcript, the clock, and the answer box.

Every engine call (start/resume, answer, skip, repeat, end) and every speech call (open the
microphone, stop, transcribe) runs in a worker thread; results come back as messages. While a
worker runs, the candidate can keep typing, scroll, open help or the command palette.
"""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from agent.tui.messages import (
    GradesSettled,
    InterviewFailed,
    InterviewReady,
    PreviewUpdated,
    RecorderFailed,
    RecordingStopped,
    Replied,
    TextDelta,
    TextReset,
    TranscriptionFailed,
    TranscriptReady,
)
from agent.tui.widgets.level import LevelMeter

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


class InterviewScreen(Screen):
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
            bank = self.app.load_bank()
            kwargs = dict(
                bank=bank,
                clock=self.app.clock,
                on_text_delta=self._text_delta,
                on_text_reset=self._text_reset,
            )
            if self.resume_id:
                iv = Interview.resume(self.app.settings, self.resume_id, **kwargs)
            else:
                iv = Interview.start(self.app.settings, self.track, mode=self.mode, **kwargs)
        except Exception as exc:  # noqa: BLE001 - UsageError, ConfigError, RubricError...
            self.post_message(InterviewFailed("start", str(exc)))
            return
        self.post_message(InterviewReady(iv))

    def _text_delta(self, text: str) -> None:
        # Called on the engine's thread while an LLM interviewer writes the next question.
        self.post_message(TextDelta(text))

    def _text_reset(self) -> None:
        # Called on the engine's thread: what was streamed so far will not be the question.
        self.post_message(TextReset())

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
        timeout = min(60.0, float(getattr(self.app.settings, "call_budget", 60.0)))
        complete = self.iv.wait_for_grades(timeout=timeout)
        self.post_message(GradesSettled(complete, self.iv.take_notices()))

    # ------------------------------------------------------------------ engine results
    def on_interview_ready(self, message: InterviewReady) -> None:
        self.iv = message.interview
        self.app.interview = self.iv
        self.app.last_session = self.iv.session_id
        self.busy = None
        if self.resume_id:
            self._restore_transcript()
            self.note(f"Resumed session {self.iv.session_id}.")
        for notice in self.iv.take_notices():
            self.show_notice(notice)
        self._show_prompt(self.iv.current)
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

    def on_text_delta(self, message: TextDelta) -> None:
        self.streaming += message.text
        question = self.query_one("#question", Static)
        question.border_title = "Interviewer (thinking)"
        question.update(Text(self.streaming + " ..."))

    def on_text_reset(self, message: TextReset) -> None:
        self.streaming = ""
        question = self.query_one("#question", Static)
        question.border_title = "Interviewer (thinking)"
        question.update(Text("..."))

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
        self.app.show_debrief(self.iv.session_id, replace=True)

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
        if self.mode == "voice" and self.hands_free and not self.recording:
            self.action_talk()

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
        severity = (
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
        parts = [
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
        if self.recording:
            self._stop_recording(transcribe=False)
        self.busy = "ending"
        self._update_status()
        self.note("interview ended by the candidate")
        self._send_end()

    @work(thread=True, exclusive=True, group="end")
    def _send_end(self) -> None:
        # Not in the "engine" group: ending must not cancel an answer being graded.
        try:
            self.iv.end("quit")
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

    # ------------------------------------------------------------------ voice
    def _apply_mode(self) -> None:
        voice = self.mode == "voice"
        self.query_one("#voice-bar").display = voice
        box = self.query_one("#answer", TextArea)
        box.border_title = (
            "Transcript (edit, then ctrl+s)" if voice else "Your answer (ctrl+s submits)"
        )
        if voice:
            readiness = self.app.readiness
            if readiness is not None:
                self.readiness_changed(readiness)
        else:
            self.show_banner("")
        self.refresh_bindings()

    def readiness_changed(self, readiness) -> None:
        if self.mode != "voice":
            return
        meter = self.query_one("#level", LevelMeter)
        if not readiness.microphone:
            meter.state = "unavailable"
            self.show_banner(
                f"No microphone ({readiness.microphone_detail}). Switch to text mode? "
                "Press ctrl+o, or type your answer below."
            )
        elif not readiness.whisper:
            self.show_banner(
                f"Whisper model not ready ({readiness.whisper_detail}). Switch to text mode? Press ctrl+o."
            )
        else:
            meter.state = "idle"
            self.query_one("#preview", Static).update(
                Text("ctrl+t starts / stops recording, ctrl+f hands-free", style="dim")
            )

    def action_switch_mode(self) -> None:
        if self.recording:
            self._stop_recording(transcribe=False)
        self.mode = "text" if self.mode == "voice" else "voice"
        self.hands_free = False
        self._apply_mode()
        self._update_status()
        self.notify(f"{self.mode.capitalize()} mode.", timeout=2)

    def action_hands_free(self) -> None:
        if self.mode != "voice":
            return
        self.hands_free = not self.hands_free
        self.notify(
            "Hands-free: recording starts with each question; a pause ends it."
            if self.hands_free
            else "Hands-free off: ctrl+t starts and stops recording.",
            timeout=4,
        )
        if self.hands_free and not self.recording and self.prompt is not None and not self.busy:
            self.action_talk()

    def _voice_backend(self):
        if self.voice is None:
            from agent.tui.voice import VoiceBackend

            self.voice = VoiceBackend(
                self.app.settings,
                recorder_factory=self.app.recorder_factory,
                transcriber_factory=self.app.transcriber_factory,
            )
        return self.voice

    def action_talk(self) -> None:
        if self.mode != "voice" or self.iv is None or self.finished:
            return
        if self.recording:
            self._stop_recording(transcribe=True)
            return
        if self.busy and self.busy != "grading":
            self.notify(f"Still {self.busy}; one moment.", timeout=3)
            return
        turn = self.prompt.turn if self.prompt is not None else 0
        qid = self.prompt.question_id if self.prompt is not None else None
        self._start_recording(str(self.iv.audio_path(turn)), self.hands_free, qid)

    @work(thread=True, exclusive=True, group="recorder")
    def _start_recording(self, path: str, hands_free: bool, question_id: str | None) -> None:
        glossary = self._glossary(question_id) if question_id else []
        try:
            self._voice_backend().start(path, hands_free=hands_free, glossary=glossary)
        except Exception as exc:  # noqa: BLE001 - AudioError with its cause, or anything else
            self.post_message(RecorderFailed(str(exc)))
            return
        self.app.call_from_thread(self._recording_started)

    def _recording_started(self) -> None:
        self.recording = True
        self._record_started = time.monotonic()
        meter = self.query_one("#level", LevelMeter)
        meter.state = "listening" if self.hands_free else "recording"
        self.query_one("#preview", Static).update(Text("listening...", style="dim"))
        self._voice_timer.resume()

    def on_recorder_failed(self, message: RecorderFailed) -> None:
        self.recording = False
        self.hands_free = False
        self._voice_timer.pause()
        self.query_one("#level", LevelMeter).state = "unavailable"
        self.show_banner(f"Microphone problem: {message.error} Switch to text mode? Press ctrl+o.")
        self.notify(message.error, severity="error", timeout=10)

    def _poll_recorder(self) -> None:
        if not self.recording or self.voice is None:
            return
        meter = self.query_one("#level", LevelMeter)
        meter.level = self.voice.level
        meter.seconds = self.voice.seconds
        preview = self.voice.preview
        if preview:
            self.query_one("#preview", Static).update(Text(preview[-200:], style="italic"))
        if self.voice.ended:  # hands-free: the pause ended the answer, or the length cap
            self._stop_recording(transcribe=True)

    def _stop_recording(self, *, transcribe: bool) -> None:
        self.recording = False
        self._voice_timer.pause()
        meter = self.query_one("#level", LevelMeter)
        meter.level = 0.0
        meter.state = "transcribing" if transcribe else "idle"
        glossary = []
        if self.prompt is not None and self.iv is not None:
            glossary = self._glossary(self.prompt.question_id)
        self._finish_recording(transcribe, glossary)

    def _glossary(self, question_id: str) -> list[str]:
        try:
            from agent.speech.glossary import glossary_for

            return list(glossary_for(self.iv.rubric(question_id)))
        except Exception:  # noqa: BLE001 - a glossary is a bonus
            return []

    @work(thread=True, exclusive=True, group="transcribe")
    def _finish_recording(self, transcribe: bool, glossary: list[str]) -> None:
        backend = self._voice_backend()
        try:
            path, seconds = backend.stop()
        except Exception as exc:  # noqa: BLE001
            self.post_message(RecorderFailed(str(exc)))
            return
        self.post_message(RecordingStopped(path, seconds))
        if transcribe and path:
            self._transcribe(path, seconds, glossary)

    def transcribe_file(self, path: str, seconds: float = 0.0) -> None:
        """Transcribe an answer recorded elsewhere (or a test clip) in a worker thread."""
        glossary = self._glossary(self.prompt.question_id) if self.prompt is not None else []
        self.query_one("#level", LevelMeter).state = "transcribing"
        self._transcribe_worker(path, seconds, glossary)

    @work(thread=True, exclusive=True, group="transcribe")
    def _transcribe_worker(self, path: str, seconds: float, glossary: list[str]) -> None:
        self._transcribe(path, seconds, glossary)

    def _transcribe(self, path: str, seconds: float, glossary: list[str]) -> None:
        started = time.monotonic()
        try:
            text, metrics = self._voice_backend().transcribe(path, glossary=glossary)
        except Exception as exc:  # noqa: BLE001 - MediaError, a model problem...
            self.post_message(TranscriptionFailed(str(exc)))
            return
        self.post_message(TranscriptReady(text, path, metrics, seconds, time.monotonic() - started))

    def on_recording_stopped(self, message: RecordingStopped) -> None:
        self.query_one("#level", LevelMeter).seconds = message.seconds

    def on_preview_updated(self, message: PreviewUpdated) -> None:
        self.query_one("#preview", Static).update(Text(message.text[-200:], style="italic"))

    def on_transcript_ready(self, message: TranscriptReady) -> None:
        from pathlib import Path

        self.query_one("#level", LevelMeter).state = "idle"
        box = self.query_one("#answer", TextArea)
        if box.text.strip():
            # Typed meanwhile: append the transcript without moving the candidate's cursor.
            if message.text.strip():
                cursor = box.cursor_location
                box.insert(" " + message.text.strip(), location=box.document.end)
                box.move_cursor(cursor)
        else:
            box.text = message.text
            box.move_cursor(box.document.end)
        box.focus()
        self.voice_answer = {
            "audio": Path(message.audio).name if message.audio else None,
            "metrics": message.metrics,
            "seconds": round(message.seconds, 1),
        }
        if message.text.strip():
            self.query_one("#preview", Static).update(
                Text(
                    f"transcribed in {message.elapsed:.1f} s; correct it if needed, then ctrl+s",
                    style="dim",
                )
            )
        else:
            self.query_one("#preview", Static).update(
                Text("heard nothing; ctrl+t to try again, or type", style="yellow")
            )

    def on_transcription_failed(self, message: TranscriptionFailed) -> None:
        self.query_one("#level", LevelMeter).state = "idle"
        self.notify(
            f"Transcription failed: {message.error}. The audio is saved; type the answer instead.",
            severity="error",
            timeout=12,
        )

    def on_unmount(self) -> None:
        if self.recording and self.voice is not None:
            try:
                self.voice.stop()
            except Exception:  # noqa: BLE001
                pass
