"""The one client every LLM call goes through: chat, streaming chat, structured output.

Built over the `openai` package (imported lazily) with its own retries switched off, so tenacity
here is the one retry point:

* transient failures (timeout, refused connection, 408/429/5xx, a truncated or garbled body) are
  retried with exponential backoff and jitter, at most `provider.max_retries` times and never past
  `provider.call_budget` seconds for the whole call (a `Retry-After` longer than what is left of
  the budget gives up at once);
* structured output is parsed into a pydantic model; a reply that is not JSON or fails validation
  is re-asked with the validation error (at most `provider.max_reasks` times);
* every final failure raises `ProviderError`, naming the base URL, the model and the cause in
  plain words. The API key never appears in an error or a log line.

Structured output modes: `json_schema` (response_format json_schema), `json_object` with a
`schema` field (llama-cpp-python's server), and `prompt` (schema in the system message, then
parse). `auto` uses what `viva doctor` remembered for the base URL + model, else the preset's
usual mode, else tries json_schema -> json_object -> prompt and keeps the first that the server
accepts.

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

import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from agent.errors import ProviderError
from agent.llm.presets import ResolvedProvider, resolve_provider

if TYPE_CHECKING:
    from pydantic import BaseModel

    from agent.config import Settings

T = TypeVar("T", bound="BaseModel")
Message = dict[str, str]

log = logging.getLogger("viva.llm")

MODES = ("json_schema", "json_object", "prompt")
# An attempt with less time than this left in the call budget is not worth starting.
_MIN_ATTEMPT_SECONDS = 0.1
# HTTP statuses worth retrying: request timeout, rate limit, and server-side failures.
_TRANSIENT_STATUS = {408, 409, 425, 429}
# When a mode is only being tried (auto), these statuses mean "this server does not take it".
_MODE_REJECTED_STATUS = {400, 415, 422, 500, 501}


def client_for(settings: Settings, role: str) -> LLMClient | None:
    """The client for `role` ("interviewer" or "grader"), or None when no provider is set."""
    provider = resolve_provider(settings, role)  # type: ignore[arg-type]
    return LLMClient(provider) if provider is not None else None


# --------------------------------------------------------------------------- retry policy


@dataclass(frozen=True)
class RetryPolicy:
    """When to retry a transient failure and how long to wait first (pure; unit-tested)."""

    max_retries: int
    budget: float
    initial: float = 0.5
    maximum: float = 8.0

    def delay(
        self,
        attempt: int,
        retry_after: float | None = None,
        rng: Callable[[], float] = random.random,
    ) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based).

        The server's Retry-After wins; otherwise exponential backoff (initial * 2^(n-1), capped at
        `maximum`) with jitter: a random factor between 0.5 and 1.
        """
        if retry_after is not None and retry_after >= 0:
            return float(retry_after)
        base = min(self.maximum, self.initial * 2 ** max(0, attempt - 1))
        return base * (0.5 + 0.5 * rng())

    def give_up(self, attempt: int, delay: float, elapsed: float) -> str | None:
        """Why not to retry after attempt `attempt` with the planned `delay`, or None to retry."""
        if attempt > self.max_retries:
            return "attempts"
        if elapsed + delay >= self.budget:
            return "budget"
        return None


# --------------------------------------------------------------------------- errors


class OutputInvalidError(ProviderError):
    """The model kept answering with output that is not valid JSON for the schema."""


class _MalformedResponse(Exception):
    """The server answered 200 but the body was not the JSON the API promises (truncated...)."""


class _BudgetSpent(Exception):
    pass


_KEY_LIKE = re.compile(r"\b(?:sk|rk|pk)-[A-Za-z0-9_\-*.]{6,}")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._\-]{8,}")


def _scrub(text: str, secret: str | None) -> str:
    """Remove the API key, and anything that looks like one, from a message."""
    if secret and len(secret) >= 4 and secret != "not-needed":
        text = text.replace(secret, "***")
    text = _KEY_LIKE.sub("***", text)
    return _BEARER.sub(lambda m: m.group(1) + "***", text)


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    try:
        if headers.get("retry-after-ms"):
            return float(headers["retry-after-ms"]) / 1000
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            import email.utils

            parsed = email.utils.parsedate_to_datetime(value)
            return max(0.0, parsed.timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


def _status(exc: BaseException) -> int | None:
    code = getattr(exc, "status_code", None)
    return code if isinstance(code, int) else None


def _is_transient(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, (openai.APIConnectionError, _MalformedResponse)):
        return True
    if isinstance(exc, openai.APIResponseValidationError):
        return True
    status = _status(exc)
    return status is not None and (status in _TRANSIENT_STATUS or status >= 500)


def _server_message(exc: BaseException) -> str:
    """The server's own words for an HTTP error, shortened."""
    body = getattr(exc, "body", None)
    message = None
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            message = inner.get("message") or inner.get("detail")
        elif isinstance(inner, str):
            message = inner
        message = message or body.get("message") or body.get("detail")
    if not message:
        message = getattr(exc, "message", None) or str(exc)
    message = " ".join(str(message).split())
    return message[:300] + ("..." if len(message) > 300 else "")


def _connection_cause(exc: BaseException, base_url: str) -> str:
    chain: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 8:
        chain.append(f"{type(seen).__name__}: {seen}")
        seen = seen.__cause__ or seen.__context__
    text = " | ".join(chain).lower()
    if "refused" in text:
        return f"connection refused: is the server running at {base_url}?"
    if (
        "name or service not known" in text
        or "nodename nor servname" in text
        or "getaddrinfo" in text
        or "name resolution" in text
    ):
        return f"cannot resolve the host of {base_url}: check the base URL and your network"
    if "ssl" in text or "certificate" in text:
        return f"TLS/SSL error talking to {base_url}: {chain[-1]}"
    if "unreachable" in text:
        return f"network unreachable for {base_url}"
    return f"cannot connect to {base_url} ({chain[-1] if chain else 'connection error'})"


# --------------------------------------------------------------------------- parsing


_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


def extract_json(text: str) -> Any:
    """The first JSON object in `text` (also inside ``` fences or after some prose)."""
    if text is None:
        raise ValueError("the reply was empty")
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        start = candidate.find("{")
        while start != -1:
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except ValueError:
                start = candidate.find("{", start + 1)
                continue
            if isinstance(value, dict):
                return value
            start = candidate.find("{", start + 1)
    snippet = " ".join(text.split())[:120]
    if not snippet:
        raise ValueError("the reply was empty; expected a JSON object")
    raise ValueError(f"the reply contains no complete JSON object (it starts: {snippet!r})")


def parse_structured(text: str, output_model: type[T]) -> T:
    """Parse and validate a reply; ValueError with a short, model-readable explanation."""
    from pydantic import ValidationError

    data = extract_json(text)
    try:
        return output_model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:8]:
            where = ".".join(str(p) for p in err.get("loc", ())) or "(object)"
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        raise ValueError("the JSON does not match the schema: " + "; ".join(problems)) from None


def _strict_ok(schema: Any) -> bool:
    """True when OpenAI's strict json_schema rules hold (all properties required, no extras)."""
    if isinstance(schema, dict):
        if schema.get("type") == "object" or "properties" in schema:
            props = schema.get("properties", {})
            if schema.get("additionalProperties") is not False:
                return False
            if set(schema.get("required", [])) != set(props):
                return False
        return all(_strict_ok(v) for v in schema.values())
    if isinstance(schema, list):
        return all(_strict_ok(v) for v in schema)
    return True


# --------------------------------------------------------------------------- client


class _ModeRejected(Exception):
    def __init__(self, mode: str, cause: str, status: int | None = None):
        super().__init__(cause)
        self.mode = mode
        self.cause = cause
        self.status = status


class LLMClient:
    """Chat, streaming and structured output against one resolved provider."""

    def __init__(self, provider: ResolvedProvider):
        self.provider = provider
        self._client: Any = None
        self._mode: str | None = None  # the mode that worked in this process

    # ---- public API ------------------------------------------------------------------

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
        deadline = time.monotonic() + self.provider.call_budget
        completion = self._call(
            lambda timeout: self._create(
                messages, timeout, temperature=temperature, max_tokens=max_tokens
            ),
            deadline,
        )
        return _content(completion)

    def stream(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.0,
        max_tokens: int | None = None,
    ) -> Iterator[str]:
        """Text deltas as the model produces them. Opening the stream is retried; a failure after
        text has started flowing raises ProviderError (retrying would repeat text)."""
        deadline = time.monotonic() + self.provider.call_budget
        stream = self._call(
            lambda timeout: self._create(
                messages, timeout, temperature=temperature, max_tokens=max_tokens, stream=True
            ),
            deadline,
        )
        return self._iter_stream(stream)

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
        sink: _FieldSink | None = None
        if on_delta is not None:
            if not stream_field:
                raise ValueError("structured(on_delta=...) needs stream_field")
            sink = _FieldSink(stream_field, on_delta, on_reset)
        try:
            result = self._structured(
                messages, output_model, temperature=temperature, max_tokens=max_tokens, sink=sink
            )
        except BaseException:
            if sink is not None:
                sink.abandon()
            raise
        if sink is not None:
            sink.finish(result)
        return result

    def _structured(
        self,
        messages: Sequence[Message],
        output_model: type[T],
        *,
        temperature: float,
        max_tokens: int | None,
        sink: _FieldSink | None,
    ) -> T:
        deadline = time.monotonic() + self.provider.call_budget
        modes, confirmed = self._modes()
        rejected: list[str] = []
        for index, mode in enumerate(modes):
            probing = not confirmed and index < len(modes) - 1
            try:
                result = self._structured_in_mode(
                    mode,
                    messages,
                    output_model,
                    deadline,
                    temperature=temperature,
                    max_tokens=max_tokens,
                    probing=probing,
                    sink=sink,
                )
            except _ModeRejected as exc:
                log.info(
                    "structured mode %s rejected by %s: %s", mode, self.provider.base_url, exc.cause
                )
                rejected.append(f"{mode}: {exc.cause}")
                continue
            except ProviderError as exc:
                if not rejected:
                    raise
                raise type(exc)(
                    self.provider.base_url,
                    self.provider.model,
                    f"{exc.cause} (mode {mode}, after the server rejected "
                    + "; ".join(rejected)
                    + ")",
                    attempts=exc.attempts,
                    last_output=exc.last_output,
                ) from None
            self._mode = mode
            return result
        raise self._error(
            "the server accepted none of the structured-output modes (" + "; ".join(rejected) + ")"
        )

    def detect_structured_mode(
        self, messages: Sequence[Message], output_model: type[T], *, max_tokens: int | None = None
    ) -> tuple[str, T, list[str]]:
        """Try json_schema, json_object, prompt in turn (ignoring anything remembered).

        Returns (the first mode that gave a valid object, that object, notes on the modes that
        failed). Connection-level failures raise ProviderError at once; if no mode works, the
        ProviderError lists why each failed.
        """
        deadline = time.monotonic() + self.provider.call_budget
        notes: list[str] = []
        for mode in MODES:
            try:
                result = self._structured_in_mode(
                    mode,
                    messages,
                    output_model,
                    deadline,
                    temperature=0.0,
                    max_tokens=max_tokens,
                    probing=True,
                )
            except _ModeRejected as exc:
                log.info("structured mode %s rejected: %s", mode, exc.cause)
                notes.append(f"{mode} rejected by the server (HTTP {exc.status})")
                continue
            except OutputInvalidError as exc:
                log.info("structured mode %s gave invalid output: %s", mode, exc.cause)
                notes.append(f"{mode} gave invalid output")
                continue
            self._mode = mode
            return mode, result, notes
        raise self._error("no structured-output mode worked: " + "; ".join(notes))

    def structured_mode_in_use(self) -> str | None:
        """The mode that last worked in this process (None before the first structured call)."""
        return self._mode

    def list_models(self) -> list[str]:
        """Model ids the server lists at /models."""
        deadline = time.monotonic() + self.provider.call_budget
        page = self._call(lambda timeout: self._openai().models.list(timeout=timeout), deadline)
        ids: list[str] = []
        for item in getattr(page, "data", None) or []:
            model_id = getattr(item, "id", None)
            if model_id:
                ids.append(str(model_id))
        return ids

    # ---- structured output -------------------------------------------------------------

    def _modes(self) -> tuple[list[str], bool]:
        """Modes to try in order, and whether the first one is known to work."""
        configured = self.provider.structured_mode
        if configured in MODES:
            return [configured], True
        if self._mode:
            return [self._mode], True
        from agent.state import remembered_mode

        remembered = remembered_mode(self.provider.base_url, self.provider.model)
        if remembered:
            return [remembered], True
        hint = self.provider.mode_hint if self.provider.mode_hint in MODES else None
        order = [hint] if hint else []
        order += [m for m in MODES if m != hint]
        return order, False

    def _structured_in_mode(
        self,
        mode: str,
        messages: Sequence[Message],
        output_model: type[T],
        deadline: float,
        *,
        temperature: float,
        max_tokens: int | None,
        probing: bool,
        sink: _FieldSink | None = None,
    ) -> T:
        from agent.prompts import load_prompt

        schema = output_model.model_json_schema()
        convo = _prepare(messages, mode, schema)
        extra: dict[str, Any] = {}
        if mode == "json_schema":
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": _schema_name(output_model),
                    "schema": schema,
                    "strict": _strict_ok(schema),
                },
            }
        elif mode == "json_object":
            # llama-cpp-python turns `schema` into a grammar; other servers ignore it.
            extra["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}

        attempts = self.provider.max_reasks + 1
        last_error = ""
        raw = ""
        for attempt in range(1, attempts + 1):
            try:
                if sink is None:
                    completion = self._call(
                        lambda timeout, convo=convo: self._create(
                            convo, timeout, temperature=temperature, max_tokens=max_tokens, **extra
                        ),
                        deadline,
                        probing_mode=mode if (probing and attempt == 1) else None,
                    )
                    raw = _content(completion)
                else:
                    raw = self._call(
                        lambda timeout, convo=convo: self._stream_reply(
                            convo,
                            timeout,
                            deadline,
                            sink,
                            temperature=temperature,
                            max_tokens=max_tokens,
                            **extra,
                        ),
                        deadline,
                        probing_mode=mode if (probing and attempt == 1) else None,
                    )
            except ProviderError as exc:
                if last_error:
                    exc.last_output = raw
                raise
            try:
                return parse_structured(raw, output_model)
            except ValueError as exc:
                last_error = str(exc)
                log.info(
                    "invalid structured output (attempt %d/%d): %s", attempt, attempts, last_error
                )
            if attempt < attempts:
                convo = [
                    *convo,
                    {"role": "assistant", "content": raw},
                    {"role": "user", "content": load_prompt("reask").render(error=last_error)},
                ]
        raise OutputInvalidError(
            self.provider.base_url,
            self.provider.model,
            _scrub(
                f"the model's reply did not match {output_model.__name__} after {attempts} attempt(s) "
                f"(mode {mode}): {last_error}",
                self._secret(),
            ),
            attempts=attempts,
            last_output=raw,
        )

    # ---- transport ---------------------------------------------------------------------

    def _openai(self) -> Any:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                base_url=self.provider.base_url,
                api_key=self.provider.api_key.get_secret_value() or "not-needed",
                timeout=self.provider.request_timeout,
                max_retries=0,  # tenacity below is the one retry point
            )
        return self._client

    def _create(self, messages: Sequence[Message], timeout: float, **kwargs: Any) -> Any:
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
            raise _MalformedResponse(f"the reply was not valid JSON ({exc})") from exc
        if not params.get("stream") and not getattr(completion, "choices", None):
            raise _MalformedResponse("the reply had no choices")
        return completion

    def _call(
        self, fn: Callable[[float], Any], deadline: float, *, probing_mode: str | None = None
    ) -> Any:
        """Run fn(timeout) with the retry policy; map the final failure to ProviderError."""
        import tenacity

        policy = RetryPolicy(self.provider.max_retries, self.provider.call_budget)
        call_start = deadline - self.provider.call_budget
        stop_reason: dict[str, Any] = {}

        def attempt() -> Any:
            remaining = deadline - time.monotonic()
            if remaining < _MIN_ATTEMPT_SECONDS:
                raise _BudgetSpent()
            return fn(min(self.provider.request_timeout, remaining))

        def retryable(exc: BaseException) -> bool:
            if probing_mode is not None and _status(exc) in _MODE_REJECTED_STATUS:
                return False
            return _is_transient(exc)

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            return policy.delay(state.attempt_number, _retry_after(exc) if exc else None)

        def stop(state: tenacity.RetryCallState) -> bool:
            now = time.monotonic()
            reason = policy.give_up(state.attempt_number, state.upcoming_sleep, now - call_start)
            if reason is None and deadline - now - state.upcoming_sleep < _MIN_ATTEMPT_SECONDS:
                reason = "budget"  # no time left for a meaningful attempt after the wait
            exc = state.outcome.exception() if state.outcome else None
            stop_reason.update(attempts=state.attempt_number, left=deadline - now, last=exc)
            if reason:
                stop_reason["reason"] = reason
                return True
            log.info(
                "retrying %s in %.1f s after: %s",
                self.provider.base_url,
                state.upcoming_sleep,
                _scrub(type(exc).__name__ + ": " + str(exc), self._secret()),
            )
            return False

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(retryable),
            wait=wait,
            stop=stop,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _BudgetSpent:
            last = stop_reason.get("last")
            if last is not None:
                raise self._final_error(last, {**stop_reason, "reason": "budget"}) from None
            raise self._error(
                f"the call budget of {self.provider.call_budget:g} s ran out before an answer",
                attempts=stop_reason.get("attempts", 1),
            ) from None
        except Exception as exc:  # noqa: BLE001 - every failure becomes one ProviderError
            if probing_mode is not None and _status(exc) in _MODE_REJECTED_STATUS:
                status = _status(exc)
                raise _ModeRejected(
                    probing_mode, f"HTTP {status}: {_server_message(exc)}", status
                ) from None
            raise self._final_error(exc, stop_reason) from None

    def _stream_reply(
        self,
        messages: Sequence[Message],
        timeout: float,
        deadline: float,
        sink: _FieldSink,
        **kwargs: Any,
    ) -> str:
        """One streamed attempt: the whole reply text, feeding `sink` as it arrives.

        A stream that breaks off (connection lost, read timeout, garbled event, or an end without
        a finish_reason before the JSON is complete) raises a transient error, so `_call` retries
        it; `sink.begin()` then tells the caller to drop what it showed.
        """
        import openai

        sink.begin()
        stream = self._create(messages, timeout, stream=True, **kwargs)
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
                    raise _BudgetSpent()
        except (_BudgetSpent, openai.OpenAIError):
            raise  # APIConnectionError / APITimeoutError mid-stream are transient in _call
        except Exception as exc:  # noqa: BLE001 - an undecodable event: the stream is garbled
            raise _MalformedResponse(f"the stream broke off ({type(exc).__name__}: {exc})") from exc
        finally:
            close = getattr(stream, "close", None)
            if close:
                try:
                    close()
                except Exception:  # noqa: BLE001
                    pass
        raw = "".join(parts)
        if not finished:
            try:
                extract_json(raw)
            except ValueError:
                raise _MalformedResponse("the stream ended before the reply was complete") from None
        return raw

    def _iter_stream(self, stream: Any) -> Iterator[str]:
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
            raise self._final_error(exc, {"reason": "streaming"}) from None
        finally:
            close = getattr(stream, "close", None)
            if close:
                try:
                    close()
                except Exception:  # noqa: BLE001
                    pass

    # ---- error wording -----------------------------------------------------------------

    def _secret(self) -> str | None:
        return self.provider.api_key.get_secret_value()

    def _error(
        self, cause: str, *, attempts: int = 1, last_output: str | None = None
    ) -> ProviderError:
        return ProviderError(
            self.provider.base_url,
            self.provider.model,
            _scrub(cause, self._secret()),
            attempts=attempts,
            last_output=last_output,
        )

    def _final_error(self, exc: BaseException, stop_reason: dict[str, Any]) -> ProviderError:
        import openai

        p = self.provider
        attempts = int(stop_reason.get("attempts", 1))
        reason = stop_reason.get("reason")
        status = _status(exc)
        if isinstance(exc, openai.APITimeoutError):
            cause = f"no answer within the {p.request_timeout:g} s request timeout"
        elif isinstance(exc, openai.APIConnectionError):
            cause = _connection_cause(exc, p.base_url)
        elif isinstance(exc, (_MalformedResponse, openai.APIResponseValidationError)):
            cause = f"the server's reply was cut short or garbled: {exc}"
        elif status == 401:
            env = p.preset.upper() + "_API_KEY" if p.preset != "custom" else "VIVA_API_KEY"
            cause = f"the server refused the API key (HTTP 401): set a valid key in {env} or VIVA_API_KEY ({_server_message(exc)})"
        elif status == 403:
            cause = f"access denied (HTTP 403): {_server_message(exc)}"
        elif status == 404:
            cause = (
                f"not found (HTTP 404): is {p.model!r} a model this server has, and is the base URL "
                f"right (usually ends in /v1)? Run 'viva doctor' to see the models it lists ({_server_message(exc)})"
            )
        elif status == 429:
            cause = f"rate limited (HTTP 429): {_server_message(exc)}"
        elif status is not None and status >= 500:
            cause = f"server error (HTTP {status}): {_server_message(exc)}"
            if p.structured_mode == "json_schema":
                cause += " (this server may not support json_schema output; try structured_mode = 'auto')"
        elif status is not None:
            cause = f"the server refused the request (HTTP {status}): {_server_message(exc)}"
        elif isinstance(exc, openai.OpenAIError):
            cause = f"{type(exc).__name__}: {exc}"
        else:
            cause = f"unexpected error: {type(exc).__name__}: {exc}"

        if reason == "budget":
            retry_after = _retry_after(exc)
            if retry_after is not None and retry_after >= stop_reason.get("left", 0):
                cause += (
                    f" (the server asked to retry after {retry_after:g} s, more than the "
                    f"{max(0.0, stop_reason.get('left', 0)):.1f} s left of the {p.call_budget:g} s call budget)"
                )
            else:
                cause += f" (gave up after {attempts} attempt(s) within the {p.call_budget:g} s call budget)"
        elif reason == "attempts" and attempts > 1:
            cause += f" (gave up after {attempts} attempts)"
        elif reason == "streaming":
            cause = "the stream broke off: " + cause
        return self._error(cause, attempts=attempts)


# --------------------------------------------------------------------------- helpers


class _FieldSink:
    """Passes one string field's streamed text to the caller, across attempts (see the module
    docstring for the contract)."""

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


def _content(completion: Any) -> str:
    choices = getattr(completion, "choices", None) or [None]
    message = getattr(choices[0], "message", None)
    return getattr(message, "content", None) or ""


def _schema_name(model: type) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]", "_", getattr(model, "__name__", "output"))
    return name[:64] or "output"


def _prepare(messages: Sequence[Message], mode: str, schema: dict[str, Any]) -> list[Message]:
    """For json_object and prompt modes, describe the schema in the system message."""
    convo = [dict(m) for m in messages]
    if mode == "json_schema":
        return convo
    from agent.prompts import load_prompt

    instruction = load_prompt("structured_output").render(
        schema=json.dumps(schema, separators=(",", ":"))
    )
    if convo and convo[0].get("role") == "system":
        convo[0]["content"] = f"{convo[0].get('content', '').rstrip()}\n\n{instruction}"
    else:
        convo.insert(0, {"role": "system", "content": instruction})
    return convo
