"""The "better answer" of each question in a debrief: an improved answer written by the LLM when
one is configured, else the rubric's reference answer at the depth the answer calls for."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from agent.report.model import BetterAnswer, QuestionReport

if TYPE_CHECKING:
    from agent.bank.models import Rubric
    from agent.llm.client import LLMClient

MAX_TOKENS = 700
"""Cap on an LLM-written better answer (about 300 words plus slack)."""


def reference_answer(
    rubric: Rubric | None, score: float | None, follow_ups: int, note: str
) -> BetterAnswer:
    """The rubric's reference at the depth the answer calls for: always the standard answer
    (with the 20-second core idea); the deep material too when the interviewer went into
    follow-ups or the answer was already strong (>= 3)."""
    if rubric is None:
        return BetterAnswer(
            source="none", note="no reference answer is available for this question"
        )
    ref = rubric.reference
    go_deep = bool(ref.deep) and (follow_ups > 0 or (score is not None and score >= 3))
    return BetterAnswer(
        source="reference",
        depth="standard+deep" if go_deep else "standard",
        text=ref.standard.strip(),
        short=ref.short.strip() if ref.short else None,
        deep=ref.deep.strip() if go_deep and ref.deep else None,
        outline=[kp.text for kp in rubric.key_points],
        note=note,
    )


class BetterAnswers:
    """Writes improved answers with one client; after the first failure it stops trying."""

    def __init__(self, client: LLMClient | None):
        self.client = client
        self.failure: str | None = None

    def note(self) -> str:
        if self.client is None:
            return "Reference answer from the rubric (no LLM provider is configured)."
        return (
            f"Reference answer from the rubric: the LLM ({self.client.label}) could not write an "
            f"improved answer ({self.failure})."
        )

    def better(self, rubric: Rubric, question: QuestionReport) -> BetterAnswer | None:
        if self.client is None or self.failure is not None:
            return None
        from agent.errors import ProviderError
        from agent.prompts import load_prompt

        answer = "\n\n".join(question.graded_answers())
        prompt = load_prompt("debrief_better_answer")
        text = prompt.render(
            question=rubric.question,
            reference=rubric.reference.standard.strip(),
            key_points="\n".join(f"- {kp.text}" for kp in rubric.key_points) or "- (none listed)",
            missed="\n".join(f"- {kp.text}" for kp in question.missed_key_points) or "- (none)",
            misconceptions="\n".join(
                f"- wrong: {m.claim} / right: {m.correction}" for m in question.misconceptions
            )
            or "- (none)",
            answer=_delimit(answer) or "(no answer)",
        )
        try:
            reply = self.client.chat(
                [{"role": "user", "content": text}], temperature=0.0, max_tokens=MAX_TOKENS
            )
        except ProviderError as exc:
            self.failure = exc.cause
            return None
        reply = (reply or "").strip()
        if not reply:
            self.failure = "it returned an empty reply"
            return None
        return BetterAnswer(
            source="llm",
            depth="improved",
            text=reply,
            outline=[kp.text for kp in rubric.key_points],
            note=f"Improved answer written by the LLM ({self.client.label}, prompt "
            f"{prompt.version}); check it against the reference.",
            model=self.client.label,
        )


def _delimit(text: str) -> str:
    """The candidate's words go into the prompt as data; they cannot close the delimiter."""
    return re.sub(r"<\s*/?\s*candidate_answer\s*>", "[tag removed]", text, flags=re.I).strip()
