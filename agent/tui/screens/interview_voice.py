"""The interview screen's voice answers: the mode switch, push-to-talk and hands-free recording
(agent.tui.voice.VoiceBackend in worker threads), the level meter and live preview, and the
transcript that lands in the answer box for the candidate to correct."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import work
from textual.timer import Timer
from textual.widgets import Static, TextArea

from agent.tui.messages import (
    PreviewUpdated,
    RecorderFailed,
    RecordingStopped,
    TranscriptionFailed,
    TranscriptReady,
)
from agent.tui.screens.interview_speech import SpeakingControl
from agent.tui.screens.interview_view import RECORD_HINT
from agent.tui.widgets.level import LevelMeter


class VoiceControl(SpeakingControl):
    """Part of InterviewScreen: recording and transcribing spoken answers."""

    iv: Any
    prompt: Any
    mode: str
    busy: str | None
    finished: bool
    voice: Any
    recording: bool
    hands_free: bool
    voice_answer: dict[str, Any] | None
    _record_started: float
    _voice_timer: Timer

    def _apply_mode(self) -> None:
        voice = self.mode == "voice"
        self.query_one("#voice-bar").display = voice
        box = self.query_one("#answer", TextArea)
        box.border_title = (
            "Transcript (edit, then ctrl+s)" if voice else "Your answer (ctrl+s submits)"
        )
        if voice:
            readiness = self.host.readiness
            if readiness is not None:
                self.readiness_changed(readiness)
            self.warm_voice()
            self._voice_backend()  # made here, on the UI thread; loaded in the worker
            self.warm_recognizer()
        else:
            self.cut_off()
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
            self.query_one("#preview", Static).update(Text(RECORD_HINT, style="dim"))

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
            self.talk()

    @work(thread=True, exclusive=True, group="voice-warm")
    def warm_recognizer(self) -> None:
        """Load whisper while the first question is read (a failure shows up at the first
        answer, where it is reported)."""
        try:
            self._voice_backend().warm()
        except Exception:  # noqa: BLE001 - reported when the first answer is transcribed
            return

    def _voice_backend(self):
        if self.voice is None:
            from agent.tui.voice import VoiceBackend

            self.voice = VoiceBackend(
                self.host.settings,
                recorder_factory=self.host.recorder_factory,
                transcriber_factory=self.host.transcriber_factory,
            )
        return self.voice

    def action_talk(self) -> None:
        self.cut_off()  # the push-to-talk key also cuts the interviewer off (barge-in)
        self.talk()

    def talk(self) -> None:
        """Start or stop recording the answer."""
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
        gate = self.capture_gate()
        by_voice = getattr(self.host.settings, "barge_in", "key") == "voice"
        gate.on_speech = self.barge_in_from_capture if hands_free and by_voice else None
        try:
            self._voice_backend().start(path, hands_free=hands_free, glossary=glossary, gate=gate)
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
        self.close_voice_out()
        if self.recording and self.voice is not None:
            try:
                self.voice.stop()
            except Exception:  # noqa: BLE001
                pass
