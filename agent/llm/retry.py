"""The one retry point of every LLM call (tenacity; the `openai` package's own retries are off).

Transient failures (timeout, refused connection, 408/429/5xx, a truncated or garbled body) are
retried with exponential backoff and jitter, at most `provider.max_retries` times and never past
`provider.call_budget` seconds for the whole call (a `Retry-After` longer than what is left of the
budget gives up at once). The final failure becomes one `ProviderError`.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from agent.llm.errors import (
    MODE_REJECTED_STATUS,
    BudgetSpent,
    ModeRejected,
    final_error,
    is_transient,
    provider_error,
    retry_after,
    scrub,
    server_message,
    status_of,
)

if TYPE_CHECKING:
    import tenacity

    from agent.llm.presets import ResolvedProvider

R = TypeVar("R")

log = logging.getLogger("viva.llm")

# An attempt with less time than this left in the call budget is not worth starting.
MIN_ATTEMPT_SECONDS = 0.1


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


def call_with_retries(
    provider: ResolvedProvider,
    fn: Callable[[float], R],
    deadline: float,
    *,
    probing_mode: str | None = None,
) -> R:
    """Run fn(timeout) under the retry policy; map the final failure to ProviderError.

    With `probing_mode` (a structured-output mode only being tried), a status that means "this
    server does not take that mode" raises ModeRejected at once instead."""
    import tenacity

    policy = RetryPolicy(provider.max_retries, provider.call_budget)
    call_start = deadline - provider.call_budget
    stop_reason: dict[str, Any] = {}

    def attempt() -> R:
        remaining = deadline - time.monotonic()
        if remaining < MIN_ATTEMPT_SECONDS:
            raise BudgetSpent()
        return fn(min(provider.request_timeout, remaining))

    def retryable(exc: BaseException) -> bool:
        if probing_mode is not None and status_of(exc) in MODE_REJECTED_STATUS:
            return False
        return is_transient(exc)

    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        return policy.delay(state.attempt_number, retry_after(exc) if exc else None)

    def stop(state: tenacity.RetryCallState) -> bool:
        now = time.monotonic()
        sleep = state.upcoming_sleep
        reason = policy.give_up(state.attempt_number, sleep, now - call_start)
        if reason is None and deadline - now - sleep < MIN_ATTEMPT_SECONDS:
            reason = "budget"  # no time left for a meaningful attempt after the wait
        exc = state.outcome.exception() if state.outcome else None
        stop_reason.update(attempts=state.attempt_number, left=deadline - now, last=exc)
        if reason:
            stop_reason["reason"] = reason
            return True
        log.info(
            "retrying %s in %.1f s after: %s",
            provider.base_url,
            sleep,
            scrub(type(exc).__name__ + ": " + str(exc), provider.api_key.get_secret_value()),
        )
        return False

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(retryable), wait=wait, stop=stop, reraise=True
    )
    try:
        return retrying(attempt)
    except BudgetSpent:
        last = stop_reason.get("last")
        if last is not None:
            raise final_error(provider, last, {**stop_reason, "reason": "budget"}) from None
        raise provider_error(
            provider,
            f"the call budget of {provider.call_budget:g} s ran out before an answer",
            attempts=stop_reason.get("attempts", 1),
        ) from None
    except Exception as exc:  # noqa: BLE001 - every failure becomes one ProviderError
        status = status_of(exc)
        if probing_mode is not None and status in MODE_REJECTED_STATUS:
            raise ModeRejected(
                probing_mode, f"HTTP {status}: {server_message(exc)}", status
            ) from None
        raise final_error(provider, exc, stop_reason) from None
