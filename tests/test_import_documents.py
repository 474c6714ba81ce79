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
    assert transcript.notices() == [
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
    assert "Page 1 of 2" not in text and "Page 2 of 2" not in text  # a page's furniture
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


def test_running_headers_and_footers_of_a_pdf_are_not_anybodys_words(tmp_path):
    lines = SERVICE_EXPORT[:7] + [""] * 60 + SERVICE_EXPORT[7:]
    for header, footer in (
        ("Mock interview (Completed 04/22/25) Transcript by Rev.com", "Mock interview  Page {page} of {pages}"),
        ("6/3/25, 9:41 PM ChatGPT - Mock interview", "https://chatgpt.com/c/683f1b2e-77a4 {page}/{pages}"),
        ("2/14/24, 9:12 PM ML Interview Practice", "https://chatgpt.com/c/683f {page}/{pages}"),
        ("", "riverside.fm  |  {page}"),
        ("", "{page}"),
        ("", "Transcribed with Happy Scribe · happyscribe.com Page {page} / {pages}"),
        ("", "Generated by Notta · notta.ai {page}"),
    ):  # fmt: skip
        path = tmp_path / "call.pdf"
        write_pdf(path, lines, header=header, footer=footer)
        text = document_lines(path, "pdf")
        stripped = [" ".join(line.split()) for line in text]
        assert " ".join(footer.format(page=2, pages=2).split()) not in stripped, footer
        assert not header or header not in stripped, header
        assert _turns(path) == [(QUESTION_1, ANSWER_1), (QUESTION_2, ANSWER_2)], footer
    for footer in (
        "riverside.fm  |  {page}",
        "Happy Scribe {page}",
        "call.mp3 transcript - automatically transcribed by Sonix · www.sonix.ai",
    ):
        one_page = tmp_path / "one.pdf"  # no other page to compare: its number alone says it
        write_pdf(one_page, SERVICE_EXPORT, footer=footer)
        assert _turns(one_page) == [(QUESTION_1, ANSWER_1), (QUESTION_2, ANSWER_2)]
        assert footer.format(page=1) not in document_lines(one_page, "pdf")


def test_a_pdf_table_row_holds_the_speaker_the_time_and_the_words(tmp_path):
    path = tmp_path / "report.pdf"
    write_pdf(
        path,
        [
            "Mock Interview Report",
            "Speaker Time Text",
            f"Priya Raman 0:02 {QUESTION_1}",
            f"Alex Chen 0:10 {ANSWER_1}",
            f"Priya Raman 1:31 {QUESTION_2}",
            f"Alex Chen 1:38 {ANSWER_2}",
        ],
    )
    assert _turns(path) == [(QUESTION_1, ANSWER_1), (QUESTION_2, ANSWER_2)]


def test_word_headings_and_lists_keep_their_meaning(tmp_path):
    from docx import Document

    path = tmp_path / "notes.docx"
    document = Document()
    document.add_heading("Interview notes, round 2", level=1)
    document.add_paragraph(
        "Goal: answer each question in under a minute, then write down what I said."
    )
    for label, words in (("Interviewer", QUESTION_1), ("Me", ANSWER_1)):
        document.add_paragraph(f"{label}: {words}", style="List Bullet")
    for label, words in (("Interviewer", QUESTION_2), ("Me", ANSWER_2)):
        document.add_paragraph(f"{label}: {words}")
    document.add_heading("Things to review", level=2)
    document.add_paragraph("AdamW against Adam with L2", style="List Bullet")
    document.save(str(path))
    lines = document_lines(path, "word")
    assert lines[0] == "# Interview notes, round 2" and lines[-2:] == [
        "## Things to review",
        "- AdamW against Adam with L2",
    ]
    turns = [(t.question, t.answer) for t in read_transcript(path).turns]
    assert turns == [(QUESTION_1, ANSWER_1), (QUESTION_2, ANSWER_2)]  # no notes in the answer


def test_a_speakers_label_that_opens_two_pages_is_kept(tmp_path):
    from document_files import PDF_LINES_A_PAGE

    chat = ["ChatGPT said:", QUESTION_1, "You said:", ANSWER_2, "ChatGPT said:", QUESTION_2]
    filler = [""] * (PDF_LINES_A_PAGE - len(chat))  # each of those fits on one line
    path = tmp_path / "chat.pdf"
    write_pdf(path, [*chat, *filler, "You said:", ANSWER_1], footer=True)
    from pypdf import PdfReader

    second_page = PdfReader(path).pages[1].extract_text().splitlines()
    assert second_page[0] == "You said:"  # as on page 1: a label, not a running header
    turns = [(t.question, " ".join(t.answer.split())) for t in read_transcript(path).turns]
    assert turns == [(QUESTION_1, ANSWER_2), (QUESTION_2, ANSWER_1)]


def test_a_later_pages_header_that_repeats_the_title_is_left_out(tmp_path):
    from document_files import PDF_LINES_A_PAGE

    title = "Mock interview with Priya"
    lines = [*SERVICE_EXPORT[:7], *[""] * (PDF_LINES_A_PAGE - 7)]
    lines += [f"{title} · Tactiq transcript", *SERVICE_EXPORT[7:]]  # page 2's own header
    path = tmp_path / "call.pdf"
    write_pdf(path, lines)
    assert _turns(path) == [(QUESTION_1, ANSWER_1), (QUESTION_2, ANSWER_2)]


def test_empty_damaged_and_locked_documents_say_what_to_do(tmp_path, run_viva):
    """The same one line from the transcript importer and the resume reader; a PDF locked only
    against editing (no password to open it) is read."""
    from pypdf import PdfReader, PdfWriter

    from agent.cv.read import read_resume
    from agent.errors import UsageError

    write_pdf(tmp_path / "plain.pdf", SERVICE_EXPORT)
    for name, owner_only, algorithm in (
        ("locked.pdf", False, "RC4-128"),
        ("no-editing.pdf", True, "RC4-128"),
        ("no-editing-aes.pdf", True, "AES-256"),  # Acrobat's default (needs cryptography)
    ):
        writer = PdfWriter(clone_from=PdfReader(tmp_path / "plain.pdf"))
        writer.encrypt(
            user_password="" if owner_only else "secret",
            owner_password="owner",
            algorithm=algorithm,
        )
        writer.write(tmp_path / name)
    (tmp_path / "empty.docx").write_bytes(b"")
    (tmp_path / "damaged.docx").write_bytes(b"PK\x03\x04" + bytes(300))
    for name, says in (
        ("empty.docx", "the file is empty"),
        ("damaged.docx", "a damaged Word document (its zip cannot be read): open it in Word"),
        ("locked.pdf", "the PDF is locked with a password: open it and save or print"),
    ):
        path = tmp_path / name
        for read in (read_transcript, read_resume):
            with pytest.raises(UsageError) as caught:
                read(path)
            assert str(caught.value).startswith(f"{path}: {says}")
        out = run_viva("cv", "import", str(path))
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert out.stderr.strip().startswith(f"viva: {path}: {says}")
    for name in ("no-editing.pdf", "no-editing-aes.pdf"):
        assert _turns(tmp_path / name) == [(QUESTION_1, ANSWER_1), (QUESTION_2, ANSWER_2)]


def test_text_as_windows_saves_it_is_read(tmp_path, run_viva):
    """UTF-16 with its byte-order mark (Notepad's "Unicode", Windows PowerShell's `>`) and
    Windows-1252 (older tools) read like UTF-8: a transcript, a resume and an answer file."""
    from test_cv import MARKDOWN_CV

    from agent.cv.read import read_resume

    transcript = "\r\n".join(
        ["Q: " + QUESTION_1, "A: " + ANSWER_1 + " \u2014 that\u2019s it.", "Q: " + QUESTION_2]
    )
    for codec in ("utf-16", "cp1252", "utf-8-sig"):
        path = tmp_path / f"transcript-{codec}.txt"
        path.write_bytes(transcript.encode(codec))
        turns = read_transcript(path).turns
        assert turns[0].answer == ANSWER_1 + " \u2014 that\u2019s it."
        assert turns[1].question == QUESTION_2
    resume = tmp_path / "cv.md"
    resume.write_bytes(MARKDOWN_CV.encode("utf-16"))
    assert read_resume(resume).lines == MARKDOWN_CV.splitlines()
    out = run_viva("cv", "import", str(resume))
    assert out.returncode == 0 and "Semantic search for support tickets" in out.stdout, out.stderr
    answer = tmp_path / "answer.txt"
    answer.write_bytes(ANSWER_1.encode("utf-16"))
    graded = run_viva("grade", "--question", "bias-variance", "--answer-file", str(answer))
    assert graded.returncode == 0, graded.stderr
    assert "validation loss turns back up" in graded.stdout
