"""A resume or project write-up as lines of text: PDF through pypdf, Markdown and plain text as
they are. A file that cannot be read is a one-line UsageError naming it."""

from __future__ import annotations

from pathlib import Path

from agent.errors import UsageError

MAX_BYTES = 5_000_000


def read_lines(path: Path) -> list[str]:
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give the resume file itself (PDF, Markdown, text)")
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise UsageError(f"{path}: larger than 5 MB; is this a resume?")
    if path.suffix.lower() == ".pdf" or path.read_bytes()[:5] == b"%PDF-":
        return _pdf_lines(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    if "\x00" in text:
        raise UsageError(f"{path}: not a text, Markdown or PDF file")
    return text.splitlines()


def _pdf_lines(path: Path) -> list[str]:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:  # pragma: no cover - installed with Viva
        raise UsageError("reading a PDF needs pypdf: run bash scripts/setup.sh") from None
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are ours to word
    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UsageError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    lines = "\n".join(pages).splitlines()
    if not any(line.strip() for line in lines):
        raise UsageError(f"{path}: the PDF has no text layer (a scanned image?); export it as text")
    return lines
