"""Who is who when a transcriber could only number the voices ('Speaker 1', 'SPEAKER_00').

A diarizing transcriber (Otter or Rev without voice names, WhisperX, a call's captions) labels
the two people of a practice interview by number. When the user named nobody and exactly two
such labels open lines, both ways round are tried: the interviewer is the side whose words ask
the questions. The import then says which way it read them, so a wrong guess is one flag away.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agent.report.imports.model import GuessedRoles, ParsedText, Speakers, TranscriptError

NUMBERED_VOICE = re.compile(
    r"^[\s\d:.,\[\]()>*#-]*(?:<v\s+|\[|\()?((?:speaker|spk)[ _-]?(?:\d{1,2}|[a-z]))\b",
    re.I | re.M,
)
"""A numbered voice at the start of a line, after a time or a bracket: 'Speaker 1 (00:00):',
'[SPEAKER_01]:', '(speaker 0)', '00:01:02 Speaker A', '**Speaker 2:**', '<v Speaker 1>'."""


def numbered_voices(text: str) -> list[str]:
    """The distinct numbered voices that open lines, as first written, in order."""
    seen: dict[str, str] = {}
    for match in NUMBERED_VOICE.finditer(text):
        label = match.group(1)
        seen.setdefault(" ".join(label.lower().replace("_", " ").split()), label)
    return list(seen.values())


def guess_roles(
    text: str, parse: Callable[[Speakers], ParsedText]
) -> tuple[ParsedText, GuessedRoles] | None:
    """The transcript read with its two numbered voices the way round in which the interviewer
    asks more questions than the candidate (the first voice as the interviewer on a tie); None
    when there are not exactly two, or neither way reads."""
    voices = numbered_voices(text)
    if len(voices) != 2:
        return None
    best: tuple[int, ParsedText, GuessedRoles] | None = None
    for interviewer, candidate in (voices, voices[::-1]):
        try:
            parsed = parse(Speakers.named([interviewer], [candidate]))
        except TranscriptError:
            continue
        if not parsed.turns:
            continue
        asked = sum(1 for t in parsed.turns if "?" in t.question)
        answered_with_questions = sum(1 for t in parsed.turns if "?" in t.answer)
        score = asked - answered_with_questions
        if best is None or score > best[0]:
            guess = GuessedRoles(interviewer, candidate, asked, len(parsed.turns))
            best = (score, parsed, guess)
    return (best[1], best[2]) if best is not None else None
