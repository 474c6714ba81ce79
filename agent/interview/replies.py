"""What the interviewer makes of a reply before grading it: its intent (an answer, a request to
repeat, a clarifying question, an attempt to get the answer, off topic...), and for anything
that is not an answer to grade, what to say while the question stays open, or to move on.
Pure: the engine journals what this decides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.interview.intents import Intent, detect_intent, is_off_topic, looks_like_gibberish
from agent.interview.state import NON_ANSWER_LIMIT
from agent.interview.text import content_words, reference_texts, rubric_leak, stem, vocabulary

if TYPE_CHECKING:
    from agent.bank.models import Rubric
    from agent.interview.state import Prompt, QuestionState

# Tiny glue phrases the interviewer says (the questions themselves come from the rubrics).
DECLINE = "I can't give you the answer or step out of my role as your interviewer, so let's stay with the question."
NUDGE = "Take your time; whenever you're ready. {question}"
REDIRECT = "Let's come back to the question. {question}"
OTHER_QUESTION = (
    "That sounds like an answer to a different question. Let's come back to the one I asked: "
    "{question}"
)
CLARIFY_DEFAULT = "Answer it the way you understand it, and say what you are assuming."
CLARIFY_ENOUGH = "Go with the reading that seems most natural to you and state your assumption."

_NON_ANSWERS = (Intent.REPEAT, Intent.EMPTY, Intent.CLARIFY, Intent.INJECTION)


@dataclass(frozen=True)
class Step:
    """Move on (`action` None), or say `say` while the question stays open: `action` is the
    decision (and the prompt's kind); `reask`: `say` is the pending question again, verbatim."""

    reason: str
    action: str | None = None
    say: str = ""
    reask: bool = False


def rubric_vocabulary(rubric: Rubric) -> set[str]:
    """Words that make a reply on topic for this question."""
    r = rubric
    return vocabulary(
        [r.question, *(k.text for k in r.key_points), *(c for k in r.key_points for c in k.cues)]
        + [*(p.question for p in r.probes), *r.clarifications, *reference_texts(r)]
    )


def reply_intent(text: str, vocab: set[str]) -> Intent:
    """detect_intent, with an answer that is gibberish or off this question's topic marked so."""
    intent = detect_intent(text)
    if intent == Intent.ANSWER and (looks_like_gibberish(text) or is_off_topic(text, vocab)):
        return Intent.OFF_TOPIC
    return intent


def non_answer_step(
    intent: Intent,
    q: QuestionState,
    pending: Prompt,
    rubric: Rubric,
    text: str,
    *,
    time_left: float,
    judged_off_topic: Callable[[], bool],
    addressed_instead: Callable[[], str | None] = lambda: None,
) -> Step | None:
    """What to do with a reply that is not an answer to grade; None when it is one.

    `judged_off_topic()`: the grader's view of this reply alone; `addressed_instead()`: the id
    of another bank question this reply answers instead, if any (both asked only when needed)."""
    over_limit = q.non_answers >= NON_ANSWER_LIMIT
    if intent in _NON_ANSWERS and (over_limit or time_left <= 0):
        return Step("no answer after several tries" if over_limit else "time is up")
    if intent == Intent.REPEAT:
        return Step("candidate asked to repeat the question", "repeat", pending.text, reask=True)
    if intent == Intent.EMPTY:
        if q.pending_counts.get(Intent.EMPTY, 0) <= 1:
            return Step(
                "empty answer: re-prompt once", "nudge", NUDGE.format(question=pending.text)
            )
        return Step("no answer again")
    if intent == Intent.CLARIFY:
        note = clarification(rubric, text) if q.count(Intent.CLARIFY) <= 2 else CLARIFY_ENOUGH
        return Step("candidate asked a clarifying question", "clarify", note)
    if intent == Intent.INJECTION:
        return Step("asked for the answer or a role change; declined", "decline", DECLINE)
    if intent in (Intent.ANSWER, Intent.OFF_TOPIC) and q.redirects == 0 and time_left > 0:
        # An answer to another bank question, off topic by our word check, or off topic by the
        # grader's judgement of this answer alone: bring them back, once. (The first and the
        # last only on a main question: a follow-up answer covers one point.)
        if not pending.follow_up and (other := addressed_instead()) is not None:
            return Step(
                f"answers another question ({other}): redirect once",
                "redirect",
                OTHER_QUESTION.format(question=pending.text),
            )
        if intent == Intent.OFF_TOPIC or (not pending.follow_up and judged_off_topic()):
            return Step(
                "off-topic answer: redirect once",
                "redirect",
                REDIRECT.format(question=pending.text),
            )
    if intent == Intent.DONT_KNOW:
        return Step("candidate does not know")
    if intent == Intent.SKIP:
        return Step("candidate asked to move on")
    return None  # a real answer (or a second off-topic one): grade it


def clarification(rubric: Rubric, asked: str) -> str:
    """The rubric's clarification note closest to what was asked (never one that leaks the
    answer); a generic note when there is none."""
    notes = [c for c in rubric.clarifications if not rubric_leak(c, rubric)]
    if not notes:
        return CLARIFY_DEFAULT
    want = {stem(w) for w in content_words(asked)}
    scored = [(len(want & {stem(w) for w in content_words(c)}), -i, c) for i, c in enumerate(notes)]
    return max(scored)[2]
