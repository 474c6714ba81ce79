"""Real PDF and Word files made from lines of text, for the tests and benches of the document
readers: a PDF laid out as a text tool prints one (long lines wrapped to the page, pages with a
footer), and a .docx written by python-docx (one paragraph a line)."""

from __future__ import annotations

import textwrap
from pathlib import Path

PDF_WIDTH = 95
"""Characters of 10-point Helvetica that fit an A4 line with margins (long lines wrap)."""
PDF_LINES_A_PAGE = 54


def write_pdf(
    path: Path, lines: list[str], *, footer: bool | str = False, header: str = ""
) -> None:
    """A PDF with a text layer: one line of Helvetica per entry, long ones wrapped at word
    boundaries; a new page every PDF_LINES_A_PAGE lines. `header` runs at the top of each page;
    `footer` runs at the bottom ('Page N of M' when True; a string may hold {page} and
    {pages})."""
    printed: list[str] = []
    for line in lines:
        printed += textwrap.wrap(line, PDF_WIDTH, break_on_hyphens=False) or [""]
    pages = [
        printed[i : i + PDF_LINES_A_PAGE] for i in range(0, len(printed), PDF_LINES_A_PAGE)
    ] or [[]]
    streams = []
    for number, page in enumerate(pages, 1):
        ops = ["BT", "/F1 8 Tf", "40 820 Td", f"({_escaped(header)}) Tj", "ET"] if header else []
        ops += ["BT", "/F1 10 Tf", "40 800 Td", "14 TL"]
        for line in page:
            ops += [f"({_escaped(line)}) Tj", "T*"]
        ops.append("ET")
        if footer:
            text = "Page {page} of {pages}" if footer is True else str(footer)
            text = _escaped(text.format(page=number, pages=len(pages)))
            ops += ["BT", "/F1 8 Tf", "270 30 Td", f"({text}) Tj", "ET"]
        streams.append("\n".join(ops).encode("cp1252", errors="replace"))
    _write_pages(path, streams)


def write_pdf_drawn(path: Path, pieces: list[tuple[float, float, str]]) -> None:
    """A one-page PDF whose pieces of text are drawn at (x, y) in the order given, as a layout
    tool draws a right-aligned date before the words on its left."""
    ops = []
    for x, y, text in pieces:
        ops += ["BT", "/F1 10 Tf", f"{x} {y} Td", f"({_escaped(text)}) Tj", "ET"]
    _write_pages(path, ["\n".join(ops).encode("cp1252", errors="replace")])


def _write_pages(path: Path, streams: list[bytes]) -> None:
    pages = streams
    first_page = 4  # objects: catalog, pages, font, then a page and its contents per page
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, stream in enumerate(streams):
        contents = first_page + 2 * i + 1
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        objects.append(
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))


def write_docx(path: Path, lines: list[str]) -> None:
    """A Word document with one paragraph a line, as a word processor saves typed text."""
    from docx import Document

    document = Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
