"""Practice transcripts made elsewhere, and recorded answers, imported as sessions (mode
"import"): parsed (one module per format: qa_text, json_file, subtitles for SRT and WebVTT;
audio for a recording; who is speaking: model.Speakers, roles when the voices are only
numbered, and in the layouts of plain-text exports: layouts), matched to the bank (matching, with
closest for a question asked in other words), graded and journaled (saving).

Formats are documented in docs/transcript-formats.md. A malformed file raises TranscriptError
(`file:line: problem`, exit 2); nothing is saved unless the whole file parses.

    session_id, transcript = import_transcript(path, bank, grader)   # or import_audio(...)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.documents import NAMES, DocumentKind, decode_text, document_kind, document_lines
from agent.errors import UsageError
from agent.report.imports.conversation import tidy
from agent.report.imports.json_file import parse_json
from agent.report.imports.model import (
    ImportedTranscript,
    ImportedTurn,
    ParsedText,
    Speakers,
    TranscriptError,
    text_metrics,
)
from agent.report.imports.qa_text import parse_text
from agent.report.imports.roles import guess_roles
from agent.report.imports.saving import save_import
from agent.report.imports.subtitles import parse_srt, parse_vtt

if TYPE_CHECKING:
    from agent.bank.loader import Bank
    from agent.config import Settings

__all__ = [
    "ImportedTranscript",
    "ImportedTurn",
    "Speakers",
    "TranscriptError",
    "import_audio",
    "import_transcript",
    "read_transcript",
    "save_import",
    "text_metrics",
]

PARSERS: dict[str, Callable[[str, Path, Speakers], ParsedText]] = {
    "text": parse_text,
    "txt": parse_text,
    "json": lambda text, path, speakers: ParsedText(parse_json(text, path, speakers)),
    "srt": parse_srt,
    "vtt": parse_vtt,
}


def import_transcript(
    path: str | Path,
    bank: Bank,
    grader: Any,
    *,
    fmt: str | None = None,
    speakers: Speakers | None = None,
    settings_public: dict[str, Any] | None = None,
) -> tuple[str, ImportedTranscript]:
    """Parse the transcript at `path`, grade it and save it as a session: (its id, the
    transcript)."""
    transcript = read_transcript(path, fmt, speakers)
    session_id = save_import(transcript, bank, grader, settings_public or {})
    return session_id, transcript


def import_audio(
    path: str | Path, question_id: str, bank: Bank, grader: Any, settings: Settings
) -> tuple[str, ImportedTranscript]:
    """Transcribe a recorded answer to `question_id`, grade it and save it (with the recording)
    as a session: (its id, the one-turn transcript)."""
    from agent.report.imports.audio import read_audio

    rubric = bank.rubric(question_id)
    transcript = read_audio(path, rubric, settings)
    session_id = save_import(transcript, bank, grader, settings.public_dict())
    return session_id, transcript


def read_transcript(
    path: str | Path, fmt: str | None = None, speakers: Speakers | None = None
) -> ImportedTranscript:
    """Parse a transcript file; the format comes from `fmt`, the extension, or the content.
    `speakers` names who is who beyond the standard labels (Q:/A:, Interviewer:/Candidate:)."""
    path = Path(path).expanduser()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    document = document_kind(path, data[:8])
    if document is not None:  # a PDF or Word file: read its text
        text = "\n".join(document_lines(path, document))
    elif (kind := _binary_kind(data)) is not None:
        raise TranscriptError(path, 1, kind)
    else:
        try:
            text = decode_text(data)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise TranscriptError(
                path, line, "not UTF-8 text (is this a transcript file?)"
            ) from None
    fmt = (fmt or _detect(path, text)).lower()
    parser = PARSERS.get(fmt)
    if parser is None:
        raise UsageError(f"unknown transcript format {fmt!r} (use text, json, srt or vtt)")
    named = speakers or Speakers()
    guessed = None

    def parse(who: Speakers) -> ParsedText:
        parsed = parser(text, path, who)
        if not parsed.turns:
            raise TranscriptError(path, 1, "no questions found (see docs/transcript-formats.md)")
        return parsed

    try:
        parsed = parse(named)
    except TranscriptError as exc:
        # Nobody named and the voices only numbered ('Speaker 1'): who asks the questions.
        found = None if named.interviewer or named.candidate else guess_roles(text, parse)
        if found is None:
            if document is None:
                raise
            where = f" (line {exc.line}{_lines_of(document)})"
            raise TranscriptError(path, exc.line, exc.problem + where) from None
        parsed, guessed = found
    if fmt != "json":  # a JSON file's turns are the user's own structure
        parsed = tidy(parsed)
    return ImportedTranscript(
        path=path,
        format="text" if fmt == "txt" else fmt,
        turns=parsed.turns,
        skipped=parsed.skipped,
        closing=parsed.closing,
        small_talk=parsed.small_talk,
        lines_of=_lines_of(document) if document else "",
        guessed_roles=guessed,
    )


def _lines_of(document: DocumentKind) -> str:
    """What a line number counts in a document: ' of the text read from the PDF'."""
    return f" of the text read from the {NAMES[document]}"


_NOT_TEXT = (
    (
        (b"PK\x03\x04",),
        "a zipped document, not text or a Word .docx: save it as plain text (.txt), .docx or "
        "PDF, or download the call's captions as .vtt",
    ),
    ((b"{\\rtf",), "rich text (RTF): save it as plain text (.txt), .docx or PDF"),
    (
        (b"RIFF", b"ID3", b"\xff\xfb", b"\xff\xf3", b"fLaC", b"OggS", b"\x1aE\xdf\xa3"),
        "audio or video, not a transcript: use --audio FILE --question ID to transcribe a "
        "recorded answer",
    ),
)


def _binary_kind(data: bytes) -> str | None:
    """What a file that is not a transcript is, from its first bytes, and what to do instead."""
    if data[4:8] == b"ftyp":  # MP4, M4A, MOV
        return _NOT_TEXT[-1][1]
    return next((say for starts, say in _NOT_TEXT if data.startswith(starts)), None)


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
