"""PDF and Word documents as lines of text, for resumes and transcripts.

The CV reader and the transcript importer both take PDF (through pypdf) and Word .docx files
(through python-docx) besides plain text. A file that cannot be read is a one-line UsageError
that names it and says what to do instead.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal

from agent.errors import UsageError

DocumentKind = Literal["pdf", "word"]

NAMES: dict[DocumentKind, str] = {"pdf": "PDF", "word": "Word document"}
"""How messages name each kind."""

OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an old binary Word .doc (and other OLE2 files)."""


def document_kind(path: Path, head: bytes) -> DocumentKind | None:
    """ "pdf" or "word" when the file at `path` (whose first bytes are `head`) is one, else None.
    An old .doc is a UsageError that says how to save it."""
    if head.startswith(b"%PDF-") or path.suffix.lower() == ".pdf":
        return "pdf"
    if head.startswith(b"PK\x03\x04") and _is_word(path):
        return "word"
    if head.startswith(OLD_WORD):
        raise UsageError(
            f"{path}: an old Word .doc (or another Office file): save it as .docx, PDF or text"
        )
    return None


def document_lines(path: Path, kind: DocumentKind) -> list[str]:
    """The document's text, line by line, in reading order."""
    lines = _pdf_lines(path) if kind == "pdf" else _word_lines(path)
    if not any(line.strip() for line in lines):
        if kind == "pdf":
            raise UsageError(
                f"{path}: the PDF has no text layer (a scanned image?); export it as text"
            )
        raise UsageError(f"{path}: the Word document has no text")
    return lines


def _is_word(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


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
    return "\n".join(pages).splitlines()


def _word_lines(path: Path) -> list[str]:
    """Paragraphs and table cells in the order they stand (a cell's text on lines of its own);
    a line break inside a paragraph starts a new line. Page headers and footers are left out."""
    try:
        from docx import Document
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table
    except ImportError:  # pragma: no cover - installed with Viva
        raise UsageError(
            "reading a Word file needs python-docx: run bash scripts/setup.sh"
        ) from None
    try:
        document = Document(str(path))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    seen: set[int] = set()
                    for cell in row.cells:  # a merged cell is listed once per column it spans
                        if id(cell._tc) not in seen:
                            seen.add(id(cell._tc))
                            lines += cell.text.splitlines()
            else:
                lines += block.text.splitlines() or [""]
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        raise UsageError(
            f"{path}: not a readable Word document ({type(exc).__name__}: {exc})"
        ) from None
    return lines
