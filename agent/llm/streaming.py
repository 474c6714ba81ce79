"""Streamed replies: plain text deltas, and one string field of a structured reply passed on as
it is generated (the contract of `on_delta`/`on_reset` is in agent.llm.client's docstring)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from agent.errors import ProviderError
from agent.llm.errors import BudgetSpent, MalformedResponse, final_error
from agent.llm.structured import Message, extract_json

if TYPE_CHECKING:
    from agent.llm.presets import ResolvedProvider

log = logging.getLogger("viva.llm")

Create = Callable[..., Any]
"""create(messages, timeout, **params): one chat-completions request (agent.llm.client)."""


class FieldSink:
    """Passes one string field's streamed text to the caller, across attempts."""

    def __init__(
        self, field: str, on_delta: Callable[[str], None], on_reset: Callable[[], None] | None
    ):
        from agent.llm.streaming_json import FieldStream

        self._make = FieldStream
        self.field = field
        self.on_delta = on_delta
        self.on_reset = on_reset
        self.sent: list[str] = []  # pieces shown since the last reset
        self.muted = False
        self.parser = FieldStream(field)

    def begin(self) -> None:
        """A new attempt starts: whatever the last one showed is void."""
        if self.sent:
            self._reset()
        self.parser = self._make(self.field)

    def feed(self, text: str) -> None:
        delta = self.parser.feed(text)
        if delta:
            self._send(delta)

    def finish(self, result: Any) -> None:
        """Make the pieces since the last reset join to the field's final value."""
        value = getattr(result, self.field, None)
        value = value if isinstance(value, str) else ""
        if "".join(self.sent) == value:
            return
        if self.sent:
            self._reset()
        if value:
            self._send(value)

    def abandon(self) -> None:
        if self.sent:
            self._reset()

    def _send(self, text: str) -> None:
        if self.muted:
            return
        try:
            self.on_delta(text)
        except Exception:  # noqa: BLE001 - a front-end bug must not break the call
            log.warning("streaming callback failed; streaming stopped", exc_info=True)
            self.muted = True
            return
        self.sent.append(text)

    def _reset(self) -> None:
        self.sent = []
        if self.muted:
            return
        if self.on_reset is None:
            self.muted = True  # cannot retract what was shown: show nothing more
            return
        try:
            self.on_reset()
        except Exception:  # noqa: BLE001
            log.warning("streaming reset callback failed; streaming stopped", exc_info=True)
            self.muted = True


def stream_reply(
    create: Create,
    messages: Sequence[Message],
    timeout: float,
    deadline: float,
    sink: FieldSink,
    **params: Any,
) -> str:
    """One streamed attempt: the whole reply text, feeding `sink` as it arrives.

    A stream that breaks off (connection lost, read timeout, garbled event, or an end without a
    finish_reason before the JSON is complete) raises a transient error, so the retry policy
    retries it; `sink.begin()` then tells the caller to drop what it showed.
    """
    import openai

    sink.begin()
    stream = create(messages, timeout, stream=True, **params)
    parts: list[str] = []
    finished = False
    try:
        for chunk in stream:
            choices = getattr(chunk, "choices", None) or []
            if choices:
                choice = choices[0]
                if getattr(choice, "finish_reason", None):
                    finished = True
                text = getattr(getattr(choice, "delta", None), "content", None)
                if text:
                    parts.append(text)
                    sink.feed(text)
            if time.monotonic() > deadline:
                raise BudgetSpent()
    except (BudgetSpent, openai.OpenAIError):
        raise  # APIConnectionError / APITimeoutError mid-stream are transient for the retries
    except Exception as exc:  # noqa: BLE001 - an undecodable event: the stream is garbled
        raise MalformedResponse(f"the stream broke off ({type(exc).__name__}: {exc})") from exc
    finally:
        _close(stream)
    raw = "".join(parts)
    if not finished:
        try:
            extract_json(raw)
        except ValueError:
            raise MalformedResponse("the stream ended before the reply was complete") from None
    return raw


def text_deltas(stream: Any, provider: ResolvedProvider) -> Iterator[str]:
    """The text pieces of an open chat-completions stream; a break raises ProviderError."""
    try:
        for chunk in stream:
            choices = getattr(chunk, "choices", None) or []
            if not choices:
                continue
            delta = getattr(choices[0], "delta", None)
            text = getattr(delta, "content", None)
            if text:
                yield text
    except ProviderError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise final_error(provider, exc, {"reason": "streaming"}) from None
    finally:
        _close(stream)


def _close(stream: Any) -> None:
    close = getattr(stream, "close", None)
    if close:
        try:
            close()
        except Exception:  # noqa: BLE001
            pass
