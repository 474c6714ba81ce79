"""The interview screen's voice out: in voice mode (and `speak = true`) the interviewer says each
question and follow-up aloud (agent.speech.tts.Speaker), a streamed LLM follow-up from its
first complete sentence on. While it speaks, the capture gate silences the microphone. ctrl+t
(push to talk) cuts it off and starts recording; in hands-free mode, starting to talk does
(with headphones, `barge_in = "voice"`). ctrl+r repeats the question, aloud. The question text stays on screen.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.widgets import Static

from agent.speech.gate import CaptureGate
from agent.speech.tts.sentences import SentenceStream, remainder_after
from agent.tui.screens.interview_view import RECORD_HINT, TranscriptView

SPEAKING_HINT = "the interviewer is speaking; ctrl+t cuts in and records"


class SpeakingControl(TranscriptView):
    """Part of InterviewScreen: saying the interviewer's questions aloud."""

    mode: str
    recording: bool
    speaker: Any = None
    gate: CaptureGate | None = None
    _speech_stream: SentenceStream | None = None
    _speech_failed = False

    def speaking_wanted(self) -> bool:
        if self.mode != "voice" or self._speech_failed:
            return False
        if not bool(getattr(self.host.settings, "speak", True)):
            return False
        readiness = getattr(self.app, "readiness", None)
        return readiness is None or bool(readiness.microphone)

    def capture_gate(self) -> CaptureGate:
        if self.gate is None:
            self.gate = CaptureGate()
        return self.gate

    @property
    def speaking(self) -> bool:
        return self.speaker is not None and self.speaker.speaking

    # ---------------------------------------------------------------- lifecycle
    @work(thread=True, exclusive=True, group="voice-out")
    def warm_voice(self) -> None:
        """Start the voice (the Piper process loads its model) before the first question."""
        if not self.speaking_wanted():
            return
        try:
            self._get_speaker().warm()
        except Exception as exc:  # noqa: BLE001 - AudioError: no voice; the text is still shown
            self.app.call_from_thread(self.voice_out_failed, str(exc))

    def _get_speaker(self) -> Any:
        if self.speaker is None:
            from agent.speech.tts.speaker import Speaker

            factory = getattr(self.app, "speaker_factory", None) or Speaker.from_settings
            self.speaker = factory(
                self.host.settings,
                gate=self.capture_gate(),
                on_error=self._speaker_error,
                on_done=self._speaker_done,
            )
        return self.speaker

    def _speaker_done(self) -> None:  # the speaker's thread: it finished or was cut off
        self.app.call_from_thread(self._hide_speaking)

    def _speaker_error(self, message: str) -> None:  # speaker threads
        self.app.call_from_thread(self.voice_out_failed, message)

    def voice_out_failed(self, message: str) -> None:
        if self._speech_failed:
            return
        self._speech_failed = True
        self.notify(
            f"The interviewer cannot speak: {message}. Questions are shown as text.",
            severity="warning",
            timeout=10,
        )

    def close_voice_out(self) -> None:
        speaker, self.speaker = self.speaker, None
        if speaker is not None:
            speaker.close()

    # ---------------------------------------------------------------- speaking
    def speak_prompt(self, text: str) -> None:
        """Say a question just shown (only what a streamed version has not said already)."""
        stream, self._speech_stream = self._speech_stream, None
        if not self.speaking_wanted():
            return
        try:
            speaker = self._get_speaker()
        except Exception as exc:  # noqa: BLE001 - AudioError (unknown voice...)
            self.voice_out_failed(str(exc))
            return
        if stream is not None and stream.cut:
            return  # the candidate cut the streamed version off: not again
        if stream is not None and stream.emitted and speaker.speaking:
            rest = remainder_after(stream.emitted, text)
            if rest != text:  # the streamed sentences are the question's start: say the rest
                speaker.add(rest)
                speaker.finish()
                return
        speaker.say(text)
        self._show_speaking()

    def speak_delta(self, delta: str) -> None:
        """A piece of a streamed question: say each sentence as soon as it is complete."""
        if not self.speaking_wanted():
            return
        if self._speech_stream is None:
            self._speech_stream = SentenceStream()
        stream = self._speech_stream
        for sentence in stream.feed(delta):
            if stream.cut:
                return
            speaker = self._get_speaker()
            if not stream.started:
                stream.started = True
                speaker.say(sentence, more=True)
                self._show_speaking()
            else:
                speaker.add(sentence)

    def speak_reset(self) -> None:
        """What streamed so far will not be the question: stop saying it."""
        if self._speech_stream is not None and self._speech_stream.emitted:
            self.cut_off()
        self._speech_stream = None

    def cut_off(self) -> None:
        """Barge-in: stop speaking now; the question stays on screen."""
        if self._speech_stream is not None:
            self._speech_stream.cut = True
        if self.speaker is not None and self.speaker.speaking:
            self.speaker.stop()

    def barge_in_from_capture(self) -> None:  # the recorder's thread (hands-free onset)
        self.app.call_from_thread(self.cut_off)

    def _show_speaking(self) -> None:
        if not self.recording:
            self.query_one("#preview", Static).update(Text(SPEAKING_HINT, style="dim"))

    def _hide_speaking(self) -> None:
        # the voice can finish after the interview screen has gone (the debrief is showing)
        previews = self.query("#preview").results(Static)
        preview = next(iter(previews), None)
        if preview is None:
            return
        shown = getattr(preview, "content", None)
        if not self.speaking and getattr(shown, "plain", shown) == SPEAKING_HINT:
            preview.update(Text(RECORD_HINT, style="dim"))
