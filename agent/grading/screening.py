"""Screening an answer before it is judged: text addressed to the grader (set aside, never
credited), non-answers ('can you repeat that', 'I don't know'), and sentences that report a
claim in order to reject it ('it's a myth that ...')."""

from __future__ import annotations

import re

from agent.grading import text as tx
from agent.grading.lexical import LexSentence
from agent.grading.vocab import GENERIC

_INJECTION_PATTERNS = [
    r"(?im)^[ \t>*#-]*(?:system|assistant|developer|grader|evaluator)\s*:.*$",
    r"(?i)</\s*[a-z_ -]{0,30}\s*>.*$",
    r"(?i)<\s*(?:system|instructions?|rubric|grader|assistant|user|candidate_answer|answer)\s*>",
    r"(?i)<\|[a-z_]+\|>|\[/?inst\]|###\s*(?:instruction|system)",
    r"(?i)\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(?:instructions?|rubrics?|rules|criteria|criterion|prompts?|guidelines?|grading)\b",
    r"(?i)\b(?:ignore|disregard|forget)\s+(?:everything|all(?: of)?(?: the)?|anything)\s+(?:above|before|previous|prior|else)\b",
    r"(?i)\b(?:give|award|assign|grant|mark|rate|score|grade)\b[^.!?\n]{0,30}\b(?:full|maximum|max|perfect|top|highest)\b[^.!?\n]{0,15}\b(?:marks?|score|points?|credit|grade|rating)",
    r"(?i)\b(?:give|award|assign|grant|score|grade|rate|mark|set)\s+(?:(?:me|this|it|us|the|my|that|every|each|all)\s+)?"
    r"(?:(?:answer|response|candidate|one|criterion|criteria|question)\s+)?(?:(?:a|an|as|at|with|to)\s+)?"
    r"(?<![\w.-])(?:4|four|10|ten|100)\b(?:\s*/\s*(?:4|10|100)|\s+out of \w+|\s+points?|\s+marks?)?"
    r"\s*(?:(?:on|for|across|in) (?:every|all|each) \w+\s*)?(?:[.!]|$)",
    r"(?i)\b(?:you are|act as|pretend to be|as) (?:now )?(?:the|a|an) (?:\w+ )?(?:grader|evaluator|examiner|scorer)\b",
    r"(?i)\b(?:dear|hey|hi|attention|note to(?: the)?) (?:ai |llm |automated )?(?:grader|evaluator|examiner|scorer)\b",
    r"(?i)\bnew instructions?\b|\bthe grader (?:must|should|will)\b|\b(?:candidate|answer) (?:deserves|gets|should get) (?:full|a perfect|the maximum)",
]


_INJECTION_RES = [re.compile(p) for p in _INJECTION_PATTERNS]


_NOT_AN_ANSWER_RES = [
    re.compile(p, re.I)
    for p in [
        r"\b(?:can|could|would) you (?:please )?(?:repeat|rephrase|say that again|clarify)",
        r"\brepeat the question\b|\bsay (?:that|it) again\b|\bwhat was the question\b",
        r"\bi (?:do not|don'?t|dunno|have no) (?:really )?(?:know|idea|remember|recall)\b|\bno idea\b|\bdunno\b",
        r"\bi(?:'m| am) not (?:really )?sure\b|\bi(?:'m| am) (?:not familiar|unfamiliar)\b",
        r"\b(?:pass|skip|next question)\b",
        r"\bsorry\b|\bpardon\b",
    ]
]


def injection_spans(answer: str) -> list[tuple[int, int]]:
    """Character spans of text addressed to the grader instead of the interviewer."""
    spans: list[tuple[int, int]] = []
    for rx in _INJECTION_RES:
        spans.extend((m.start(), m.end()) for m in rx.finditer(answer) if m.end() > m.start())
    return sorted(spans)


_DENIAL_AFTER = re.compile(
    r"\b(?:not|n't|never)\s+(?:\w+\s+){0,2}(?:true|correct|right|accurate|the case|so|really|quite|necessarily|guaranteed|always)\b"
    r"|\b(?:myth|misconception|fallacy|wrong|incorrect|false|untrue|mistaken|misleading)\b"
    r"|\b(?:people|some|many|folks|beginners|newcomers)\s+(?:often\s+|sometimes\s+|wrongly\s+|mistakenly\s+)?(?:think|believe|assume|say|claim)\b"
    r"|\b(?:common|popular|widespread|naive)\s+(?:belief|assumption|mistake|view|intuition)\b"
    r"|\btempting to (?:think|say|assume|believe)\b|\b(?:one|you) (?:might|may|could) (?:think|assume|expect)\b"
    r"|\b(?:is|are) (?:often|commonly|sometimes) (?:said|assumed|claimed|thought|believed)\b",
    re.I,
)


_SHORT_DENIAL = re.compile(
    r"^\s*(?:no|nope|not really|not at all|not true|wrong|false|that'?s (?:not|wrong|false|a myth))\b",
    re.I,
)


def sentence_denies(sents: list[LexSentence], i: int) -> bool:
    """True when sentence i rejects what it reports ('it's a myth that ...', '... not true')."""
    if _DENIAL_AFTER.search(sents[i].text):
        return True
    if i + 1 < len(sents):
        nxt = sents[i + 1]
        if len([t for t in nxt.sentence.tokens if not t.filler]) <= 6 and _SHORT_DENIAL.search(
            nxt.text
        ):
            return True
    return False


def status_check(answer: str, sents: list[LexSentence], had_injection: bool) -> str | None:
    content = [
        t
        for s in sents
        for t in s.sentence.tokens
        if not t.filler and t.text not in tx.FUNCTION_WORDS
    ]
    if not content:
        if had_injection:
            return "not_an_answer"
        return "empty"
    if all(t.denied for t in content):
        return "not_an_answer"  # only "I don't know what X is" / "never heard of Y"
    kept_text = tx.normalize_chars(" ".join(s.text for s in sents))
    if any(rx.search(kept_text) for rx in _NOT_AN_ANSWER_RES):
        # "I don't know" with a real attempt after it is still an answer
        stripped = kept_text
        for rx in _NOT_AN_ANSWER_RES:
            stripped = rx.sub(" ", stripped)
        rest = [w for w in tx.content_stems(stripped) if w not in GENERIC]
        if len(rest) < 4:
            return "not_an_answer"
    return None
