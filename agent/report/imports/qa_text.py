"""Plain-text transcripts: `Q:`/`A:` blocks, and the labels and layouts people use.

Labels: Question/Answer, Interviewer/Candidate, Me, numbered `Q1:`/`A1:`, names given as
`Speakers`, and R:/Reference: for a reference answer, with optional tags before or on a question
line. The layouts exports write them in (bold, times, header lines, chat copies) are read by
`layouts.read_line`. What comes before the first question (a title, a date, attendees, a
header's fields, 'Interviewer: Chris' among them, a setup message) is skipped, and the
transcript says which lines (`ImportedTranscript.skipped`). Text under a heading that follows an
answer ('## Takeaways') is notes, not the answer. A recording's times time each answer (its
duration and pace, `WPM_RANGE`), from the candidate's first words to the next speaker.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from agent.report.imports.layouts import Line, lone_name, read_lines
from agent.report.imports.model import (
    ImportedTurn,
    ParsedText,
    Speakers,
    TranscriptError,
    ends_unanswered,
    label_base,
    line_span,
    looks_like_speaker,
    split_tags,
    text_metrics,
    unknown_speaker,
)
from agent.report.imports.notes import parse_notes

_REFERENCE = {"r", "reference"}
_ROLE_NOUNS = {"interviewer", "host", "examiner"}
"""Interviewer labels that a header also uses as a field name ('Interviewer: Chris')."""
_BOTH_SIDES = re.compile(r"\b(?:candidate|interviewee)\s*:", re.IGNORECASE)
"""A header field naming the other side too: 'Interviewer: Elena | Candidate: Jonah'."""
_TRANSCRIPT = re.compile(r"^\s*#*\s*(?:transcript|full transcript)\s*:?\s*$", re.IGNORECASE)
"""A tool's 'Transcript' heading: what comes before it (title, summary, action items) is the
tool's, not anybody's words."""
_QUESTION_ONLY = {"q", "question"}
"""Labels that start a new question after another unanswered `Q:`; an interviewer saying two
things in a row is otherwise one question ('Question 1:' inside a chat message is its text)."""


class _Turns:
    """The turns being assembled, line by line."""

    def __init__(self, path: Path):
        self.path = path
        self.turns: list[ImportedTurn] = []
        self.buffers: dict[str, list[str]] = {}
        self.part: str | None = None  # q, a or r: what continuation lines extend
        self.asked_by: str = ""  # the label base of the question's first line
        self.stray: tuple[int, str] | None = None  # a name in the question: who may have answered
        self.answer_from: float | None = None  # when the candidate began, by the file's times
        self.answer_to: float | None = None  # when they stopped, or the next speaker began

    def close(self) -> None:
        if not self.turns:
            return
        current = self.turns[-1]
        current.question = "\n".join(self.buffers.get("q", [])).strip()
        current.answer = "\n".join(self.buffers.get("a", [])).strip()
        current.reference = "\n".join(self.buffers.get("r", [])).strip() or None
        if self.answer_from is not None and self.answer_to is not None and current.answer:
            _time(current, self.answer_to - self.answer_from)
        if not current.question:
            raise TranscriptError(self.path, current.line, "empty question after 'Q:'")
        if not current.answer and self.stray is not None and not self.answered():
            # 'Interviewer: ...' then 'Sam: ...': the answer would silently join the question
            # (once the candidate has answered under a known name, 'Strengths:' is not them)
            raise TranscriptError(self.path, self.stray[0], unknown_speaker(self.stray[1]))

    def answered(self) -> bool:
        """Whether a turn before the current one has an answer."""
        return any(t.answer for t in self.turns[:-1])

    def ask(self, n: int, label: str, text: str, tags: dict[str, Any]) -> None:
        self.close()
        self.turns.append(
            ImportedTurn(
                question="",
                answer="",
                line=n,
                question_id=tags.get("id"),
                follow_up=bool(tags.get("follow_up")),
                topic=tags.get("topic") or None,
            )
        )
        self.buffers = {"q": [text]}
        self.part, self.asked_by, self.stray = "q", label_base(label), None
        self.answer_from = self.answer_to = None

    def heard(self, role: str, at: float | None, until: float | None) -> None:
        """A speaker's line with the time the file gives it: the answer's span of time."""
        if at is None or not self.turns:
            return
        if role == "candidate":
            if self.answer_from is None:
                self.answer_from = at
            self.answer_to = until  # unknown until the next speaker, unless a span says
        elif self.answer_from is not None and self.answer_to is None:
            self.answer_to = at

    def asks_again(self, label: str) -> bool:
        """Whether an interviewer's line continues the unanswered question before it: yes, but
        for a 'Q:' (it starts a question) other than a numbered 'Question 1:' inside a message
        of a named interviewer (a chat assistant numbers its questions)."""
        if self.part != "q":
            return False
        if label_base(label) not in _QUESTION_ONLY:
            return True
        numbered = label.strip()[-1:].isdigit()  # 'Question 1', not 'Q'
        return numbered and self.asked_by not in _QUESTION_ONLY

    def add(self, part: str, text: str, *, speaks_again: bool = False) -> None:
        if speaks_again and part == "a" and self.buffers.get("a"):
            self.buffers["a"].append("")  # the candidate again: a new paragraph
        self.buffers.setdefault(part, []).append(text)
        self.part = part


def parse_text(text: str, path: Path, speakers: Speakers | None = None) -> ParsedText:
    """The turns of a plain-text transcript (see the module's docstring)."""
    speakers = speakers or Speakers()
    turns = _Turns(path)
    pending: dict[str, Any] = {}
    pending_line = 0
    skipped: list[int] = []
    unplaced: dict[str, list[int]] = {}  # names before the first question, and their lines

    raws = text.split("\n")
    lines = read_lines(raws, speakers)
    start = next((i + 1 for i, raw in enumerate(raws) if _TRANSCRIPT.match(raw)), 0)
    if not any(line.kind == "speaker" for line in lines[start:]):
        start = 0  # a 'Transcript' line with nobody speaking after it is no heading
    skipped += [n for n, raw in enumerate(raws[:start], 1) if raw.strip()]  # a tool's summary
    title = next((raw.strip() for raw in raws if raw.strip()), "")
    notes = False  # under a heading after an answer: notes, not anybody's words
    clock: tuple[float | None, float | None] = (None, None)
    for n, (raw, line) in enumerate(zip(raws, lines, strict=True), 1):
        if n <= start:
            continue
        if line.kind in ("skip", "break"):
            notes = notes or (line.kind == "break" and turns.part in ("a", "q"))
            if line.at is not None:  # a time on its own line: the next speaker's
                clock = (line.at, line.until)
            continue
        role = _role(line.label, speakers)
        if role is not None:
            notes = False
        elif notes or (turns.part is not None and raw.strip() == title):
            continue  # notes, or the title again as a page's running header
        if role == "interviewer" and turns.part is None and _in_a_header(lines, n - 1, speakers):
            skipped.append(n)  # 'Interviewer: Chris' among 'Date: ...' and 'Format: ...'
            continue
        if role is None:
            words = line.text if line.kind == "text" else raw.rstrip()  # an unplaced name: all
            if turns.part is None:  # before the first question: a title, a header, tags
                rest, tags = split_tags(words, path, n)
                if not rest and tags:  # a tag line before a question
                    pending.update(tags)
                    pending_line = n
                elif words.strip():
                    skipped.append(n)
                    if looks_like_speaker(line.label):
                        unplaced.setdefault(line.label, []).append(n)
                continue
            turns.add(turns.part, words)
            if turns.part == "q" and turns.stray is None and looks_like_speaker(line.label):
                turns.stray = (n, line.label)
            continue
        assert line.label is not None
        turns.heard(role, *((line.at, line.until) if line.timed else clock))
        clock = (None, None)
        if role == "interviewer":
            if turns.turns and turns.asks_again(line.label):
                label = line.label if label_base(line.label) in _QUESTION_ONLY else None
                turns.add("q", f"{label}: {line.text}" if label else line.text)
                continue
            rest, tags = split_tags(line.text, path, n)
            turns.ask(n, line.label, rest, {**pending, **tags})
            pending = {}
        elif turns.part is None:  # an answer or a reference before any question
            skipped.append(n)
        else:
            turns.add("a" if role == "candidate" else "r", line.text, speaks_again=True)
    turns.close()
    if not turns.turns:
        return _without_questions(raws, path, speakers, lines, unplaced, pending_line or None)
    if not any(t.answer for t in turns.turns):  # only the questions are labelled
        if (labelless := parse_notes(raws, lines, path)).turns:
            return labelless  # a table's 'Question' heading, then numbered rows
        for turn in turns.turns:
            _answer_below(turn)
    first_question = turns.turns[0].line
    closing = None
    if ends_unanswered(turns.turns) and turns.asked_by not in _QUESTION_ONLY:
        closing = turns.turns.pop().line  # a last 'Q:' the writer marked stays a question
    return ParsedText(turns.turns, line_span(n for n in skipped if n < first_question), closing)


def _answer_below(turn: ImportedTurn) -> None:
    """A question block whose answer stands under it with no label ('Question' callouts in
    notes): the question runs to its first line that asks, the answer is the rest."""
    said = turn.question.split("\n")
    asks = next((k for k, line in enumerate(said) if line.rstrip().endswith("?")), 0)
    turn.question = "\n".join(said[: asks + 1]).strip()
    turn.answer = "\n".join(said[asks + 1 :]).strip()


def _without_questions(
    raws: list[str],
    path: Path,
    speakers: Speakers,
    lines: list[Line],
    unplaced: dict[str, list[int]],
    tag_line: int | None,
) -> ParsedText:
    """A file in which no labelled question was found: notes with numbered questions, or an
    error that says why (a name nobody placed, a tag with no question, no labels at all)."""
    if not unplaced and (notes := parse_notes(raws, lines, path)).turns:
        return notes
    if who := _likeliest_speaker(unplaced, raws, lines, speakers):
        raise TranscriptError(path, who[0], unknown_speaker(who[1]))
    if tag_line is not None:
        raise TranscriptError(path, tag_line, "a tag with no question after it")
    raise TranscriptError(
        path,
        1,
        "no questions found: start each question with 'Q:' and each answer with 'A:', or, "
        "if the transcript names people, say who is who with --interviewer NAME and "
        "--candidate NAME (see docs/transcript-formats.md)",
    )


WPM_RANGE = (40.0, 350.0)
"""Words per minute a spoken answer can have: outside it the file's times are not the
answer's (a time that marks something else, an answer cut out of the recording)."""


def _time(turn: ImportedTurn, seconds: float) -> None:
    """An answer's delivery from the file's times: its duration and pace (with its fillers and
    hedges, counted from the text), when the pace is one a speaker can have."""
    if seconds <= 0:
        return
    metrics = text_metrics(turn.answer)
    pace = metrics["words"] / (seconds / 60)
    if WPM_RANGE[0] <= pace <= WPM_RANGE[1]:
        turn.seconds = round(seconds, 2)
        turn.metrics = {**metrics, "words_per_minute": round(pace, 1)}


def _likeliest_speaker(
    unplaced: dict[str, list[int]], raws: list[str], lines: list[Line], speakers: Speakers
) -> tuple[int, str] | None:
    """The name nobody placed that most looks like a speaker, with its first line: the one that
    starts the most lines, as a label ('Rachel Kim: ...', '0:07 - Omar') or alone on its line (a
    copied call transcript's header), rather than a header field said once ('Date:')."""
    names = {name: list(at) for name, at in unplaced.items()}
    for n, (raw, line) in enumerate(zip(raws, lines, strict=True), 1):
        if line.kind == "text" and (name := lone_name(raw, speakers)) is not None:
            names.setdefault(name, []).append(n)
    if not names:
        return None
    name, at = max(names.items(), key=lambda item: (len(item[1]), -min(item[1])))
    return min(at), name


HEADER_VALUE_WORDS = 8
"""A header field's value is a name, perhaps with a title ('Chris Wong, Staff Engineer at
Acme'): more words than this are somebody speaking."""


def _in_a_header(lines: list[Line], i: int, speakers: Speakers) -> bool:
    """Whether the interviewer's line `i` is a field of a header ('Interviewer: Chris' next to
    'Date: ...'): its label is a role noun, it has a value that asks nothing, and a line beside
    it, blank lines aside, starts with a name-like label nobody speaks as."""
    value = lines[i].text.strip()
    if label_base(lines[i].label or "") not in _ROLE_NOUNS or not value or value.endswith("?"):
        return False  # 'Q:' or a name speaking, a header line ('## Interviewer'), a question
    if len(value.split()) > HEADER_VALUE_WORDS:
        return False  # 'Interviewer: Explain the stages of training a chat model.'
    if _BOTH_SIDES.search(value):
        return True  # 'Interviewer: Elena P. | Candidate: Jonah R.'
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and lines[j].kind == "text" and not lines[j].text.strip():
            j += step
        beside = lines[j] if 0 <= j < len(lines) else None
        if beside is not None and beside.kind == "speaker" and looks_like_speaker(beside.label):
            if _role(beside.label, speakers) is None:
                return True
    return False


def _role(label: str | None, speakers: Speakers) -> str | None:
    """'interviewer', 'candidate', 'reference' or None (not a label: the line continues)."""
    if label is None:
        return None
    if label_base(label) in _REFERENCE:
        return "reference"
    return speakers.role(label)
