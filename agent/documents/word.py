"""A Word file's paragraphs, text boxes and tables in reading order."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from agent.errors import UsageError


def word_lines(path: Path) -> list[str]:
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
