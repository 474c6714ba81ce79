"""Choosing a grader: `make_grader(settings, mode=...)` gives one object with `.grade(rubric,
answer)` whichever grader is behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from agent.bank.models import Rubric
from agent.errors import ConfigError
from agent.grading.models import Grade
from agent.grading.offline import grade_offline

if TYPE_CHECKING:
    from agent.config import Settings
    from agent.llm.client import LLMClient


class Grader(Protocol):
    label: str

    def grade(self, rubric: Rubric, answer: str) -> Grade: ...


class OfflineGrader:
    """Rubric cues, negation and misconception checks; no model (the default and the fallback)."""

    label = "offline"

    def grade(self, rubric: Rubric, answer: str) -> Grade:
        return grade_offline(rubric, answer)


class LLMGrader:
    """The model behind `client` grades; quotes are verified; failures fall back to offline."""

    def __init__(self, client: LLMClient, samples: int = 1):
        self.client = client
        self.samples = samples
        self.label = f"llm {client.provider.model}" + (f" x{samples}" if samples > 1 else "")

    def grade(self, rubric: Rubric, answer: str) -> Grade:
        from agent.grading.llm import grade_llm

        return grade_llm(rubric, answer, self.client, samples=self.samples)


def make_grader(settings: Settings, *, mode: str | None = None) -> Grader:
    """mode: "offline", "llm" or "auto" (None: settings.grader_mode). auto = the LLM grader when a
    grader provider is configured, else offline. "llm" with no provider is a ConfigError."""
    mode = mode or settings.grader_mode
    if mode == "offline":
        return OfflineGrader()
    if mode not in ("auto", "llm"):
        raise ConfigError(f"unknown grader {mode!r} (use offline, llm or auto)")
    from agent.llm.client import client_for

    client = client_for(settings, "grader")
    if client is None:
        if mode == "llm":
            raise ConfigError(
                "the LLM grader needs a provider: pass --provider/--base-url/--model, set "
                "VIVA_PROVIDER, or configure [grader] in the config file (or use --grader offline)"
            )
        return OfflineGrader()
    return LLMGrader(client, samples=settings.grader_samples)
