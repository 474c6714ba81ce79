"""PDF and Word documents as lines of text, for resumes and transcripts.

The CV reader and the transcript importer both take PDF (through pypdf) and Word .docx files
(through python-docx) besides plain text. A file that cannot be read is a one-line UsageError
that names it and says what to do instead.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any, Literal

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
        pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UsageError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    return [line for page in _without_page_furniture(pages) for line in page]


EDGE = 3
"""Lines at the top and at the bottom of a page where a running header or footer can stand."""
RUNNING_WORDS = 3
"""A running header or footer without the page's number has at least this many words: fewer
('You said:', 'Interviewer') is a speaker's label that happens to open two pages."""


def _without_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """The pages without their running headers and footers: a line near the top or bottom of
    the page that stands in the same place on another page (its page number aside: 'Page 2 of
    3', a browser's 'https://... 2/3'), that is only the page's number ('riverside.fm | 1',
    'Page 1', '1'), a later page's header that repeats the title, or a tool's credit at the
    bottom."""
    keys = [
        [
            tuple((_place(i, len(page)), k) for k in _page_keys(line, n))
            for i, line in enumerate(page)
        ]
        for n, page in enumerate(pages, 1)
    ]
    pages_with: dict[tuple[str, str], int] = {}
    for page_keys in keys:
        for key in {k for line_keys in page_keys for k in line_keys if k[0]}:
            pages_with[key] = pages_with.get(key, 0) + 1
    title = next((" ".join(line.split()) for page in pages for line in page if line.strip()), "")
    kept = []
    for n, (page, page_keys) in enumerate(zip(pages, keys, strict=True), 1):
        last = max((i for i, line in enumerate(page) if line.strip()), default=-1)
        drop = set()
        for i, line_keys in enumerate(page_keys):
            if not line_keys or not _place(i, len(page)):
                continue
            text = " ".join(page[i].split())
            bottom = i >= len(page) - EDGE
            running = any(
                pages_with[k] >= 2 and ("#" in k[1] or len(k[1].split()) >= RUNNING_WORDS)
                for k in line_keys
            )
            titled = n > 1 and not bottom and len(title) >= TITLE_CHARS and text.startswith(title)
            credit = bottom and bool(_CREDIT.search(text))
            numbered = _page_number_line(n, bare=bottom, named=n == len(pages) and i == last)
            if running or titled or credit or numbered.search(text):
                drop.add(i)
        kept.append([line for i, line in enumerate(page) if i not in drop])
    return kept


TITLE_CHARS = 10
"""A later page's top line that starts with the document's first line (this long at least)
is a running header ('Mock interview: LLM serving · Tactiq transcript')."""
_CREDIT = re.compile(
    r"\b(?:transcribed|generated|exported|created|powered|made)\s+(?:\w+\s+)?(?:by|with)\b.*"
    r"\b[\w-]+\.(?:com|ai|io|fm|app|co|net|org)\b",
    re.IGNORECASE,
)
"""A tool's credit at the bottom of a page: 'Generated by Notta · notta.ai 1', '... automatically
transcribed by Sonix · www.sonix.ai'."""


def _place(i: int, length: int) -> str:
    """Where line `i` of a page stands, if near an edge: 'top 0', 'bottom 1'; else ''."""
    if i < EDGE:
        return f"top {i}"
    return f"bottom {length - 1 - i}" if i >= length - EDGE else ""


def _page_keys(line: str, number: int) -> tuple[str, ...]:
    """The line as it is and with the page's number as '#', to find it on other pages (none
    for a blank line)."""
    text = " ".join(line.split()).lower()
    if not text:
        return ()
    return tuple(dict.fromkeys((text, re.sub(rf"(?<!\w){number}(?!\w)", "#", text, count=1))))


def _page_number_line(number: int, *, bare: bool, named: bool) -> re.Pattern[str]:
    """A short line that ends in the page's number: 'Page 1', 'Title  page 1 of 2', 'site | 1',
    'https://... 1/3'; with `bare` (at the bottom of a page) also '- 1 -' and '1'; with `named`
    (the document's last line) also a few words and the number ('Happy Scribe 1')."""
    n = number
    alone = rf"|[-\u2013\u2014]?\s*{n}\s*[-\u2013\u2014]?" if bare else ""
    after_words = rf"|(?:\S+\s+){{1,3}}{n}" if named else ""
    return re.compile(
        rf"^(?:(?:\S+\s+){{0,6}}(?:page\s+{n}(?:\s+of\s+\d+)?|[|\u00b7\u2022\u2013\u2014-]\s*{n}"
        rf"|{n}\s*/\s*\d+|{n}\s+of\s+\d+){alone}{after_words})$",
        re.IGNORECASE,
    )


def _word_lines(path: Path) -> list[str]:
    """Paragraphs, text boxes and table cells in the order they stand (a cell's text on lines
    of its own); a line break inside a paragraph starts a new line. Page headers and footers
    are left out."""
    try:
        from docx import Document
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:  # pragma: no cover - installed with Viva
        raise UsageError(
            "reading a Word file needs python-docx: run bash scripts/setup.sh"
        ) from None
    try:
        lines = _block_lines(Document(str(path)))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        raise UsageError(
            f"{path}: not a readable Word document ({type(exc).__name__}: {exc})"
        ) from None
    return lines


def _block_lines(container: Any) -> list[str]:
    """The lines of a document's body or a table's cell: its paragraphs, and its tables row by
    row, a cell's lines after the other's (a table inside a cell too)."""
    from docx.table import Table

    lines: list[str] = []
    for block in container.iter_inner_content():
        if not isinstance(block, Table):
            lines += _paragraph_lines(block)
            lines += _text_box_lines(block)
            continue
        for row in block.rows:
            seen: set[int] = set()
            for cell in row.cells:  # a merged cell is listed once per column it spans
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    lines += _block_lines(cell)
    return lines


_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
"""Where a Word file repeats a drawing's text box for older readers (read once, not twice)."""


def _text_box_lines(paragraph: Any) -> list[str]:
    """The lines of the text boxes anchored in a paragraph (a resume template's sidebar or
    heading), after the paragraph's own text."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for box in paragraph._p.iter(qn("w:txbxContent")):
        if any(parent.tag == _FALLBACK for parent in box.iterancestors()):
            continue
        for p in box.iterchildren(qn("w:p")):
            lines += _paragraph_lines(Paragraph(p, paragraph._parent))
    return lines


def _paragraph_lines(paragraph: Any) -> list[str]:
    """A paragraph's lines, a heading marked as in Markdown ('## Things to review') and a list
    item as a bullet ('- ...'), so that readers of text see the document's structure."""
    lines = paragraph.text.splitlines() or [""]
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if heading := re.fullmatch(r"Heading ([1-6])", style):
        mark = "#" * int(heading[1]) + " "
    elif style == "Title":
        mark = "# "
    elif (
        style.startswith("List")
        or paragraph._p.pPr is not None
        and paragraph._p.pPr.numPr is not None
    ):
        mark = "- "
    else:
        return lines
    return [mark + lines[0].strip(), *lines[1:]] if lines[0].strip() else lines
