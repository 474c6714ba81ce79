"""What went wrong in an LLM call, in plain words: which failures are worth retrying, and the one
`ProviderError` message a user sees (base URL, model, cause; never the API key)."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from agent.errors import ProviderError

if TYPE_CHECKING:
    from agent.llm.presets import ResolvedProvider

# HTTP statuses worth retrying: request timeout, rate limit, and server-side failures.
TRANSIENT_STATUS = {408, 409, 425, 429}
# When a mode is only being tried (auto), these statuses mean "this server does not take it".
MODE_REJECTED_STATUS = {400, 415, 422, 500, 501}


class OutputInvalidError(ProviderError):
    """The model kept answering with output that is not valid JSON for the schema."""


class MalformedResponse(Exception):
    """The server answered 200 but the body was not the JSON the API promises (truncated...)."""


class BudgetSpent(Exception):
    """The call budget ran out before an attempt could start or finish."""


class ModeRejected(Exception):
    """The server refused a structured-output mode that was only being tried."""

    def __init__(self, mode: str, cause: str, status: int | None = None):
        super().__init__(cause)
        self.mode = mode
        self.cause = cause
        self.status = status


# --------------------------------------------------------------------------- classification


def status_of(exc: BaseException | None) -> int | None:
    """The HTTP status of a failed request, if it got that far."""
    code = getattr(exc, "status_code", None)
    return code if isinstance(code, int) else None


def is_transient(exc: BaseException) -> bool:
    """A failure that may well pass on a second try (connection, timeout, 408/429/5xx...)."""
    import openai

    if isinstance(exc, (openai.APIConnectionError, MalformedResponse)):
        return True
    if isinstance(exc, openai.APIResponseValidationError):
        return True
    status = status_of(exc)
    return status is not None and (status in TRANSIENT_STATUS or status >= 500)


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After / retry-after-ms), if it said."""
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


# --------------------------------------------------------------------------- wording

_KEY_LIKE = re.compile(r"\b(?:sk|rk|pk)-[A-Za-z0-9_\-*.]{6,}")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._\-]{8,}")


def scrub(text: str, secret: str | None) -> str:
    """Remove the API key, and anything that looks like one, from a message."""
    if secret and len(secret) >= 4 and secret != "not-needed":
        text = text.replace(secret, "***")
    text = _KEY_LIKE.sub("***", text)
    return _BEARER.sub(lambda m: m.group(1) + "***", text)


def server_message(exc: BaseException) -> str:
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


def connection_cause(exc: BaseException, base_url: str) -> str:
    """Why a connection failed, from the whole exception chain, as advice."""
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


def provider_error(
    provider: ResolvedProvider,
    cause: str,
    *,
    attempts: int = 1,
    last_output: str | None = None,
    status: int | None = None,
    kind: type[ProviderError] = ProviderError,
) -> ProviderError:
    """The error for `provider`, with any key scrubbed from `cause`."""
    return kind(
        provider.base_url,
        provider.model,
        scrub(cause, provider.api_key.get_secret_value()),
        attempts=attempts,
        last_output=last_output,
        status=status,
    )


def _http_cause(p: ResolvedProvider, exc: BaseException, status: int) -> str:
    said = server_message(exc)
    if status == 401:
        env = p.preset.upper() + "_API_KEY" if p.preset != "custom" else "VIVA_API_KEY"
        return f"the server refused the API key (HTTP 401): set a valid key in {env} or VIVA_API_KEY ({said})"
    if status == 403:
        return f"access denied (HTTP 403): {said}"
    if status == 404:
        return (
            f"not found (HTTP 404): is {p.model!r} a model this server has, and is the base URL "
            f"right (usually ends in /v1)? Run 'viva doctor' to see the models it lists ({said})"
        )
    if status == 429:
        return f"rate limited (HTTP 429): {said}"
    if status >= 500:
        cause = f"server error (HTTP {status}): {said}"
        if p.structured_mode == "json_schema":
            cause += (
                " (this server may not support json_schema output; try structured_mode = 'auto')"
            )
        return cause
    return f"the server refused the request (HTTP {status}): {said}"


def final_error(
    provider: ResolvedProvider, exc: BaseException, stop_reason: dict[str, Any]
) -> ProviderError:
    """The ProviderError for a call that failed for good with `exc`.

    `stop_reason`: `attempts` made, `reason` (attempts, budget or streaming) and `left`, the
    seconds of the call budget that were left."""
    import openai

    p = provider
    attempts = int(stop_reason.get("attempts", 1))
    reason = stop_reason.get("reason")
    status = status_of(exc)
    if isinstance(exc, openai.APITimeoutError):
        cause = f"no answer within the {p.request_timeout:g} s request timeout"
    elif isinstance(exc, openai.APIConnectionError):
        cause = connection_cause(exc, p.base_url)
    elif isinstance(exc, (MalformedResponse, openai.APIResponseValidationError)):
        cause = f"the server's reply was cut short or garbled: {exc}"
    elif status is not None:
        cause = _http_cause(p, exc, status)
    elif isinstance(exc, openai.OpenAIError):
        cause = f"{type(exc).__name__}: {exc}"
    else:
        cause = f"unexpected error: {type(exc).__name__}: {exc}"

    if reason == "budget":
        wait = retry_after(exc)
        if wait is not None and wait >= stop_reason.get("left", 0):
            cause += (
                f" (the server asked to retry after {wait:g} s, more than the "
                f"{max(0.0, stop_reason.get('left', 0)):.1f} s left of the {p.call_budget:g} s call budget)"
            )
        else:
            cause += (
                f" (gave up after {attempts} attempt(s) within the {p.call_budget:g} s call budget)"
            )
    elif reason == "attempts" and attempts > 1:
        cause += f" (gave up after {attempts} attempts)"
    elif reason == "streaming":
        cause = "the stream broke off: " + cause
    return provider_error(p, cause, attempts=attempts, status=status)
