"""Transcripts saved as PDF or Word documents: read through their text (pypdf, python-docx) as
the same questions and answers as the plain text, with page footers and a wrapped notice left
out; a line number in a message says it counts the document's text."""

from __future__ import annotations

import pytest
from document_files import write_docx, write_pdf

from agent.documents import document_lines
from agent.report.imports import Speakers, TranscriptError, read_transcript

QUESTION_1 = "How would you tell whether a model is overfitting?"
ANSWER_1 = (
    "I'd compare training and validation loss over the epochs: when the training loss keeps "
    "falling while the validation loss turns back up, the model is memorising the training "
    "set, so I'd stop at the best validation epoch and add regularisation such as weight decay "
    "or dropout before training again."
)
QUESTION_2 = "What are Tensor Cores?"
ANSWER_2 = "Units for small matrix multiply-accumulate tiles in FP16 with FP32 accumulation."

SERVICE_EXPORT = [
    "Mock interview with Priya",
    "",
    "Priya Raman  0:02",
    QUESTION_1,
    "",
    "Alex Chen  0:09",
    ANSWER_1,
    "",
    "Priya Raman  1:31",
    QUESTION_2,
    "",
    "Alex Chen  1:38",
    ANSWER_2,
    "",
    "This editable transcript was computer generated and might contain errors. People can also "
    "change the text after it was created.",
]
NAMES = Speakers.named(["Priya Raman"], ["Alex Chen"])


def _turns(path):
    return [
        (t.question, " ".join(t.answer.split()))
        for t in read_transcript(path, speakers=NAMES).turns
    ]


def test_a_word_transcript_reads_as_its_text(tmp_path):
    text = tmp_path / "call.txt"
    text.write_text("\n".join(SERVICE_EXPORT), encoding="utf-8")
    word = tmp_path / "call.docx"
    write_docx(word, SERVICE_EXPORT)
    assert _turns(word) == _turns(text) == [(QUESTION_1, ANSWER_1), (QUESTION_2, ANSWER_2)]
    transcript = read_transcript(word, speakers=NAMES)
    assert transcript.format == "text"
    assert transcript.left_out() == [
        "Skipped line 1 of the text read from the Word document, before the first question (a "
        "title or header; if a question is there, label it 'Q:')."
    ]


def test_a_word_table_of_speakers_and_words(tmp_path):
    from docx import Document

    path = tmp_path / "table.docx"
    document = Document()
    document.add_paragraph("Mock interview, 3 May")
    table = document.add_table(rows=1, cols=3)
    for cell, heading in zip(table.rows[0].cells, ("Speaker", "Time", "Text"), strict=True):
        cell.text = heading
    for who, at, words in (
        ("Priya Raman", "00:02", QUESTION_1),
        ("Alex Chen", "00:09", ANSWER_1),
        ("Priya Raman", "01:31", QUESTION_2),
        ("Alex Chen", "01:38", ANSWER_2),
    ):
        row = table.add_row().cells
        row[0].text, row[1].text, row[2].text = who, at, words
    document.save(str(path))
    assert _turns(path) == [(QUESTION_1, ANSWER_1), (QUESTION_2, ANSWER_2)]


def test_a_pdf_transcript_with_wrapped_lines_pages_and_footers(tmp_path):
    lines = SERVICE_EXPORT[:7] + [""] * 60 + SERVICE_EXPORT[7:]  # the second question on page 2
    path = tmp_path / "call.pdf"
    write_pdf(path, lines, footer=True)
    text = document_lines(path, "pdf")
    assert "Page 1 of 2" in text and "Page 2 of 2" in text
    assert ANSWER_1 not in text  # wrapped over lines, as a page prints it
    assert _turns(path) == [(QUESTION_1, ANSWER_1), (QUESTION_2, ANSWER_2)]


def test_a_line_number_in_a_document_says_what_it_counts(tmp_path, run_viva, viva_home):
    path = tmp_path / "call.pdf"
    write_pdf(path, SERVICE_EXPORT)
    line = next(
        n for n, text in enumerate(document_lines(path, "pdf"), 1) if text.startswith("Priya")
    )  # a PDF's text has no blank lines: not the line of SERVICE_EXPORT
    with pytest.raises(TranscriptError) as caught:
        read_transcript(path)  # the names are not given
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: unknown speaker 'Priya Raman'")
    assert message.endswith(f"(line {line} of the text read from the PDF)")
    proc = run_viva(
        "debrief", "--transcript", str(path), "--grader", "offline",
        "--interviewer", "Priya Raman", "--candidate", "Alex Chen",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Imported 2 turns" in proc.stderr
    assert f"**Question:** {QUESTION_2}" in proc.stdout
    assert "computer generated" not in proc.stdout and "change the text" not in proc.stdout
