"""A call's conversation tidied into interview turns.

A recorded call is not only questions and answers. Before the first question come greetings,
"can you hear me?" and the plan for the hour; after the last answer, thanks and goodbyes. Inside
an answer the interviewer says "Mm-hmm.", and the transcriber makes that a turn of its own; a
candidate asks "Do you mean training or inference?" and the interviewer's short reply looks like
the next question. Left as they are, each becomes a question of the debrief, and an interrupted
answer is graded on its first part only.

`tidy` takes the parsed turns and:
- folds an interviewer's backchannel ("Mm-hmm.", "Right.") into the answer it interrupted;
- folds a clarifying question asked back, and the interviewer's short reply, into the answer;
- leaves out the turns before the first interview question and after the last answer that ask
  nothing and are answered briefly (small talk), and everything from "Any questions for me?" on
  (the candidate's turn to ask), and says which lines it left out.

A turn tagged with a question id (`[id: ...]`) is the user's own word and is never touched.
"""

from __future__ import annotations

import re
from dataclasses import replace

from agent.report.imports.model import ImportedTurn, ParsedText, text_metrics

BACKCHANNEL = re.compile(
    r"(?:(?:m+-?hm+|uh[- ]huh|okay|ok|right|yeah|yes|yep|sure|got it|i see|cool|great|nice|"
    r"gotcha|alright|all right|makes sense|interesting|perfect|of course|no rush|go ahead|"
    r"totally|exactly|absolutely|definitely|for sure|good|very good|"
    r"take your time|go on|keep going|please continue)[\s.!,]*){1,3}",
    re.I,
)
"""What an interviewer says to keep a candidate talking, and nothing else."""

SMALL_TALK = re.compile(
    r"\b(?:hear (?:me|you)|how(?:'s| is| are| was)\s+(?:your\s+(?:day|week|weekend|morning)"
    r"|you|it going|things|the\s+(?:day|week))|how are you|nice to (?:meet|see)|"
    r"good to (?:meet|see)|thanks? (?:you )?for (?:joining|having|coming|making|taking)|"
    r"glad you|ready|recording|shall we|hello|"
    r"sounds? (?:good|ok(?:ay)?|alright|fine)|(?:does )?that work|works for you|"
    r"can you see|see my screen|any questions (?:for me|about)|questions for me|"
    r"questions about (?:the|this) (?:format|process|role)|good to go|"
    r"weather|weekend|morning|afternoon|evening|"
    r"(?:is )?my (?:audio|mic|microphone|camera|connection|video)|audio (?:okay|ok|clear|good)|"
    r"(?:sorry|apologies)(?: I'm| for)?(?: running)? (?:late|the wait|the delay|about)|"
    r"another call|echo|headphones|on mute|muted|background)\b",
    re.I,
)
"""A question asked to open or close a call, not to interview."""

YOUR_QUESTIONS = re.compile(
    r"\b(?:any|have any|got any) questions(?: for (?:me|us))?\s*\?|questions for (?:me|us)\b|"
    r"(?:anything|what) (?:do |would )?you (?:want|like|'d like) to ask (?:me|us)\b",
    re.I,
)
"""The interviewer handing over to the candidate's own questions: the interview is over."""

PROMPT = re.compile(
    r"\b(?:(?:walk|talk|take) me through|tell me (?:about|how|why|what|when|where)|explain|"
    r"describe|compare|design|give me an? |how would you|what would you|why would you|"
    r"(?:let's say|suppose|imagine) (?:you|we|your|that|there|the|a|an)\b|say (?:you|we|your)\b)",
    re.I,
)
"""An interview question put as a request ('Walk me through ...', 'Explain ...', 'Say you
have eight GPUs ...'; not a reply such as 'Training, let's say.')."""

REPEAT_REQUEST = re.compile(
    r"\b(?:(?:can|could|would) you (?:repeat|say)|repeat (?:that|it|the last)|"
    r"say (?:that|it|the last (?:part|bit))(?: one more time| again)|"
    r"you (?:cut out|froze|dropped|broke up)|(?:audio|connection|sound) (?:cut|dropped|froze)|"
    r"lost you|(?:didn't|did not|couldn't) (?:catch|hear) (?:that|the last|you)|come again)\b",
    re.I,
)
"""The interviewer asking to hear the answer again: what follows is still the same answer."""

GOODBYE = re.compile(
    r"\b(?:thanks?|thank you|bye|take care|appreciate|have a (?:good|great|nice)|cheers|"
    r"you too|see you|talk soon|no questions|i'm good|all good)\b",
    re.I,
)
"""What a candidate says to end a call."""

BRIEF_WORDS = 15
"""An answer this short to something that asks nothing is small talk ('Sounds good.')."""
CHAT_WORDS = 40
"""Before the first question, an answer this short to small talk ('can you hear me?', 'how's
your week?') is small talk too, however it rambles ('Hi, yes, sorry, there's an echo...')."""
CLARIFY_WORDS = 25
"""A candidate's question back is at most this long; the interviewer's reply to it too."""


def tidy(parsed: ParsedText) -> ParsedText:
    """The turns with backchannels and clarifications folded into their answers and the small
    talk at either end left out (its lines in `small_talk`). Unchanged when nothing would be
    left."""
    turns = _fold_clarifications(_fold_backchannels(list(parsed.turns)))
    handover = next(
        (i for i, t in enumerate(turns) if i > 0 and YOUR_QUESTIONS.search(t.question)),
        len(turns),
    )  # what follows 'Any questions for me?' is the candidate's turn to ask
    if any(_pinned(t) for t in turns[handover:]):
        handover = len(turns)
    turns, after = turns[:handover], turns[handover:]
    first = 0
    while first < len(turns) and _small_talk(turns[first], opening=True):
        first += 1
    last = len(turns)
    while last > first + 1 and _small_talk(turns[last - 1], opening=False):
        last -= 1
    kept = turns[first:last]
    if not kept:
        return parsed
    left_out = tuple(t.line for t in turns[:first] + turns[last:] + after)
    return replace(parsed, turns=kept, small_talk=parsed.small_talk + left_out)


def asks(question: str) -> bool:
    """Whether the interviewer's words put an interview question: a sentence that asks (not
    'can you hear me?') or a request ('Walk me through ...')."""
    return bool(_asking(question))


def _asking(question: str) -> list[str]:
    return [
        sentence
        for sentence in re.split(r"(?<=[.!?])\s+", question.strip())
        if (sentence.endswith("?") and not SMALL_TALK.search(sentence)) or PROMPT.search(sentence)
    ]


def _interrupts(question: str) -> bool:
    """A backchannel, or a request to hear the answer again that asks nothing else."""
    if BACKCHANNEL.fullmatch(question):
        return True
    return bool(REPEAT_REQUEST.search(question)) and all(
        REPEAT_REQUEST.search(sentence) for sentence in _asking(question)
    )


def _words(text: str) -> int:
    return len(text.split())


def _pinned(turn: ImportedTurn) -> bool:
    return turn.question_id is not None


def _small_talk(turn: ImportedTurn, *, opening: bool) -> bool:
    if _pinned(turn) or asks(turn.question):
        return False
    words = _words(turn.answer)
    if opening:
        chat = SMALL_TALK.search(turn.question) is not None
        return words <= (CHAT_WORDS if chat else BRIEF_WORDS)
    return words <= BRIEF_WORDS and (not turn.answer or bool(GOODBYE.search(turn.answer)))


def _fold_backchannels(turns: list[ImportedTurn]) -> list[ImportedTurn]:
    """Backchannels and requests to say it again join the answer they interrupt."""
    out: list[ImportedTurn] = []
    for turn in turns:
        if out and out[-1].answer and not _pinned(turn) and _interrupts(turn.question):
            out[-1] = _joined(out[-1], turn)
        else:
            out.append(turn)
    return out


def _fold_clarifications(turns: list[ImportedTurn]) -> list[ImportedTurn]:
    out: list[ImportedTurn] = []
    for turn in turns:
        before = out[-1] if out else None
        if (
            before is not None
            and not _pinned(turn)
            and before.answer.rstrip().endswith("?")
            and _words(before.answer) <= CLARIFY_WORDS
            and _words(turn.question) <= CLARIFY_WORDS
            and not any(sentence.endswith("?") for sentence in _asking(turn.question))
        ):
            out[-1] = _joined(before, turn)
        else:
            out.append(turn)
    return out


def _joined(turn: ImportedTurn, more: ImportedTurn) -> ImportedTurn:
    """`turn` with the candidate's words of `more` added to its answer (and its time)."""
    if not more.answer.strip():
        return turn  # an interjection nobody answered: nothing to add
    answer = " ".join(part for part in (turn.answer, more.answer) if part)
    if turn.seconds is None or more.seconds is None:
        return replace(turn, answer=answer, seconds=None, metrics=None)
    seconds = turn.seconds + more.seconds
    first, second = turn.metrics or {}, more.metrics or {}
    metrics = text_metrics(answer)
    speaking = (first.get("speaking_time") or 0) + (second.get("speaking_time") or 0)
    if speaking:
        metrics["speaking_time"] = round(speaking, 2)
    if (speaking or seconds) > 0:
        metrics["words_per_minute"] = round(metrics["words"] / ((speaking or seconds) / 60), 1)
    if "time_to_first_word" in first:
        metrics["time_to_first_word"] = first["time_to_first_word"]
    pauses = (first.get("long_pauses") or 0) + (second.get("long_pauses") or 0)
    if "long_pauses" in first or "long_pauses" in second:
        metrics["long_pauses"] = pauses
    longest = [m["longest_pause"] for m in (first, second) if m.get("longest_pause")]
    if longest:
        metrics["longest_pause"] = max(longest)
    return replace(turn, answer=answer, seconds=round(seconds, 2), metrics=metrics)
