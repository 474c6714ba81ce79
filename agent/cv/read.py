"""A resume or project write-up as lines of text: PDF and Word through `agent.documents`,
Markdown and plain text as they are. A file that cannot be read is a one-line UsageError
naming it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agent.documents import decode_text, document_kind, document_lines
from agent.errors import UsageError

MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class ResumeText:
    lines: list[str]
    wrapped: bool
    """Whether a long line may have been wrapped by the page (a PDF, a text file), so a line
    can go on with the bullet above it; a Word paragraph is never wrapped."""


def read_resume(path: Path) -> ResumeText:
    if path.is_dir():
        raise UsageError(
            f"{path}: is a folder; give the resume file itself (PDF, Word, Markdown, text)"
        )
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise UsageError(f"{path}: larger than 5 MB; is this a resume?")
    data = path.read_bytes()
    if (kind := document_kind(path, data[:8])) is not None:
        return ResumeText(document_lines(path, kind), wrapped=kind == "pdf")
    try:
        return ResumeText(decode_text(data).splitlines(), wrapped=True)
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a text, Markdown, Word or PDF file") from None
