"""The one client every LLM call goes through: chat, streaming chat, structured output.

Built over the `openai` package (imported lazily) with its own retries switched off. The jobs
live beside this facade:

* agent.llm.retry: transient failures are retried with backoff and jitter, within
  `provider.max_retries` and the `provider.call_budget` seconds of the whole call;
* agent.llm.structured and agent.llm.reask: structured output is parsed into a pydantic model in
  one of three modes; a reply that is not JSON or fails validation is re-asked with the
  validation error (at most `provider.max_reasks` times);
* agent.llm.errors: every final failure raises `ProviderError`, naming the base URL, the model
  and the cause in plain words. The API key never appears in an error or a log line;
* agent.llm.streaming: streamed text and the streamed field of a structured reply.

Streaming structured output (still ONE call, no extra round trip): `structured(...,
stream_field="question", on_delta=cb, on_reset=reset)` requests the completion with stream=True
(same response_format per mode), decodes the growing value of that top-level string field as the
JSON arrives (agent.llm.streaming_json.FieldStream) and calls `cb(text)` with each new piece. The
full reply is then validated exactly as without streaming. Contract:

* `on_delta(text)` gets pieces in order; `on_reset()` means "forget every piece since the last
  reset".
* A reset is sent before a new attempt when the previous one showed something: a retried
  transient failure (a stream that breaks off mid-way is one), a re-ask after invalid output, a
  structured-output mode the server rejected.
* When `structured` returns, the pieces since the last reset join to exactly the field's value in
  the returned object (if they did not, e.g. duplicate keys, a reset is sent and then the whole
  value in one piece). When it raises, a reset has been sent if anything was shown.
* Without `on_reset`, pieces stop at the first point where a reset would be needed; the returned
  object is then the only truth.
* Callbacks run synchronously on the calling thread; an exception in one is logged and stops the
  streaming, never the call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from agent.errors import ConfigError
from agent.llm.errors import MalformedResponse
from agent.llm.presets import ResolvedProvider, resolve_provider
from agent.llm.reask import ask_structured, detect_mode
from agent.llm.retry import call_with_retries
from agent.llm.streaming import FieldSink, text_deltas
from agent.llm.structured import Message, reply_text

if TYPE_CHECKING:
    from pydantic import BaseModel

    from agent.config import Settings
    from agent.llm.presets import Role

T = TypeVar("T", bound="BaseModel")


def client_for(settings: Settings, role: Role) -> LLMClient | None:
    """The client for `role` ("interviewer" or "grader"), or None when no provider is set."""
    provider = resolve_provider(settings, role)
    return LLMClient(provider) if provider is not None else None


ROLE_NAMES = {"interviewer": ("interviewer policy", "--policy"), "grader": ("grader", "--grader")}


def client_for_mode(settings: Settings, role: Role, mode: str) -> LLMClient | None:
    """The client for `role` under `mode`: None when offline, or "auto" without a provider; a
    ConfigError for an unknown mode or for "llm" without a provider."""
    what, flag = ROLE_NAMES[role]
    if mode == "offline":
        return None
    if mode not in ("auto", "llm"):
        raise ConfigError(f"unknown {what} {mode!r} (use offline, llm or auto)")
    client = client_for(settings, role)
    if client is None and mode == "llm":
        raise ConfigError(
            f"the LLM {what} needs a provider: pass --provider/--base-url/--model, set "
            f"VIVA_PROVIDER, or configure [{role}] in the config file (or use {flag} offline)"
        )
    return client


class LLMClient:
    """Chat, streaming and structured output against one resolved provider."""

    def __init__(self, provider: ResolvedProvider):
        self.provider = provider
        self._client: Any = None
        self._mode: str | None = None  # the mode that worked in this process

    @property
    def label(self) -> str:
        return self.provider.label

    def chat(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.0,
        max_tokens: int | None = None,
    ) -> str:
        """The assistant's reply text."""
        completion = self._with_retries(
            lambda timeout: self._create(
                messages, timeout, temperature=temperature, max_tokens=max_tokens
            )
        )
        return reply_text(completion)

    def stream(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.0,
        max_tokens: int | None = None,
    ) -> Iterator[str]:
        """Text deltas as the model produces them. Opening the stream is retried; a failure after
        text has started flowing raises ProviderError (retrying would repeat text)."""
        stream = self._with_retries(
            lambda timeout: self._create(
                messages, timeout, temperature=temperature, max_tokens=max_tokens, stream=True
            )
        )
        return text_deltas(stream, self.provider)

    def structured(
        self,
        messages: Sequence[Message],
        output_model: type[T],
        *,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        stream_field: str | None = None,
        on_delta: Callable[[str], None] | None = None,
        on_reset: Callable[[], None] | None = None,
    ) -> T:
        """A validated `output_model` instance. Invalid output is re-asked with the error.

        With `on_delta` (and `stream_field`, a top-level string field of the model) the reply is
        streamed and the field's text is passed on as it is generated; see the module docstring
        for the exact contract of `on_delta`/`on_reset`.
        """
        sink: FieldSink | None = None
        if on_delta is not None:
            if not stream_field:
                raise ValueError("structured(on_delta=...) needs stream_field")
            sink = FieldSink(stream_field, on_delta, on_reset)
        try:
            mode, result = ask_structured(
                self.provider,
                self._create,
                self._mode,
                messages,
                output_model,
                temperature=temperature,
                max_tokens=max_tokens,
                sink=sink,
            )
        except BaseException:
            if sink is not None:
                sink.abandon()
            raise
        self._mode = mode
        if sink is not None:
            sink.finish(result)
        return result

    def detect_structured_mode(
        self, messages: Sequence[Message], output_model: type[T], *, max_tokens: int | None = None
    ) -> tuple[str, T, list[str]]:
        """Try json_schema, json_object, prompt in turn (ignoring anything remembered).

        Returns (the first mode that gave a valid object, that object, notes on the modes that
        failed). Connection-level failures raise ProviderError at once; if no mode works, the
        ProviderError lists why each failed.
        """
        mode, result, notes = detect_mode(
            self.provider, self._create, messages, output_model, max_tokens=max_tokens
        )
        self._mode = mode
        return mode, result, notes

    def structured_mode_in_use(self) -> str | None:
        """The mode that last worked in this process (None before the first structured call)."""
        return self._mode

    def list_models(self) -> list[str]:
        """Model ids the server lists at /models."""
        page = self._with_retries(lambda timeout: self._openai().models.list(timeout=timeout))
        ids: list[str] = []
        for item in getattr(page, "data", None) or []:
            model_id = getattr(item, "id", None)
            if model_id:
                ids.append(str(model_id))
        return ids

    # ---- transport ---------------------------------------------------------------------

    def _with_retries(self, fn: Callable[[float], Any]) -> Any:
        deadline = time.monotonic() + self.provider.call_budget
        return call_with_retries(self.provider, fn, deadline)

    def _openai(self) -> Any:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                base_url=self.provider.base_url,
                api_key=self.provider.api_key.get_secret_value() or "not-needed",
                timeout=self.provider.request_timeout,
                max_retries=0,  # agent.llm.retry is the one retry point
            )
        return self._client

    def _create(self, messages: Sequence[Message], timeout: float, **kwargs: Any) -> Any:
        """One chat-completions request (a stream with stream=True)."""
        params: dict[str, Any] = {
            "model": self.provider.model,
            "messages": list(messages),
            "temperature": kwargs.pop("temperature", 0.0),
            "timeout": timeout,
        }
        max_tokens = kwargs.pop("max_tokens", None)
        if max_tokens is not None:
            params["max_tokens"] = max_tokens
        params.update(kwargs)
        try:
            completion = self._openai().chat.completions.create(**params)
        except ValueError as exc:  # a 200 whose body is not JSON (truncated, garbled)
            import openai

            if isinstance(exc, openai.OpenAIError):
                raise
            raise MalformedResponse(f"the reply was not valid JSON ({exc})") from exc
        if not params.get("stream") and not getattr(completion, "choices", None):
            raise MalformedResponse("the reply had no choices")
        return completion
