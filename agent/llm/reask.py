"""One structured request over the network: a reply that is not JSON or fails validation is
re-asked with the validation error (at most `provider.max_reasks` times), and a mode the server
rejects falls back to the next one (agent.llm.structured has the modes)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from agent.errors import ProviderError
from agent.llm.errors import ModeRejected, OutputInvalidError, provider_error
from agent.llm.retry import call_with_retries
from agent.llm.streaming import Create, FieldSink, stream_reply
from agent.llm.structured import (
    MODES,
    Message,
    mode_request,
    modes_to_try,
    parse_structured,
    reply_text,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from agent.llm.presets import ResolvedProvider

T = TypeVar("T", bound="BaseModel")

log = logging.getLogger("viva.llm")


def ask_structured(
    provider: ResolvedProvider,
    create: Create,
    in_use: str | None,
    messages: Sequence[Message],
    output_model: type[T],
    *,
    temperature: float,
    max_tokens: int | None,
    sink: FieldSink | None,
) -> tuple[str, T]:
    """(the mode that worked, the validated object). `in_use`: the mode that worked last."""
    ask = _asker(
        provider,
        create,
        messages,
        output_model,
        temperature=temperature,
        max_tokens=max_tokens,
        sink=sink,
    )
    modes, confirmed = modes_to_try(provider, in_use)
    rejected: list[str] = []
    for index, mode in enumerate(modes):
        probing = not confirmed and index < len(modes) - 1
        try:
            result = ask(mode, probing)
        except ModeRejected as exc:
            log.info("structured mode %s rejected by %s: %s", mode, provider.base_url, exc.cause)
            rejected.append(f"{mode}: {exc.cause}")
            continue
        except ProviderError as exc:
            if not rejected:
                raise
            raise type(exc)(
                provider.base_url,
                provider.model,
                f"{exc.cause} (mode {mode}, after the server rejected " + "; ".join(rejected) + ")",
                attempts=exc.attempts,
                last_output=exc.last_output,
            ) from None
        return mode, result
    raise provider_error(
        provider,
        "the server accepted none of the structured-output modes (" + "; ".join(rejected) + ")",
    )


def detect_mode(
    provider: ResolvedProvider,
    create: Create,
    messages: Sequence[Message],
    output_model: type[T],
    *,
    max_tokens: int | None = None,
) -> tuple[str, T, list[str]]:
    """Try json_schema, json_object, prompt in turn (ignoring anything remembered).

    Returns (the first mode that gave a valid object, that object, notes on the modes that
    failed). Connection-level failures raise ProviderError at once; if no mode works, the
    ProviderError lists why each failed.
    """
    ask = _asker(provider, create, messages, output_model, temperature=0.0, max_tokens=max_tokens)
    notes: list[str] = []
    for mode in MODES:
        try:
            result = ask(mode, True)
        except ModeRejected as exc:
            log.info("structured mode %s rejected: %s", mode, exc.cause)
            notes.append(f"{mode} rejected by the server (HTTP {exc.status})")
            continue
        except OutputInvalidError as exc:
            log.info("structured mode %s gave invalid output: %s", mode, exc.cause)
            notes.append(f"{mode} gave invalid output")
            continue
        return mode, result, notes
    raise provider_error(provider, "no structured-output mode worked: " + "; ".join(notes))


def _asker(
    provider: ResolvedProvider,
    create: Create,
    messages: Sequence[Message],
    output_model: type[T],
    *,
    temperature: float,
    max_tokens: int | None,
    sink: FieldSink | None = None,
) -> Callable[[str, bool], T]:
    """`ask_in_mode` with all but the mode and whether it is a probe bound, under one call budget
    that starts now: `ask(mode, probing)`."""
    deadline = time.monotonic() + provider.call_budget

    def ask(mode: str, probing: bool) -> T:
        return ask_in_mode(
            provider,
            create,
            mode,
            messages,
            output_model,
            deadline,
            temperature=temperature,
            max_tokens=max_tokens,
            probing=probing,
            sink=sink,
        )

    return ask


def ask_in_mode(
    provider: ResolvedProvider,
    create: Create,
    mode: str,
    messages: Sequence[Message],
    output_model: type[T],
    deadline: float,
    *,
    temperature: float,
    max_tokens: int | None,
    probing: bool,
    sink: FieldSink | None = None,
) -> T:
    """Ask in one mode, re-asking invalid replies with the error; OutputInvalidError when the
    model never gets it right."""
    from agent.prompts import load_prompt

    convo, extra = mode_request(mode, messages, output_model)
    params: dict[str, Any] = {"temperature": temperature, "max_tokens": max_tokens, **extra}
    attempts = provider.max_reasks + 1
    last_error = ""
    raw = ""
    for attempt in range(1, attempts + 1):
        probing_mode = mode if (probing and attempt == 1) else None
        try:
            if sink is None:
                completion = call_with_retries(
                    provider,
                    partial(_ask, create, convo, params),
                    deadline,
                    probing_mode=probing_mode,
                )
                raw = reply_text(completion)
            else:
                raw = call_with_retries(
                    provider,
                    partial(_ask_streaming, create, convo, params, deadline, sink),
                    deadline,
                    probing_mode=probing_mode,
                )
        except ProviderError as exc:
            if last_error:
                exc.last_output = raw
            raise
        try:
            return parse_structured(raw, output_model)
        except ValueError as exc:
            last_error = str(exc)
            log.info("invalid structured output (attempt %d/%d): %s", attempt, attempts, last_error)
        if attempt < attempts:
            convo = [
                *convo,
                {"role": "assistant", "content": raw},
                {"role": "user", "content": load_prompt("reask").render(error=last_error)},
            ]
    raise provider_error(
        provider,
        f"the model's reply did not match {output_model.__name__} after {attempts} attempt(s) "
        f"(mode {mode}): {last_error}",
        attempts=attempts,
        last_output=raw,
        kind=OutputInvalidError,
    )


def _ask(create: Callable[..., Any], convo: list, params: dict[str, Any], timeout: float) -> Any:
    """One request with the whole conversation so far."""
    return create(convo, timeout, **params)


def _ask_streaming(
    create: Callable[..., Any],
    convo: list,
    params: dict[str, Any],
    deadline: float,
    sink: Any,
    timeout: float,
) -> str:
    """One streamed request; the text so far goes to `sink` as it arrives."""
    return stream_reply(create, convo, timeout, deadline, sink, **params)
