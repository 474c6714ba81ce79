"""Who speaks on a line of a plain-text transcript, in the layouts tools and people use.

`Label: text` is the plain layout. Exports write the speaker in other ways, read here as the
same thing:

- in bold or italics: `**Interviewer:** ...`, `**Me**: ...` (notes, chat exports);
- after a time, or before one: `[00:01:23] Priya: ...`, `00:01:23 - Q: ...`,
  `Priya: [00:01:23] ...`;
- a call's chat: `10:31:02 From Hannah Berg to Everyone:`, the message on the lines below;
- a diarizing transcriber's output: `[SPEAKER_01]: ...`, `[00:00.000 --> 00:04.000]  (speaker 0) ...`;
- a messaging app's export or copy: `14/03/2024, 21:14 - Anya: ...`, `[3/14/2024 9:02 AM] Keller,
  Anna: ...`;
- a practice site's report: `Question 1 of 3` (the question below), `Your answer · 1:04`;
- a chat copied from a browser: `You said:`, `ChatGPT said:`;
- a Markdown heading that is only a known speaker: `## Interviewer`, `## Prompt:` (any other
  heading, like a `#` comment, is skipped);
- a header line, the words on the lines below: a name and a time (`Priya Raman  0:02`,
  `Jordan Ellis - 00:00`, `[Priya Raman] 10:02:33`, `Speaker 1 (00:00):`, `Dana  10:32 AM`,
  `kira — 03/12/2024 10:42 PM`), or a
  known speaker's name or label alone (`Lena Fischer`, then a time on the next line);
- a name with the affiliation a call tool adds: `Laura Kim (Kestrel Labs)`, `Sam (Guest)`.

Times and spans of time on lines of their own (`0:0:0.0 --> 0:0:8.88`), and a call tool's own
notices ('Lena started transcription', 'Transcribed by ...', 'Meeting ended after ...', 'This
transcript was computer generated ...'), are
nobody's words and are skipped; headings and rules (`---`) are breaks (text under one after an
answer is notes, see qa_text). A time goes only where a speaker follows it: '3:00 is when the
job died' stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from agent.report.imports.model import LABEL, Speakers, looks_like_speaker

_CLOCK = r"\d{1,2}(?::\d{1,2}){1,3}(?:[.,]\d{1,3})?(?:\s?[AaPp]\.?[Mm]\.?)?"
_DATE = r"(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?|(?:today|yesterday)\s+at)\s+"
_STAMP = rf"[\[(]?(?:{_DATE})?{_CLOCK}[\])]?"
TIME = rf"{_STAMP}(?:\s*(?:-->|-|\u2013|to)\s*{_STAMP})?"
"""A time or a span of time as transcripts write it: '0:02', '00:01:23', '[12:04]',
'(1:02:03.5)', '10:32 AM', '0:1:0.1', '00:00:11:14' (a video editor's frames), '14/03/2024,
21:14' and '[3/14/2024 9:02 AM]' (a chat's messages), 'Today at 9:20 PM', '0:0:0.0 -->
0:0:8.88'."""
_CLOCK_RE = re.compile(r"\d{1,2}(?::\d{1,2}){1,3}(?:[.,]\d{1,3})?")
_WALL_CLOCK = re.compile(r"[AaPp]\.?[Mm]\b|today|yesterday|\d[/.-]\d{1,2}[/.-]\d", re.IGNORECASE)
_TIME_SEARCH = re.compile(TIME, re.IGNORECASE)
_SEP = r"\s*(?:[-|\u2013\u2014\u00b7]\s*)?"
"""Between a time and a speaker, or a speaker and a time: spaces, maybe a dash, a bar or a dot."""
_TIME_ONLY = re.compile(rf"^\s*{TIME}\s*$", re.IGNORECASE)
_RULE = re.compile(r"^\s*([-*_=\u2500\u2501\u2014])(?:\s*\1){2,}\s*$")
"""A horizontal rule: '---', '***', '___', '────'."""
_NTH_QUESTION = re.compile(r"^(Q(?:uestion)?\s*\d{1,2})\s*(?:of|/)\s*\d{1,2}\b.*$", re.IGNORECASE)
"""'Question 1 of 3', 'Q2 of 5 · Technical': a practice site's report starts a question."""
_TIME_AFTER_LABEL = re.compile(rf"^\s*(?:\[{_CLOCK}\]|\({_CLOCK}\))\s*")
"""A bracketed time opening a speaker's words: 'Name: [00:00:12] text'."""
_AFFILIATION = re.compile(r"\s*\([^()]{1,40}\)\s*$")
"""What a call tool writes after a name: 'Laura Kim (Kestrel Labs)', 'Sam (Guest)'."""
_TIME_FIRST = re.compile(rf"^\s*{TIME}{_SEP}(?=\S)", re.IGNORECASE)
"""A time with something after it: a speaker, or (when none follows) just text."""
_HEADING = re.compile(r"^\s*#+\s*(.*)$")
_PLAIN_HEADING = re.compile(r"^\s*(?:[A-Z][\w'/&-]*(?:[ \t]+[\w'/&-]+){0,3}|[a-z]+)\s*$")
"""A line of one to four words with no sentence mark, as a PDF prints a heading (or one word
in lower case: 'todo')."""
LIST_MARK = re.compile(r"^[-*\u2022\u00b7\u25aa\u2013\u25cb\u25e6\u2610]\s+")
"""A list item's mark: '- ...', '• ...', '○ ...' (notes, a Word list, a checklist); a label may
follow it ('- Interviewer: ...')."""
_WHO = rf"{LABEL}(?:,\s*{LABEL})?(?:\s*\([^()]{{1,40}}\))?"
"""A speaker label ('Keller, Anna' too), maybe with an affiliation after it."""
_PLAIN = re.compile(rf"^\s*({_WHO})\s*:\s?(.*)$")
"""'Label: text', the plain layout."""
_BRACKETED = re.compile(rf"^\s*\[({_WHO})\]\s*:\s?(.*)$")
"""'[SPEAKER_01]: text', a diarizing transcriber's output."""
_EMPHASIS = re.compile(rf"^\s*([*_]{{1,2}})({LABEL})(\s*:)?\1(?(3)|\s*:)\s?(.*)$")
"""'**Label:** text', '**Label**: text', '_Label:_ text'."""
_BOLD_NAME = re.compile(rf"^([*_]{{1,2}})({_WHO})\1(?=\s|$)")
"""A name in bold opening a header line: '**Hannah Schmidt** (0:05)', a Markdown export."""
_CHAT = re.compile(rf"^From\s+({LABEL})\s+to\s+[^:]{{1,60}}:\s?(.*)$")
"""'From Name to Everyone:' (after its time), a call's chat."""
_SAID = re.compile(rf"^({LABEL})\s+said\s*:\s?(.*)$")
"""'You said:', 'ChatGPT said:', a chat with an assistant copied from the browser."""
_HEADER = re.compile(rf"^\[?({_WHO})\]?,?{_SEP}{TIME}\s*(?::\s?(.*))?$", re.IGNORECASE)
"""A speaker and a time, the words mostly on the lines below: 'Priya Raman  0:02',
'[Priya Raman] 10:02:33', 'Speaker 1 (00:00):', 'Jordan - 00:00',
'kira — 03/12/2024 10:42 PM', 'Mateo, [15.03.2024 19:02]'."""
_NAME_TIME_WORDS = re.compile(rf"^({_WHO}){_SEP}{TIME}\s+(\S.*)$", re.IGNORECASE)
"""A known speaker, a time and the words on one line: 'Anika Sharma 0:02 Hi Leo...' (a
table's row in a PDF's text)."""
_NUMBERED_SPEAKER = re.compile(r"^\((speaker\s*\d{1,2})\)\s*(.*)$", re.IGNORECASE)
"""'(speaker 0) text', a diarizing transcriber's console output."""
_NOTICE = re.compile(
    r"^\s*(?:(?:\S+\s+){1,4}(?:started|stopped|ended)\s+(?:the\s+)?(?:transcription|recording)"
    r"|transcri(?:bed|pt)\s+by\s+\S.*|meeting\s+ended\s+after\s+.*|powered\s+by\s+\S.*"
    r"|page\s+\d+\s+of\s+\d+"
    r"|\S+\s+can\s+make\s+mistakes\..*"
    r"|this\s+(?:editable\s+)?transcript\s+was\s+(?:computer|machine|automatically)[ -]generated.*)\s*$",
    re.IGNORECASE,
)
"""A call or chat tool's own notice on a line of its own."""
_EDITED = re.compile(r"\s+\(edited\)\s*$")
"""A chat's mark on a message changed after it was sent."""
_SOUND = re.compile(
    r"\s*[\[(](?:laughs?|laughter|laughing|chuckles?|crosstalk|inaudible|indiscernible|silence|"
    r"pause|music|applause|coughs?|sighs?|noise|background noise)(?:\s+[\d:.,]+)?[\])]",
    re.IGNORECASE,
)
"""A transcriber's note of a sound, not words: '[laughs]', '[crosstalk]', '[inaudible 00:01:02]'."""
NUMBERED = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:Q(?:uestion)?\s*)?\d{1,2}\s*[.):]\s+(?:(\*\*|__)(.+?)\1|(.+\?))\s*$",
    re.IGNORECASE,
)
"""A numbered question in notes with no speaker labels: '1. What is dropout?', '2. **Explain
self-attention.**', '### 3. Why layer norm?' (a question mark, or the whole item in bold)."""


@dataclass(frozen=True)
class Line:
    """One line of a transcript: a speaker's words begin (`label` and the `text` after it),
    text that continues whoever spoke last (or, before anyone spoke, a title or header), or a
    line that is nobody's words (skipped)."""

    kind: Literal["speaker", "text", "skip", "break"]
    """`break`: a heading or a rule, nobody's words; text under it after an answer is notes."""
    text: str
    label: str | None = None
    at: float | None = None
    """Seconds into the recording the line's time gives (a speaker's line, or a time on a line
    of its own), when it is a recording's time and not a chat's clock."""
    until: float | None = None
    """The end of the line's span of time ('0:0:0.0 --> 0:0:8.88'), if it gives one."""
    timed: bool = False
    """The line gives a time of any kind (a chat's '10:32 AM' too)."""


def read_lines(raws: list[str], speakers: Speakers) -> list[Line]:
    """What each line is (`read_line`). A short line above a list is a heading ('To improve',
    as a PDF prints one), and so is 'Q2 · Warmup' above a speaker; a number above a time span
    is a caption's, skipped. A notice that runs on to the next line (a PDF wraps long lines) is
    skipped whole: its next line, when the sentence goes on in lower case."""
    lines = [read_line(raw.rstrip(), speakers) for raw in raws]
    for i, after in enumerate(_next_with_text(raws)):
        if lines[i].kind != "text" or after is None:
            continue
        if _PLAIN_HEADING.match(raws[i]) and LIST_MARK.match(raws[after].strip()):
            lines[i] = Line("break", "")  # 'To improve' above a list: a heading, as PDFs print
        elif _TOPIC.match(raws[i]) and lines[after].kind == "speaker":
            lines[i] = Line("break", "")  # 'Q2 · Warmup' above the question: a note's heading
        elif raws[i].strip().isdigit() and lines[after].kind == "skip" and lines[after].timed:
            lines[i] = Line("skip", "")  # a caption's number above its time span
    runs_on = False
    for i, raw in enumerate(raws):
        text = raw.strip()
        if runs_on and lines[i].kind == "text" and text[:1].islower():
            lines[i] = Line("skip", "")
        elif not is_notice(text):
            runs_on = False
            continue
        runs_on = text[-1:] not in ".!?"
    return lines


_TOPIC = re.compile(r"^\s*(?:Q|Question)\s*\d{1,2}\s*[\u00b7|\u2013\u2014-]\s*[^?]{1,60}$", re.I)
"""A note's heading that numbers a question and names its topic: 'Q2 · Warmup'."""


def _next_with_text(raws: list[str]) -> list[int | None]:
    """For each line, the index of the next line that has text (None after the last)."""
    following: list[int | None] = [None] * len(raws)
    upcoming: int | None = None
    for i in range(len(raws) - 1, -1, -1):
        following[i] = upcoming
        if raws[i].strip():
            upcoming = i
    return following


def read_line(line: str, speakers: Speakers) -> Line:
    """What `line` is, in any of the module docstring's layouts."""
    if _TIME_ONLY.match(line):
        return Line("skip", "", None, *recording_time(line), True)
    if is_notice(line):
        return Line("skip", "")
    if _RULE.match(line):
        return Line("break", "")
    if heading := _HEADING.match(line):
        found = _speaker(heading.group(1) or "", speakers)
        if found is not None and not found[1].strip() and speakers.role(found[0]) is not None:
            return Line("speaker", "", found[0])
        return Line("break", "")  # a heading, or a '#' comment ('# Q: starts a question')
    line = _SOUND.sub("", _EDITED.sub("", line))
    found = _speaker(line, speakers)
    if found is None:  # '[00:00:15] Knowledge distillation...' below a speaker's name: words
        return Line("text", _TIME_AFTER_LABEL.sub("", line, count=1))
    label, text = found
    head = line[: len(line) - len(text)] if text and line.endswith(text) else line
    stamp = _TIME_SEARCH.search(head) or _TIME_AFTER_LABEL.match(text)
    times: tuple[float | None, float | None] = (None, None)
    if stamp and not _CHAT.match(_TIME_FIRST.sub("", head.strip(), count=1)):  # chats are typed
        times = recording_time(stamp.group(0))
    return Line("speaker", _TIME_AFTER_LABEL.sub("", text, count=1), label, *times, bool(stamp))


def is_notice(line: str) -> bool:
    """A tool's notice or a page's header or footer ('Page 1 of 2'), on a line of its own."""
    return bool(_NOTICE.match(line))


def recording_time(stamp: str) -> tuple[float | None, float | None]:
    """Seconds into a recording for a time ('0:02', '00:01:23.5', '00:00:11:14' with frames) or
    a span's start and end; (None, None) for a chat's clock ('10:32 AM', a date before it):
    that is when a message was typed, not how long anybody spoke."""
    if _WALL_CLOCK.search(stamp):
        return None, None
    values = [_clock_value(c) for c in _CLOCK_RE.findall(stamp)[:2]]
    return (values[0] if values else None), (values[1] if len(values) > 1 else None)


def _clock_value(clock: str) -> float:
    fields = [float(f) for f in clock.replace(",", ".").split(":")][:3]  # a frame count dropped
    seconds = 0.0
    for f in fields:
        seconds = seconds * 60 + f
    return seconds


def _speaker(line: str, speakers: Speakers) -> tuple[str, str] | None:
    """(speaker label, the words after it) when `line` starts somebody's words; the label may
    be one nobody has placed yet (the parser says so)."""
    stripped = LIST_MARK.sub("", line.strip(), count=1)
    if (m := _EMPHASIS.match(stripped)) and (found := _named(m[2], m[4], speakers)):
        return found
    stripped = _BOLD_NAME.sub(r"\2", stripped, count=1)
    if m := _TIME_FIRST.match(stripped):
        rest = stripped[m.end() :]
        if found := _speaker(rest, speakers):
            return found
        if (name := lone_name(rest, speakers)) is not None:
            return name, ""  # '0:07 - Omar Haddad': a header, whoever that is
        if (name := speakers.name_before(rest)) is not None:  # '00:00:39 Fatima El Amrani Why...'
            return name, " ".join(rest.split())[len(name) :].strip()
    if m := _NTH_QUESTION.match(stripped):
        return m[1], ""
    for layout in (_CHAT, _SAID, _HEADER, _BRACKETED, _NUMBERED_SPEAKER):
        if (m := layout.match(stripped)) and (found := _named(m[1], m[2] or "", speakers)):
            return found
    if (m := _NAME_TIME_WORDS.match(stripped)) and speakers.role(_who(m[1], speakers)):
        return _who(m[1], speakers), m[2]
    bare = _who(stripped.rstrip(":").strip(), speakers)
    if bare and speakers.role(bare) is not None:
        return bare, ""  # a known speaker's name on a line of its own
    if m := _PLAIN.match(stripped):
        return _who(m.group(1).strip(), speakers), m.group(2)
    return None


def lone_name(line: str, speakers: Speakers) -> str | None:
    """The name on a line of its own ('Lena Fischer', a copied call transcript's header), when
    the line is written like a name and nothing else."""
    name = _who(line.strip().rstrip(":").strip(), speakers)
    return name if looks_like_speaker(name) else None


def _named(label: str, text: str, speakers: Speakers) -> tuple[str, str] | None:
    """A label written in a special layout counts when it is a known speaker or written like a
    name (a bold 'Note:' or 'Date:' in a header is a label nobody has placed: the parser
    decides)."""
    label = _who(label.strip(), speakers)
    if speakers.role(label) is not None or looks_like_speaker(label):
        return label, text
    return None


def _who(label: str, speakers: Speakers) -> str:
    """The label without the affiliation a call tool writes after a name, unless the whole of it
    is a known speaker."""
    if speakers.role(label) is None and (short := _AFFILIATION.sub("", label)) != label:
        return short
    return label
