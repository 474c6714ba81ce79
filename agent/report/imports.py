"""Practice transcripts made elsewhere: parsing (plain text, JSON, SRT, WebVTT), matching their
questions to the bank, grading, and saving them as sessions (mode "import").

Formats are documented in docs/transcript-formats.md. A malformed file raises TranscriptError
(`file:line: problem`, exit 2); nothing is saved unless the whole file parses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.errors import UsageError

if TYPE_CHECKING:
    from agent.bank.loader import Bank
    from agent.bank.models import Rubric

MATCH_THRESHOLD = 0.35
"""Bank.closest similarity needed to grade an imported question against a bank rubric."""
FOLLOW_UP_THRESHOLD = 0.3
"""Similarity to the previous rubric's probes or key points that makes a question a follow-up."""
LONG_PAUSE = 2.0
"""Seconds of silence between a candidate's cues counted as a long pause (SRT/VTT)."""


INTERVIEWER = {"q", "question", "interviewer", "host", "examiner"}
CANDIDATE = {"a", "answer", "candidate", "interviewee", "me"}
SLUG = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")


class TranscriptError(UsageError):
    """A transcript file cannot be imported: `file:line: problem`."""

    def __init__(self, path: Path | str, line: int, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        super().__init__(f"{path}:{line}: {problem}")


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


@dataclass
class ImportedTranscript:
    path: Path
    format: str
    """text, json, srt or vtt."""
    turns: list[ImportedTurn] = field(default_factory=list)


# ------------------------------------------------------------------------------ parsing
def read_transcript(path: str | Path, fmt: str | None = None) -> ImportedTranscript:
    """Parse a transcript file; the format comes from `fmt`, the extension, or the content."""
    path = Path(path).expanduser()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TranscriptError(path, line, "not UTF-8 text (is this a transcript file?)") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fmt = (fmt or _detect(path, text)).lower()
    parser = {"text": parse_text, "txt": parse_text, "json": parse_json, "srt": parse_srt,
              "vtt": parse_vtt}.get(fmt)  # fmt: skip
    if parser is None:
        raise UsageError(f"unknown transcript format {fmt!r} (use text, json, srt or vtt)")
    turns = parser(text, path)
    if not turns:
        raise TranscriptError(path, 1, "no questions found (see docs/transcript-formats.md)")
    return ImportedTranscript(path=path, format="text" if fmt == "txt" else fmt, turns=turns)


def _detect(path: Path, text: str) -> str:
    ext = path.suffix.lower().lstrip(".")
    if ext in ("json", "srt", "vtt"):
        return ext
    head = text.lstrip()
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.startswith("{") or re.match(r"\[\s*[{\]]", head):
        return "json"
    lines = [ln.strip() for ln in head.split("\n")[:3]]
    if len(lines) >= 2 and lines[0].isdigit() and "-->" in lines[1]:
        return "srt"
    return "text"


# --- plain text -----------------------------------------------------------------------
_MARKER = re.compile(
    r"^\s*(q|question|interviewer|a|answer|candidate|r|reference)\s*:\s?(.*)$", re.IGNORECASE
)
_TAG = re.compile(r"\[\s*(id|topic)\s*:\s*([^\]]*?)\s*\]|\[\s*(follow[- ]?up)\s*\]", re.IGNORECASE)


def _tags(text: str, path: Path, line: int) -> tuple[str, dict[str, Any]]:
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


def parse_text(text: str, path: Path) -> list[ImportedTurn]:
    """`Q:`/`A:` blocks (also Question/Answer, Interviewer/Candidate, R:/Reference:)."""
    turns: list[ImportedTurn] = []
    current: ImportedTurn | None = None
    part: str | None = None  # q, a or r: what continuation lines extend
    buffers: dict[str, list[str]] = {}
    pending: dict[str, Any] = {}
    pending_line = 0

    def close() -> None:
        if current is None:
            return
        current.question = "\n".join(buffers.get("q", [])).strip()
        current.answer = "\n".join(buffers.get("a", [])).strip()
        ref = "\n".join(buffers.get("r", [])).strip()
        current.reference = ref or None
        if not current.question:
            raise TranscriptError(path, current.line, "empty question after 'Q:'")

    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        if line.lstrip().startswith("#"):
            continue
        m = _MARKER.match(line)
        if m is None:
            if part is None:
                if not line.strip():
                    continue
                rest, tags = _tags(line, path, n)
                if not rest and tags:  # a tag line before a question
                    pending.update(tags)
                    pending_line = n
                    continue
                raise TranscriptError(
                    path,
                    n,
                    "text before the first question (start each question with 'Q:' "
                    "and each answer with 'A:')",
                )
            buffers.setdefault(part, []).append(line)
            continue
        role, rest = m.group(1).lower(), m.group(2)
        if role in ("q", "question", "interviewer"):
            if (
                current is not None
                and part == "q"
                and not buffers.get("a")
                and role == "interviewer"
            ):
                buffers["q"].append(rest)  # an interviewer speaking twice in a row
                continue
            close()
            rest, tags = _tags(rest, path, n)
            tags = {**pending, **tags}
            pending = {}
            current = ImportedTurn(
                question="",
                answer="",
                line=n,
                question_id=tags.get("id"),
                follow_up=bool(tags.get("follow_up")),
                topic=tags.get("topic") or None,
            )
            turns.append(current)
            buffers = {"q": [rest]}
            part = "q"
        elif current is None:
            what = "an answer" if role in ("a", "answer", "candidate") else "a reference"
            raise TranscriptError(path, n, f"{what} before any question (start with 'Q:')")
        elif role in ("a", "answer", "candidate"):
            if buffers.get("a"):
                buffers["a"].append("")  # the candidate again: a new paragraph
            buffers.setdefault("a", []).append(rest)
            part = "a"
        else:
            buffers.setdefault("r", []).append(rest)
            part = "r"
    close()
    if pending and not turns:
        raise TranscriptError(path, pending_line, "a tag with no question after it")
    return turns


# --- JSON -------------------------------------------------------------------------------
def parse_json(text: str, path: Path) -> list[ImportedTurn]:
    """`{"turns": [{"question", "answer", "question_id"?, "reference"?, "follow_up"?,
    "topic"?}]}` or a bare list of such objects."""
    decoder = json.JSONDecoder()

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    def fail_json(exc: json.JSONDecodeError) -> TranscriptError:
        return TranscriptError(path, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")

    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail_json(exc) from None
    ws = re.compile(r"\s*")
    pos = ws.match(text, 0).end()
    if text.startswith("{", pos):
        pos = _find_key(text, pos, "turns", decoder)
        if pos < 0:
            raise TranscriptError(path, 1, 'expected {"turns": [...]} or a list of turns')
    if not text.startswith("[", pos):
        raise TranscriptError(
            path, line_of(pos), '"turns" must be a list of {"question", "answer"}'
        )
    items: list[tuple[int, Any]] = []
    pos = ws.match(text, pos + 1).end()
    while not text.startswith("]", pos):
        value, end = decoder.raw_decode(text, pos)
        items.append((line_of(pos), value))
        pos = ws.match(text, end).end()
        if text.startswith(",", pos):
            pos = ws.match(text, pos + 1).end()
    turns = []
    for number, (line, item) in enumerate(items, 1):
        where = f"turn {number}"
        if not isinstance(item, dict):
            raise TranscriptError(
                path, line, f'{where}: expected an object with "question" and "answer"'
            )
        question = item.get("question")
        if not isinstance(question, str) or not question.strip():
            raise TranscriptError(path, line, f'{where}: "question" is missing or empty')
        answer = item.get("answer", "")
        if answer is None:
            answer = ""
        if not isinstance(answer, str):
            raise TranscriptError(path, line, f'{where}: "answer" must be a string')
        qid = item.get("question_id")
        if qid is not None and (not isinstance(qid, str) or not SLUG.fullmatch(qid)):
            raise TranscriptError(
                path, line, f'{where}: invalid "question_id" {qid!r} (lowercase letters, digits, -)'
            )
        reference = item.get("reference")
        if reference is not None and not isinstance(reference, str):
            raise TranscriptError(path, line, f'{where}: "reference" must be a string')
        topic = item.get("topic")
        turns.append(
            ImportedTurn(
                question=question.strip(),
                answer=answer.strip(),
                line=line,
                question_id=qid,
                reference=(reference or "").strip() or None,
                follow_up=bool(item.get("follow_up", False)),
                topic=topic if isinstance(topic, str) and topic.strip() else None,
            )
        )
    return turns


def _find_key(text: str, pos: int, key: str, decoder: json.JSONDecoder) -> int:
    """Position of the value of top-level `key` in the object starting at `pos`, or -1."""
    ws = re.compile(r"\s*")
    pos = ws.match(text, pos + 1).end()
    while not text.startswith("}", pos):
        name, pos = decoder.raw_decode(text, pos)
        pos = ws.match(text, pos).end() + 1  # the ':'
        pos = ws.match(text, pos).end()
        if name == key:
            return pos
        _, pos = decoder.raw_decode(text, pos)
        pos = ws.match(text, pos).end()
        if text.startswith(",", pos):
            pos = ws.match(text, pos + 1).end()
    return -1


# --- SRT / WebVTT -------------------------------------------------------------------------
_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>", re.IGNORECASE)
_LABEL = re.compile(r"^\s*(?:>>\s*)?\[?([A-Za-z][A-Za-z .'-]{0,30}?)\]?\s*:\s*(.*)$")


@dataclass
class _Cue:
    line: int
    start: float
    end: float
    speaker: str | None
    text: str


def _seconds(groups: tuple) -> float:
    h, m, s, ms = groups
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def _role(name: str) -> str | None:
    name = name.strip().lower()
    if name in INTERVIEWER:
        return "interviewer"
    if name in CANDIDATE:
        return "candidate"
    return None


def _cues(text: str, path: Path, vtt: bool) -> list[_Cue]:
    lines = text.split("\n")
    i = 0
    if vtt:
        if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            raise TranscriptError(path, 1, "a WebVTT file must start with 'WEBVTT'")
        i = 1
        while i < len(lines) and lines[i].strip():  # header lines
            i += 1
    cues: list[_Cue] = []
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start_line = i + 1
        block = []
        while i < len(lines) and lines[i].strip():
            block.append((i + 1, lines[i]))
            i += 1
        first = block[0][1].strip()
        if vtt and re.match(r"^(NOTE|STYLE|REGION)\b", first):
            continue
        timing_at = next((k for k, (_, ln) in enumerate(block) if "-->" in ln), None)
        if timing_at is None or timing_at > 1:
            raise TranscriptError(
                path,
                start_line,
                "expected a cue timing line like "
                + ("'00:00:01.000 --> 00:00:04.000'" if vtt else "'00:00:01,000 --> 00:00:04,000'"),
            )
        tline, timing = block[timing_at]
        m = _TIMING.match(timing)
        if m is None:
            raise TranscriptError(path, tline, f"bad cue timing {timing.strip()!r}")
        start, end = _seconds(m.groups()[:4]), _seconds(m.groups()[4:])
        if end < start:
            raise TranscriptError(path, tline, "cue ends before it starts")
        body = " ".join(ln.strip() for _, ln in block[timing_at + 1 :]).strip()
        speaker = None
        voice = _VOICE.search(body)
        if voice:
            name = voice.group(1).strip()
            speaker = _role(name)
            if speaker is None:
                raise TranscriptError(
                    path, tline + 1, f"unknown speaker {name!r} (use Interviewer or Candidate)"
                )
        body = re.sub(r"<[^>]+>", "", body).strip()
        if speaker is None:
            label = _LABEL.match(body)
            if label and _role(label.group(1)):
                speaker, body = _role(label.group(1)), label.group(2).strip()
        if speaker is None:
            if not cues:
                raise TranscriptError(
                    path,
                    tline + 1,
                    "no speaker label: start the cue with 'Interviewer:' or 'Candidate:' "
                    "(or a <v Interviewer> voice tag)",
                )
            speaker = cues[-1].speaker
        if body:
            cues.append(_Cue(tline + 1, start, end, speaker, body))
    return cues


def _subtitle_turns(cues: list[_Cue], path: Path) -> list[ImportedTurn]:
    # consecutive cues of the same speaker are one utterance
    runs: list[list[_Cue]] = []
    for cue in cues:
        if runs and runs[-1][0].speaker == cue.speaker:
            runs[-1].append(cue)
        else:
            runs.append([cue])
    turns: list[ImportedTurn] = []
    question_end = 0.0
    for run in runs:
        text = " ".join(c.text for c in run)
        if run[0].speaker == "interviewer":
            tagged, tags = _tags(text, path, run[0].line)
            turns.append(
                ImportedTurn(
                    question=tagged,
                    answer="",
                    line=run[0].line,
                    question_id=tags.get("id"),
                    follow_up=bool(tags.get("follow_up")),
                    topic=tags.get("topic"),
                )
            )
            question_end = run[-1].end
            continue
        if not turns:
            raise TranscriptError(path, run[0].line, "the candidate speaks before any question")
        turn = turns[-1]
        turn.answer = text
        speaking = sum(c.end - c.start for c in run)
        gaps = [b.start - a.end for a, b in zip(run, run[1:], strict=False)]
        long = [g for g in gaps if g >= LONG_PAUSE]
        metrics = text_metrics(text)
        metrics.update(
            speaking_time=round(speaking, 2),
            words_per_minute=round(metrics["words"] / (speaking / 60), 1) if speaking > 0 else None,
            time_to_first_word=round(max(0.0, run[0].start - question_end), 2),
            long_pauses=len(long),
            longest_pause=round(max(long), 2) if long else None,
        )
        turn.metrics = {k: v for k, v in metrics.items() if v is not None}
        turn.seconds = round(run[-1].end - question_end, 2)
    return turns


def parse_srt(text: str, path: Path) -> list[ImportedTurn]:
    return _subtitle_turns(_cues(text, path, vtt=False), path)


def parse_vtt(text: str, path: Path) -> list[ImportedTurn]:
    return _subtitle_turns(_cues(text, path, vtt=True), path)


# ------------------------------------------------------------------------------ metrics
def text_metrics(answer: str) -> dict[str, Any]:
    """Structure of an answer from its text alone: words, sentences, fillers, hedges (the
    filler and hedge rules of agent.speech.metrics)."""
    from agent.speech.metrics import text_metrics as speech_text_metrics

    data = speech_text_metrics(answer).model_dump(mode="json", exclude_none=True)
    data.pop("pauses", None)
    data["sentences"] = len([s for s in re.split(r"[.!?]+(?:\s|$)", answer) if s.strip()])
    return data


# ------------------------------------------------------------------------------ matching
@dataclass
class Match:
    question_id: str
    rubric: Rubric | None
    by: str
    """id, closest, follow_up, reference or none."""
    similarity: float | None = None
    follow_up: bool = False
    derived: bool = False


def _slug(text: str, n: int) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:6]
    return "-".join(["imported", str(n), *words])[:60].rstrip("-")


def match_turns(transcript: ImportedTranscript, bank: Bank) -> list[Match]:
    """Match every turn to a rubric: by id, by a given reference answer (derived rubric), by the
    closest bank question, as a follow-up of the question before it, or to nothing."""
    from agent.bank.derive import DeriveError, derive_rubric
    from agent.text import content_stems, set_cosine

    matches: list[Match] = []
    seen: dict[str, Match] = {}
    for n, turn in enumerate(transcript.turns, 1):
        prev = matches[-1] if matches else None
        m: Match | None = None
        if turn.question_id and turn.reference is None:
            if turn.question_id not in bank.rubrics:
                try:
                    bank.rubric(turn.question_id)
                except UsageError as exc:
                    raise TranscriptError(transcript.path, turn.line, str(exc)) from None
            m = Match(turn.question_id, bank.rubrics[turn.question_id], "id")
        elif turn.reference is not None and not (turn.follow_up and prev):
            qid = turn.question_id or _slug(turn.question, n)
            try:
                rubric = derive_rubric(
                    qid, turn.question, turn.reference, topic=turn.topic or "custom"
                )
            except (DeriveError, ValueError) as exc:
                raise TranscriptError(
                    transcript.path, turn.line, f"cannot use the reference answer: {exc}"
                ) from None
            m = Match(qid, rubric, "reference", derived=True)
        elif turn.follow_up and prev is not None:
            m = Match(prev.question_id, prev.rubric, "follow_up", follow_up=True)
        else:
            found = bank.closest(turn.question, MATCH_THRESHOLD)
            if found is not None:
                m = Match(found[0].id, found[0], "closest", similarity=found[1])
            elif prev is not None and prev.rubric is not None:
                rubric = prev.rubric
                stems = content_stems(turn.question)
                texts = [p.question for p in rubric.probes] + [k.text for k in rubric.key_points]
                best = max((set_cosine(stems, content_stems(t)) for t in texts), default=0.0)
                if best >= FOLLOW_UP_THRESHOLD:
                    m = Match(prev.question_id, rubric, "follow_up", round(best, 4), follow_up=True)
            if m is None:
                m = Match(_slug(turn.question, n), None, "none")
        if not m.follow_up and m.question_id in seen:
            # asked again later in the transcript: one question, graded on everything said
            m = Match(
                m.question_id, seen[m.question_id].rubric, m.by, m.similarity, True, m.derived
            )
        seen.setdefault(m.question_id, m)
        matches.append(m)
    return matches


# ------------------------------------------------------------------------------ saving
def save_import(
    transcript: ImportedTranscript,
    bank: Bank,
    grader: Any,
    *,
    settings_public: dict[str, Any] | None = None,
    audio: Path | None = None,
    source: str = "import",
) -> str:
    """Grade the transcript and journal it as a session (mode "import"). Returns its id."""
    from agent import __version__
    from agent.report.model import NO_RUBRIC_NOTE
    from agent.sessions.events import (
        AnswerGiven,
        GradeRecorded,
        QuestionAsked,
        SessionEnd,
        SessionStart,
    )
    from agent.sessions.journal import Journal

    matches = match_turns(transcript, bank)
    plan = list(dict.fromkeys(m.question_id for m in matches))
    journal = Journal.create()
    try:
        journal.append(
            SessionStart(
                session_id=journal.session_id,
                track="import",
                mode="import",
                policy="import",
                grader=grader.label,
                settings=settings_public or {},
                version=__version__,
            ),
            plan=plan,
            source_file=str(transcript.path),
            format=transcript.format,
        )
        audio_name = None
        if audio is not None:
            import shutil

            target = journal.audio_path(1, audio.suffix.lower() or ".wav")
            shutil.copyfile(audio, target)
            target.chmod(0o600)
            audio_name = target.name
        answers: dict[str, list[tuple[int, str]]] = {}
        for n, (turn, m) in enumerate(zip(transcript.turns, matches, strict=True), 1):
            extra: dict[str, Any] = {
                "kind": "follow_up" if m.follow_up else "question",
                "index": plan.index(m.question_id) + 1,
                "match": {"by": m.by, "similarity": m.similarity, "text": turn.question},
                "source_line": turn.line,
            }
            if m.rubric is None:
                extra["reference_free"] = True
                extra["topic"] = turn.topic or "custom"
            if m.derived:
                extra["rubric"] = m.rubric.model_dump(mode="json", by_alias=True)
            journal.append(
                QuestionAsked(
                    turn=n,
                    question_id=m.question_id,
                    text=turn.question,
                    follow_up=m.follow_up,
                ),
                **extra,
            )
            metrics = turn.metrics
            if metrics is None and m.rubric is None and turn.answer:
                metrics = text_metrics(turn.answer)
            journal.append(
                AnswerGiven(
                    turn=n,
                    question_id=m.question_id,
                    text=turn.answer,
                    source="voice" if audio is not None else source,  # type: ignore[arg-type]
                    audio=audio_name,
                    metrics=metrics,
                    seconds=turn.seconds,
                ),
                intent="answer" if turn.answer.strip() else "empty",
            )
            answers.setdefault(m.question_id, []).append((n, turn.answer))
        by_id = {}
        for m in matches:
            by_id.setdefault(m.question_id, m)
        for qid, said in answers.items():
            m = by_id[qid]
            if m.rubric is None:
                continue
            text = "\n\n".join(a for _, a in said if a.strip())
            grade = grader.grade(m.rubric, text)
            journal.append(
                GradeRecorded(
                    turn=said[-1][0],
                    question_id=qid,
                    overall=grade.overall,
                    grade=grade.model_dump(mode="json"),
                ),
                scope="question",
                answer_turns=[n for n, _ in said],
            )
        if any(m.rubric is None for m in matches):
            from agent.sessions.events import Notice

            journal.append(
                Notice(
                    kind="info",
                    message=f"{sum(1 for q in by_id.values() if q.rubric is None)} question(s): "
                    f"{NO_RUBRIC_NOTE}",
                )
            )
        journal.append(SessionEnd(session_id=journal.session_id, reason="completed"))
    finally:
        journal.close()
    return journal.session_id
