"""A resume or project write-up as lines of text: PDF and Word through `agent.documents`,
Markdown and plain text as they are. A file that cannot be read is a one-line UsageError
naming it."""

from __future__ import annotations

from pathlib import Path

from agent.documents import decode_text, document_kind, document_lines
from agent.errors import UsageError

MAX_BYTES = 5_000_000


def read_lines(path: Path) -> list[str]:
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
        return document_lines(path, kind)
    try:
        return decode_text(data).splitlines()
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a text, Markdown, Word or PDF file") from None
