"""The interview screen's streaming display: while an LLM interviewer writes the next question,
its words appear in the question box as they arrive (and are spoken from the first complete
sentence on, when the interviewer speaks)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from agent.tui.messages import TextDelta, TextReset
from agent.tui.screens.interview_speech import SpeakingControl


class StreamingDisplay(SpeakingControl):
    """Part of InterviewScreen: the question box while the next question streams in."""

    streaming: str

    def _text_delta(self, text: str) -> None:
        # Called on the engine's thread while an LLM interviewer writes the next question.
        self.post_message(TextDelta(text))

    def _text_reset(self) -> None:
        # Called on the engine's thread: what was streamed so far will not be the question.
        self.post_message(TextReset())

    def on_text_delta(self, message: TextDelta) -> None:
        self.streaming += message.text
        question = self.query_one("#question", Static)
        question.border_title = "Interviewer (thinking)"
        question.update(Text(self.streaming + " ..."))
        self.speak_delta(message.text)

    def on_text_reset(self, message: TextReset) -> None:
        self.streaming = ""
        question = self.query_one("#question", Static)
        question.border_title = "Interviewer (thinking)"
        question.update(Text("..."))
        self.speak_reset()
