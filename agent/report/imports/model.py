"""What every transcript format is parsed into, the error a malformed file raises, and the bits
the formats share: who is speaking (`Speakers`), `[id: ...]` / `[topic: ...]` / `[follow-up]`
tags, and the structure metrics of an answer's text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from agent.errors import UsageError

INTERVIEWER = frozenset({"q", "question", "interviewer", "host", "examiner"})
CANDIDATE = frozenset({"a", "answer", "candidate", "interviewee", "me", "you", "your answer"})
ASSISTANTS = frozenset({"chatgpt", "claude", "gemini", "copilot", "assistant"})
"""An AI assistant in a practice chat is the interviewer, and its 'User' the candidate."""
_ROLE_NOUN = {"interviewer": "interviewer", "candidate": "candidate", "interviewee": "candidate"}
"""The last word of a qualified role label: 'AI Interviewer', 'Lead interviewer'."""
LABEL = r"[^\W\d_][\w .'-]{0,40}?"
"""A speaker label before a colon, in any script: 'Q', 'Candidate', 'José García', '王伟'."""
_NAME_WORD = re.compile(r"[^\W_][\w.'-]*")
SLUG = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")


class TranscriptError(UsageError):
    """A transcript file cannot be imported: `file:line: problem`."""

    def __init__(self, path: Path | str, line: int, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        super().__init__(f"{path}:{line}: {problem}")


@dataclass(frozen=True)
class Speakers:
    """Who is who in a transcript: the labels above (also numbered, `Q1:` / `A1:`), plus the
    names given with `viva debrief --interviewer NAME --candidate NAME` (a video call's captions
    label people by name)."""

    interviewer: frozenset[str] = frozenset()
    candidate: frozenset[str] = frozenset()

    @classmethod
    def named(cls, interviewer: Iterable[str] = (), candidate: Iterable[str] = ()) -> Speakers:
        return cls(frozenset(map(_folded, interviewer)), frozenset(map(_folded, candidate)))

    def name_before(self, text: str) -> str | None:
        """The given name that `text` starts with, followed by words ('Fatima El Amrani Why
        do...', a table's row in a PDF), as written there; None when there is none."""
        folded = _folded(text)
        for name in sorted(self.interviewer | self.candidate, key=len, reverse=True):
            if folded.startswith(name + " "):
                return " ".join(text.split())[: len(name)]
        return None

    def role(self, label: str) -> str | None:
        """'interviewer', 'candidate' or None for a speaker label (case and spacing ignored)."""
        name = _folded(label)
        if name in self.interviewer:
            return "interviewer"
        if name in self.candidate:
            return "candidate"
        name = label_base(label)
        if name in INTERVIEWER or name in ASSISTANTS:
            return "interviewer"
        if name in CANDIDATE or name == "user":
            return "candidate"
        words = name.split()
        return _ROLE_NOUN.get(words[-1]) if 1 < len(words) <= 3 else None


def unknown_speaker(name: str) -> str:
    """What to say about a speaker label that is neither side."""
    return (
        f"unknown speaker {name!r}: say who that is with --interviewer {name!r} or "
        f"--candidate {name!r} (or label the lines Q:/A: or Interviewer:/Candidate:)"
    )


def _folded(name: str) -> str:
    return " ".join(name.split()).lower()


def looks_like_speaker(label: str | None) -> TypeGuard[str]:
    """Whether a label before a colon is written like a name ('Me', 'Sam', 'José García',
    '王伟', 'Speaker 1'): at most three words, each capitalised (or in a script without capitals,
    or a number after the first). A colon after 'for example' does not start somebody's words."""
    words = (label or "").split()
    if not 1 <= len(words) <= 3 or not all(_NAME_WORD.fullmatch(w) for w in words):
        return False
    first = [w[0] for w in words]
    return not first[0].isdigit() and all(
        c.isupper() or c.isdigit() or c.lower() == c.upper() for c in first
    )


def label_base(label: str) -> str:
    """A speaker label folded to lower case, without its turn number ('Q 2' -> 'q')."""
    return re.sub(r"\s*\d+$", "", _folded(label))


@dataclass
class ImportedTurn:
    question: str
    answer: str
    line: int
    """Line of the question in the file."""
    question_id: str | None = None
    reference: str | None = None
    follow_up: bool = False
    topic: str | None = None
    metrics: dict[str, Any] | None = None
    seconds: float | None = None


def line_span(lines: Iterable[int]) -> tuple[int, int] | None:
    """The first and last of some line numbers, in order, or None when there are none: what
    an import says it skipped."""
    numbers = list(lines)
    return (numbers[0], numbers[-1]) if numbers else None


def ends_unanswered(turns: list[ImportedTurn]) -> bool:
    """Whether the last turn is the interviewer's closing words ('Okay, let's stop there.'):
    nobody answered them, after a question somebody did answer."""
    return len(turns) > 1 and bool(turns[-2].answer) and not turns[-1].answer


@dataclass
class ParsedText:
    """What a parser read from a file: the turns, and what it left out and where."""

    turns: list[ImportedTurn]
    skipped: tuple[int, int] | None = None
    """The first and last line of what was skipped before the first question, if anything."""
    closing: int | None = None
    """The line of the interviewer's last words, left out: nobody answered them ('Okay, let's
    stop there.', 'Any questions for me?'). A last question labelled 'Q:' is kept (it scores
    0, like a question left unanswered in a session)."""
    small_talk: tuple[int, ...] = ()
    """The lines of the turns left out as small talk before the first question or after the
    last answer (conversation.tidy)."""


@dataclass(frozen=True)
class GuessedRoles:
    """Which numbered voice ('Speaker 1') an import read as the interviewer, and why
    (agent.report.imports.roles)."""

    interviewer: str
    candidate: str
    questions: int
    """How many of the interviewer's turns ask something (a '?'): the reason for the guess."""
    turns: int

    def sentence(self) -> str:
        return (
            f"Read {self.interviewer!r} as the interviewer and {self.candidate!r} as the "
            f"candidate: {self.interviewer!r} asks the questions ({self.questions} of "
            f"{self.turns} turns hold a '?'). If that is wrong, import again with "
            f"--interviewer {self.candidate!r} --candidate {self.interviewer!r}."
        )


@dataclass
class ImportedTranscript:
    path: Path
    format: str
    """text, json, srt, vtt (or audio: one recorded answer)."""
    turns: list[ImportedTurn] = field(default_factory=list)
    skipped: tuple[int, int] | None = None
    """The first and last line of what came before the first question and was skipped (a
    title, a header, a setup message), if any."""
    closing: int | None = None
    """The line of the interviewer's last words, left out because nobody answered them."""
    lines_of: str = ""
    """For a PDF or Word file, what its line numbers count: ' of the text read from the PDF'."""
    small_talk: tuple[int, ...] = ()
    """The lines of the small talk left out before the first question or after the last answer."""
    guessed_roles: GuessedRoles | None = None
    """Which numbered voice ('Speaker 1') was read as the interviewer, when the file only
    numbers its voices."""

    def notices(self) -> list[str]:
        """What the user should know of the import, in sentences: who was taken for whom when
        the file only numbers its voices, and what it left out of the file."""
        said = [self.guessed_roles.sentence()] if self.guessed_roles else []
        if self.skipped is not None:
            first, last = self.skipped
            lines = f"line {first}" if first == last else f"lines {first}-{last}"
            said.append(
                f"Skipped {lines}{self.lines_of}, before the first question (a title or "
                "header; if a question is there, label it 'Q:')."
            )
        if self.small_talk:
            lines = ", ".join(map(str, self.small_talk))
            said.append(
                f"Left out small talk at line{'s' * (len(self.small_talk) > 1)} {lines}"
                f"{self.lines_of}: no interview question was asked there."
            )
        if self.closing is not None:
            said.append(
                f"Left out the interviewer's last words (line {self.closing}{self.lines_of}): "
                "nobody answered them."
            )
        return said


_TAG = re.compile(r"\[\s*(id|topic)\s*:\s*([^\]]*?)\s*\]|\[\s*(follow[- ]?up)\s*\]", re.IGNORECASE)


def split_tags(text: str, path: Path, line: int) -> tuple[str, dict[str, Any]]:
    """`text` without its tags, and the tags: id, topic, follow_up."""
    found: dict[str, Any] = {}
    for m in _TAG.finditer(text):
        if m.group(3):
            found["follow_up"] = True
            continue
        key, value = m.group(1).lower(), m.group(2)
        if key == "id" and not SLUG.fullmatch(value):
            raise TranscriptError(
                path, line, f"invalid question id {value!r} (lowercase letters, digits and '-')"
            )
        found[key] = value
    return _TAG.sub("", text).strip(), found


def text_metrics(answer: str) -> dict[str, Any]:
    """Structure of an answer from its text alone: words, sentences, fillers, hedges (the
    filler and hedge rules of agent.speech.metrics)."""
    from agent.speech.metrics import text_metrics as speech_text_metrics

    data = speech_text_metrics(answer).model_dump(mode="json", exclude_none=True)
    for unmeasured in ("pauses", "long_pauses", "longest_pause"):  # text has no pauses
        data.pop(unmeasured, None)
    data["sentences"] = len([s for s in re.split(r"[.!?]+(?:\s|$)", answer) if s.strip()])
    return data
