"""The LLM interviewer policy: the model picks the next step.

It asks the model for `{action, question, targets, reason}`.

The prompt (prompts/interviewer_system.md + interviewer_user.md) gets the question, the key point
texts, misconception claims and the authored probes, the offline grader's covered/missed lists and
the conversation on this question (candidate turns inside <candidate_answer> delimiters, as data).
It never gets the reference answer. The model's choice is then checked:

* a follow-up must be a real question (4+ words, not an id), new in this session, and must not
  reproduce a reference-answer sentence (`text.rubric_leak`); otherwise the offline choice is
  used instead;
* targets must be existing key point / misconception ids (unknown ids are dropped);
* "wrap_up" is only honoured when the interview's time is up (the engine decides that).

Provider failures raise ProviderError; the engine then falls back to the offline policy.

`decide(..., on_delta=, on_reset=)` streams the question text while the one structured call runs
(the engine forwards it to the front end's `on_text_delta`/`on_text_reset`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from agent.bank.models import Rubric
from agent.interview.policy_offline import Choice
from agent.interview.text import rubric_leak, same_question

SYSTEM_PROMPT = "interviewer_system"
USER_PROMPT = "interviewer_user"


class PolicyOutput(BaseModel):
    action: Literal["follow_up", "next", "wrap_up"]
    question: str = Field("", max_length=600)
    targets: list[str] = Field(default_factory=list)
    reason: str = Field("", max_length=400)


def _data(text: str) -> str:
    """Candidate text as inert data: it cannot close or open our delimiters."""
    return text.replace("<", "\u2039").replace(">", "\u203a")


def build_messages(
    rubric: Rubric,
    *,
    covered: list[str],
    missed: list[str],
    detected: list[str],
    probes_asked: list[str],
    conversation: list[tuple[str, str]],
    follow_ups_left: int,
    minutes_left: float,
) -> tuple[list[dict[str, str]], str]:
    """Chat messages and the combined prompt version."""
    from agent.prompts import load_prompt

    system = load_prompt(SYSTEM_PROMPT)
    user = load_prompt(USER_PROMPT)
    key_points = "\n".join(f"- {k.id}: {k.text}" for k in rubric.key_points) or "- (none)"
    misconceptions = "\n".join(f"- {m.id}: {m.claim}" for m in rubric.misconceptions) or "- (none)"
    probes = (
        "\n".join(
            f"- {p.id} (depth {p.depth}, targets {', '.join(p.targets)}, "
            f"{'asked' if p.id in probes_asked else 'not asked'}): {p.question}"
            for p in rubric.probes
        )
        or "- (none)"
    )
    lines = []
    for who, text in conversation:
        if who == "candidate":
            lines.append(f"Candidate:\n<candidate_answer>\n{_data(text)}\n</candidate_answer>")
        else:
            lines.append(f"Interviewer: {text}")
    rendered = user.render(
        question_id=rubric.id,
        question=rubric.question,
        key_points=key_points,
        misconceptions=misconceptions,
        probes=probes,
        covered=", ".join(covered) or "(nothing yet)",
        missed=", ".join(missed) or "(nothing)",
        detected=", ".join(detected) or "(none)",
        follow_ups_left=follow_ups_left,
        minutes_left=f"{max(0.0, minutes_left):.0f}",
        conversation="\n\n".join(lines) or "(nothing yet)",
    )
    messages = [
        {"role": "system", "content": system.render()},
        {"role": "user", "content": rendered},
    ]
    return messages, f"{system.version}+{user.version}"


def validate(
    out: PolicyOutput,
    rubric: Rubric,
    *,
    fallback: Choice,
    was_asked: Callable[[str], bool],
    label: str = "llm",
) -> Choice:
    """Turn the model's output into a safe Choice, or the offline `fallback` when it is unsafe."""
    ids = {k.id for k in rubric.key_points} | {m.id for m in rubric.misconceptions}
    targets = [t for t in dict.fromkeys(out.targets) if t in ids]
    reason = (out.reason or "").strip()[:300]
    if out.action != "follow_up":
        return Choice(out.action, "", targets, reason or "model chose to move on", None, label)
    question = " ".join((out.question or "").split())
    if len(re.findall(r"[A-Za-z]{2,}", question)) < 4 or question.lower() in ids | {rubric.id}:
        return _replace(fallback, "model gave no usable follow-up question")
    leaked = rubric_leak(question, rubric)
    if leaked:
        return _replace(fallback, "model's follow-up repeated the reference answer")
    if was_asked(question):
        return _replace(fallback, "model repeated a question already asked")
    probe_id = next((p.id for p in rubric.probes if same_question(p.question, question)), None)
    if not targets:
        targets = list(fallback.targets) if fallback.action == "follow_up" else []
    return Choice("follow_up", question, targets, reason or "model follow-up", probe_id, label)


def _replace(fallback: Choice, why: str) -> Choice:
    return Choice(
        fallback.action,
        fallback.question,
        list(fallback.targets),
        f"{why}; offline choice: {fallback.reason}",
        fallback.probe_id,
        "offline",
    )


def decide(
    client,
    messages: list[dict[str, str]],
    *,
    on_delta: Callable[[str], None] | None = None,
    on_reset: Callable[[], None] | None = None,
) -> PolicyOutput:
    """One structured call (raises ProviderError on final failure).

    With `on_delta` the same single call is streamed and the "question" field's text is passed
    to `on_delta` as the model writes it; `on_reset()` means "drop what was passed so far" (a
    retried or re-asked attempt). Contract: LLMClient.structured / agent.llm.client docstring.
    The streamed text is the model's raw question: `validate` may still reject it.
    """
    if on_delta is None:
        return client.structured(messages, PolicyOutput, temperature=0.0, max_tokens=200)
    return client.structured(
        messages,
        PolicyOutput,
        temperature=0.0,
        max_tokens=200,
        stream_field="question",
        on_delta=on_delta,
        on_reset=on_reset,
    )
