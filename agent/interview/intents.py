"""What the candidate just did: answered, asked something, or passed.

Deterministic, conservative intent detection.

Only short utterances that clearly are a request ("can you repeat the question?"), a clarifying
question, a "don't know", or an attempt to get the answer / change the interviewer's role are
treated as such. Anything longer or with substance is an answer: "we repeat the update until it
converges" is an answer, not a repeat request.
"""

from __future__ import annotations

import re
from enum import StrEnum

from agent.interview.text import content_words, normalize, stem, words


class Intent(StrEnum):
    ANSWER = "answer"
    EMPTY = "empty"
    REPEAT = "repeat"
    CLARIFY = "clarify"
    DONT_KNOW = "dont_know"
    SKIP = "skip"
    INJECTION = "injection"
    OFF_TOPIC = "off_topic"
    """Set by the engine (needs the rubric), never by detect_intent."""


GRADED = frozenset({Intent.ANSWER, Intent.DONT_KNOW, Intent.OFF_TOPIC})
"""Intents whose text counts towards the question's answer."""

_INJECTION = [
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules?|prompts?|rubric|guidelines|role|system)\b",
    r"\byou are now\b",
    r"\bfrom now on,? you\b",
    r"\b(act|behave) as (an?|my)\b",
    r"\bpretend (to be|you)\b",
    r"\b(new|updated) instructions\b",
    r"\bsystem prompt\b",
    r"\bdeveloper mode\b|\bjailbreak\b",
    r"\b(tell|give|show|reveal|read|send|print) (me |us )?(the |your )?(correct |right |model |reference |expected |ideal |full |best )*(answer|solution|rubric|key points)\b",
    r"\bwhat(?:'s| is) the (correct |right |model |reference |expected )?answer\b",
    r"\bgive (me )?(full|maximum|max|perfect) (marks|score|points)\b",
    r"\b(grade|score|mark) (me|this|my answer) (as )?(a )?(4|four|full|perfect|excellent)\b",
    r"\banswer (it|the question) for me\b",
]
_REPEAT = [
    r"\b(can|could|would|will) you (please )?(repeat|restate|rephrase|say (that|it) again|ask (that|it|the question) again)\b",
    r"^(please )?(repeat|restate|rephrase)( (that|it|the question|the last question))?( (again|please|one more time))*$",
    r"\b(say|ask) (that|it|the question) (again|one more time)\b",
    r"\bwhat (was|is) the (last )?question( again)?\b",
    r"\bi (didn't|did not|couldn't|could not) (catch|hear|get|understand) (that|it|the question|you)\b",
    r"^(sorry|pardon|excuse me|come again|what|huh)( me)?( what)?$",
    r"\bone more time\b",
]
_DONT_KNOW = [
    r"\bi (really |honestly |just )?(don't|do not|dont) (really )?(know|remember|recall)\b",
    r"\bi have no (idea|clue)\b|\bno (idea|clue)\b",
    r"\bi'?m not (sure|familiar)\b|\bi am not (sure|familiar)\b|\bnot sure\b",
    r"\bi (can't|cannot|can not) (remember|recall|answer)\b",
    r"\b(dunno|idk)\b",
    r"\bi give up\b",
    r"\bnever heard of\b",
]
_SKIP = [
    r"^(skip|pass|next)( (it|this|this one|the question|question))?( please)?$",
    r"\b(can|could|shall) we (please )?(skip|move on|go to the next)\b",
    r"\blet'?s (skip|move on|go to the next)\b",
    r"\bnext question( please)?\b",
    r"\bi'?ll pass\b|\bi pass\b",
]
_CLARIFY_LEADS = (
    r"^(do|did) you mean\b",
    r"^(so |just to (be clear|clarify),? )?(are|were) you asking\b",
    r"^what do you mean\b",
    r"^(should|can|may|do) i (assume|consider|focus|talk|include|answer)\b",
    r"^(is|are) (this|that|it|the question|we) (about|in|for|talking|asking|assuming|limited)\b",
    r"^(are|is) we (talking|assuming|considering)\b",
    r"^by .{1,40} do you mean\b",
    r"^(does|do) (that|this|it|the question) (include|apply|mean|cover)\b",
    r"^(which|what) (kind|type|case|setting|context) (of )?",
    r"^(in|for) (the|a) .{1,40} case\?$",
    r"^(just )?to (clarify|be clear)\b",
    r"^(could|can) you (clarify|be more specific|explain what you mean)\b",
)

_FILLERS = frozenset(
    "sorry honestly really just well hmm um uh erm so yeah ok okay oh actually afraid this that "
    "question one topic about it".split()
)


def _any(patterns, text: str) -> bool:
    return any(re.search(p, text) for p in patterns)


def detect_intent(text: str | None) -> Intent:
    """Classify one utterance. Off-topic needs the rubric: see `is_off_topic`."""
    norm = normalize(text or "")
    bare = norm.strip(" .!?,;:-")
    tokens = words(norm)
    n = len(tokens)
    if not tokens:
        return Intent.EMPTY
    if n <= 40 and _any(_INJECTION, norm):
        return Intent.INJECTION
    if n <= 12 and _any(_REPEAT, bare):
        return Intent.REPEAT
    if n <= 8 and _any(_SKIP, bare):
        return Intent.SKIP
    if n <= 20 and _any(_DONT_KNOW, norm):
        # Only when little else is said: "I'm not sure, but I think it converges to..." answers.
        rest = [w for w in content_words(_strip_dont_know(norm)) if w not in _FILLERS]
        if len(rest) <= 2:
            return Intent.DONT_KNOW
    if n <= 30 and (_any(_CLARIFY_LEADS, bare + ("?" if norm.endswith("?") else ""))):
        if norm.rstrip().endswith("?") or n <= 12:
            return Intent.CLARIFY
    if n <= QUESTION_BACK_MAX_WORDS and _asks_back(norm):
        return Intent.CLARIFY
    return Intent.ANSWER


QUESTION_BACK_MAX_WORDS = 60
PREAMBLE_MAX_WORDS = 8
_TENTATIVE = re.compile(r"^(?:is it because|isn'?t it|wouldn'?t it|doesn'?t it|because|so it'?s)\b")


def _asks_back(norm: str) -> bool:
    """Questions to the interviewer and nothing else ("Is this one GPU or several? And how big is
    the model?"), at most after a short preamble ("Can I ask about the setup first?"). An answer
    that asks itself a question goes on to answer it, so it never ends on one; a guess put as a
    question ("isn't it because ...?") is an answer."""
    sentences = [x for x in re.split(r"(?<=[.!?])\s+", norm.strip()) if x.strip()]
    if not sentences or not sentences[-1].endswith("?"):
        return False
    questions = [x for x in sentences if x.endswith("?")]
    statements = [x for x in sentences if not x.endswith("?")]
    if sum(len(words(x)) for x in statements) > PREAMBLE_MAX_WORDS:
        return False
    return not any(_TENTATIVE.search(q.strip()) for q in questions)


def _strip_dont_know(norm: str) -> str:
    for p in _DONT_KNOW:
        norm = re.sub(p, " ", norm)
    return norm


def is_off_topic(text: str, vocab: set[str], *, min_words: int = 4) -> bool:
    """True when a substantive utterance shares no content word with the question's rubric."""
    cw = content_words(text)
    if len(cw) < min_words:
        return False
    return not any(stem(w) in vocab for w in cw)


def looks_like_gibberish(text: str) -> bool:
    """Mostly non-words: few vowels or long consonant runs (keyboard mashing)."""
    ws = [w for w in words(text) if w.isalpha()]
    if not ws:
        return bool(words(text))
    odd = sum(1 for w in ws if not re.search(r"[aeiouy]", w) or re.search(r"[^aeiouy]{5,}", w))
    return odd / len(ws) >= 0.5
