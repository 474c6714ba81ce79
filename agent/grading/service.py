"""Choosing a grader: one object with `.grade(rubric, answer)`.

`make_grader(settings, mode=...)` gives it, whichever grader is behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from agent.bank.models import Rubric
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
    from agent.llm.client import client_for_mode

    client = client_for_mode(settings, "grader", mode or settings.grader_mode)
    if client is None:
        return OfflineGrader()
    return LLMGrader(client, samples=settings.grader_samples)
