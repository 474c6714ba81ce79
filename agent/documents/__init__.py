"""Files as text for resumes and transcripts: PDF, Word, and plain text in its encodings.

The CV reader and the transcript importer both take PDF (through pypdf) and Word .docx files
(through python-docx) besides plain text, which may be UTF-8, UTF-16 or Windows-1252. A file
that cannot be read is a one-line UsageError that names it and says what to do instead.
"""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path
from typing import Literal

from agent.errors import UsageError

DocumentKind = Literal["pdf", "word"]

NAMES: dict[DocumentKind, str] = {"pdf": "PDF", "word": "Word document"}
"""How messages name each kind."""

OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an old binary Word .doc (and other OLE2 files)."""


WORD_SUFFIXES = (".docx", ".docm", ".dotx")


def document_kind(path: Path, head: bytes) -> DocumentKind | None:
    """ "pdf" or "word" when the file at `path` (whose first bytes are `head`) is one, else None.
    An empty file, an old .doc and a damaged .docx are UsageErrors that say what to do."""
    if not head:
        raise UsageError(f"{path}: the file is empty")
    if head.startswith(b"%PDF-") or path.suffix.lower() == ".pdf":
        return "pdf"
    if head.startswith(b"PK\x03\x04") and _is_word(path):
        return "word"
    if head.startswith(OLD_WORD):
        raise UsageError(
            f"{path}: an old Word .doc (or another Office file): save it as .docx, PDF or text"
        )
    if path.suffix.lower() in WORD_SUFFIXES and head.startswith(b"PK"):
        raise UsageError(
            f"{path}: a damaged Word document (its zip cannot be read): open it in Word and "
            "save it again, or save it as PDF or text"
        )
    return None


def document_lines(path: Path, kind: DocumentKind) -> list[str]:
    """The document's text, line by line, in reading order."""
    from agent.documents.pdf import pdf_lines
    from agent.documents.word import word_lines

    lines = pdf_lines(path) if kind == "pdf" else word_lines(path)
    if not any(line.strip() for line in lines):
        if kind == "pdf":
            raise UsageError(
                f"{path}: the PDF has no text layer (a scanned image?); export it as text"
            )
        raise UsageError(f"{path}: the Word document has no text")
    return lines


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16's: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """A plain-text file's text as editors save it, with its line ends as "\n": UTF-8 (with
    or without a byte-order mark), UTF-16 or UTF-32 with one (Notepad's "Unicode", Windows
    PowerShell's `>`), else Windows-1252 (older Windows tools). Raises UnicodeDecodeError for
    bytes that are no text (a NUL byte outside UTF-16 and UTF-32)."""
    codec = next((codec for bom, codec in _BOMS if data.startswith(bom)), None)
    if codec is not None:
        text = data.decode(codec)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if b"\x00" in data:
                raise
            text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_word(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
