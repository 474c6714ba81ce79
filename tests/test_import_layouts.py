"""Plain-text transcripts in the layouts people export: a speaker and a time on a line of their
own (a transcription service), a call's saved captions, times before the labels, labels in bold
(notes and chat exports). Each reads as the same questions and answers as `Q:`/`A:` would, with
no time or markup left in the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import UsageError
from agent.report.imports import Speakers, TranscriptError, read_transcript

DATA = Path(__file__).parent / "data"

QUESTION_1 = "How would you tell whether a model is overfitting?"
ANSWER_1 = "I'd compare training and validation loss, and stop at the best validation epoch."
QUESTION_2 = "What are Tensor Cores?"
ANSWER_2 = "Units for small matrix multiply-accumulate tiles in FP16 with FP32 accumulation."

LAYOUTS = {
    "service export": f"""Interviewer  0:02
{QUESTION_1}

Me  0:09
{ANSWER_1}

Interviewer  1:31
{QUESTION_2}

Me  1:38
{ANSWER_2}
""",
    "names and long times": f"""Priya Raman  00:00:02
{QUESTION_1}

Alex Chen  00:00:09
{ANSWER_1}

Priya Raman  00:01:31
{QUESTION_2}

Alex Chen  00:01:38
{ANSWER_2}
""",
    "saved captions": f"""[Priya Raman] 10:02:33
{QUESTION_1}
[Alex Chen] 10:02:40
{ANSWER_1}
[Priya Raman] 10:04:01
{QUESTION_2}
[Alex Chen] 10:04:09
{ANSWER_2}
""",
    "times first": f"""[00:00:02] Interviewer: {QUESTION_1}
[00:00:09] Candidate: {ANSWER_1}
00:01:31 - Interviewer: {QUESTION_2}
00:01:38 - Candidate: {ANSWER_2}
""",
    "times on their own lines": f"""00:00:02
Interviewer: {QUESTION_1}
00:00:09
Me: {ANSWER_1}

00:01:31
Interviewer: {QUESTION_2}
00:01:38
Me: {ANSWER_2}
""",
    "a Markdown export: a bold name and a time": f"""# Mock interview

**Priya Raman** (0:02)
{QUESTION_1}

**Alex Chen** (0:09)
{ANSWER_1}

**Priya Raman** (1:12)
{QUESTION_2}

**Alex Chen** (1:20)
{ANSWER_2}
""",
    "numbered speakers with times": f"""Speaker 1 (00:00):
{QUESTION_1}

Speaker 2 (00:07):
{ANSWER_1}

Speaker 1 (01:12):
{QUESTION_2}

Speaker 2 (01:20):
{ANSWER_2}
""",
    "chat lines": f"""Interview practice - chat log
14:01:10 From Priya Raman to Everyone:
\t{QUESTION_1}
14:02:30 From Alex Chen to Everyone:
\t{ANSWER_1}
14:03:00 From Priya Raman to Everyone:
\t{QUESTION_2}
14:03:41 From Alex Chen to Everyone:
\t{ANSWER_2}
""",
    "names on their own lines": f"""Priya Raman started transcription

Priya Raman
0:03
{QUESTION_1}

Alex Chen
0:10
{ANSWER_1}

Priya Raman
1:31
{QUESTION_2}

Alex Chen
1:38
{ANSWER_2}

Priya Raman stopped transcription
""",
    "browser chat copy": f"""You said:
Please interview me for an ML engineering job, one question at a time.
ChatGPT said:
{QUESTION_1}
You said:
{ANSWER_1}
ChatGPT said:
{QUESTION_2}
You said:
{ANSWER_2}
""",
    "headings and metadata": f"""# Practice round

**Date:** 2024-05-02
**Round:** ML fundamentals

## Interviewer
{QUESTION_1}

## Me
{ANSWER_1}

## Interviewer
{QUESTION_2}

## Me
{ANSWER_2} (edited)
""",
    "numbered questions, no speakers": f"""My notes from Tuesday's mock

1. **{QUESTION_1}**
   {ANSWER_1}

2) {QUESTION_2}
{ANSWER_2}
""",
    "cue timings without their file": f"""0:0:0.0 --> 0:0:6.5
Priya Raman
{QUESTION_1}

0:0:7.1 --> 0:0:12.48
Alex Chen
{ANSWER_1}

0:1:31.0 --> 0:1:35.2
Priya Raman
{QUESTION_2}

0:1:38.9 --> 0:1:44.0
Alex Chen
{ANSWER_2}
""",
    "a time after the name": f"""Priya Raman: [00:00:02] {QUESTION_1}

Alex Chen: [00:00:09] {ANSWER_1}

Priya Raman: [00:01:31] {QUESTION_2}

Alex Chen: [00:01:38] {ANSWER_2}
""",
    "a time, then a name and a company": f"""Mock interview - May 2
VIEW RECORDING: https://example.com/share/abc

0:00 - Priya Raman (Acme Labs)
  {QUESTION_1}

0:07 - Alex Chen
  {ANSWER_1}

1:31 - Priya Raman (Acme Labs)
  {QUESTION_2}

1:38 - Alex Chen
  {ANSWER_2}
""",
    "a note with a header and takeaways": f"""# Mock interview

**Date:** 2024-05-02
**Interviewer:** Sam (ex-Google)
**Format:** 30 min, technical

---

### 1. Overfitting

**Q:** {QUESTION_1}

**A:** {ANSWER_1}

### 2. Tensor Cores

**Q:** {QUESTION_2}

**A:** {ANSWER_2}

---

## Takeaways
- Say more about early stopping.
""",
    "a diarizing transcriber": f"""[SPEAKER_01]: {QUESTION_1}
[SPEAKER_00]: {ANSWER_1}
[SPEAKER_01]: {QUESTION_2}
[SPEAKER_00]: {ANSWER_2}
""",
    "a chat with dated messages": f"""priya_r — 05/02/2024 9:14 PM
{QUESTION_1}
alexc — 05/02/2024 9:16 PM
{ANSWER_1}
priya_r — Today at 9:20 PM
{QUESTION_2}
alexc — Today at 9:21 PM
{ANSWER_2}
""",
    "a video editor's timecodes": f"""00:00:00:00 - 00:00:06:12
Speaker 1
{QUESTION_1}

00:00:07:03 - 00:00:12:20
Speaker 2
{ANSWER_1}

00:01:31:00 - 00:01:35:09
Speaker 1
{QUESTION_2}

00:01:38:15 - 00:01:44:02
Speaker 2
{ANSWER_2}
""",
    "closing words, a tag and a tool's disclaimer": f"""Priya Raman: {QUESTION_1}
Alex Chen: {ANSWER_1}
#followup ask about early stopping next time
Priya Raman: {QUESTION_2}
Alex Chen: {ANSWER_2}
Priya Raman: Great, that's all I had. Thanks!

This editable transcript was computer generated and might contain errors.
""",
    "a messaging app's export": f"""02/05/2024, 21:13 - Messages are end-to-end encrypted.
02/05/2024, 21:14 - Priya Raman: {QUESTION_1}
02/05/2024, 21:16 - Alex Chen: {ANSWER_1}
02/05/2024, 21:18 - Priya Raman: {QUESTION_2}
02/05/2024, 21:19 - Alex Chen: {ANSWER_2}
""",
    "messages copied with name and date headers": f"""Priya Raman, [02.05.2024 21:14]
{QUESTION_1}

Alex Chen, [02.05.2024 21:16]
{ANSWER_1}

Priya Raman, [02.05.2024 21:18]
{QUESTION_2}

Alex Chen, [02.05.2024 21:19]
{ANSWER_2}
""",
    "a work chat with last-name-first names": f"""[5/2/2024 9:14 AM] Raman, Priya: {QUESTION_1}
[5/2/2024 9:16 AM] Chen, Alex: {ANSWER_1}
[5/2/2024 9:18 AM] Raman, Priya: {QUESTION_2}
[5/2/2024 9:19 AM] Chen, Alex: {ANSWER_2}
""",
    "a transcriber's console output": f"""loading model from 'models/ggml-base.en.bin'

[00:00:00.000 --> 00:00:04.000]  (speaker 3) {QUESTION_1}
[00:00:04.500 --> 00:00:09.000]  (speaker 4) {ANSWER_1}
[00:01:31.000 --> 00:01:35.000]  (speaker 3) {QUESTION_2}
[00:01:38.000 --> 00:01:44.000]  (speaker 4) {ANSWER_2}
""",
    "a note-taker's summary, then the transcript": f"""Mock interview - ML fundamentals
Participants: Priya Raman, Alex Chen

Action Items
Priya Raman
- Send the next set of questions.

Transcript

Priya Raman - 00:00
{QUESTION_1}

Alex Chen - 00:07
{ANSWER_1}

Priya Raman - 01:31
{QUESTION_2}

Alex Chen - 01:38
{ANSWER_2}
""",
    "a practice site's report": f"""Practice Session Report
Overall score: 71 / 100

──────────
Question 1 of 2 · Warm-up

AI Interviewer: {QUESTION_1}

Your answer · 0:41
{ANSWER_1}

──────────
Q2 of 2

{QUESTION_2}

Your answer (transcribed):
{ANSWER_2}
""",
    "a transcription service's pages": f"""ML mock, May 2 (Completed 05/02/24)
Transcript by Rev.com

Speaker 1 (00:02):
[laughs] {QUESTION_1}

Speaker 2 (00:09):
{ANSWER_1} [inaudible 00:00:15]

ML mock, May 2 (Completed 05/02/24)
Transcript by Rev.com
Page 1 of 2

Speaker 1 (01:31):
{QUESTION_2} [crosstalk]

Speaker 2 (01:38):
{ANSWER_2}

ML mock, May 2 (Completed 05/02/24)
Transcript by Rev.com
Page 2 of 2
""",
    "bold labels": f"""**Interviewer:** {QUESTION_1}

**Me:** {ANSWER_1}

**Q**: {QUESTION_2}
__A:__ {ANSWER_2}
""",
    "bulleted notes": f"""- Interviewer: {QUESTION_1}
- Me: {ANSWER_1}
* Q: {QUESTION_2}
• A: {ANSWER_2}
""",
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_each_layout_reads_as_the_same_questions_and_answers(tmp_path, layout):
    path = tmp_path / "call.txt"
    path.write_text(LAYOUTS[layout], encoding="utf-8")
    speakers = Speakers.named(
        [
            "Priya Raman",
            "Speaker 1",
            "ChatGPT",
            "SPEAKER_01",
            "priya_r",
            "Raman, Priya",
            "speaker 3",
        ],
        ["Alex Chen", "Speaker 2", "You", "SPEAKER_00", "alexc", "Chen, Alex", "speaker 4"],
    )
    transcript = read_transcript(path, speakers=speakers)
    assert transcript.format == "text"
    assert [(t.question, t.answer) for t in transcript.turns] == [
        (QUESTION_1, ANSWER_1),
        (QUESTION_2, ANSWER_2),
    ]


def test_a_time_inside_an_answer_stays_text(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(
        "Interviewer: When did the run die?\n"
        "Me: The loss went to NaN overnight.\n"
        "3:00 is when the job died, right after the learning rate warmup ended.\n"
        "12:30\n",
        encoding="utf-8",
    )
    (turn,) = read_transcript(path).turns
    assert turn.answer == (
        "The loss went to NaN overnight.\n"
        "3:00 is when the job died, right after the learning rate warmup ended."
    )


def test_a_name_with_a_time_still_needs_saying_who_it_is(tmp_path):
    path = tmp_path / "call.txt"
    path.write_text(LAYOUTS["names and long times"], encoding="utf-8")
    with pytest.raises(TranscriptError) as caught:
        read_transcript(path)
    assert str(caught.value).startswith(f"{path}:1: unknown speaker 'Priya Raman'")


def test_a_file_that_is_no_transcript_says_what_to_do(tmp_path):
    import shutil
    import zipfile

    from agent.documents import OLD_WORD

    slides = tmp_path / "Interview notes.odp"  # zipped, but not a Word document
    with zipfile.ZipFile(slides, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("content.xml", "<office:document>" + "Why? " * 200 + "</office:document>")
    old_word = tmp_path / "transcript.doc"
    old_word.write_bytes(OLD_WORD + bytes(600))
    broken_word = tmp_path / "transcript.docx"
    with zipfile.ZipFile(broken_word, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<w:document>" + "Interviewer: Why? " * 200)
    pdf = tmp_path / "transcript.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    recording = tmp_path / "answer.txt"  # a recording under the wrong name
    shutil.copy(next((DATA / "librivox").glob("*.wav")), recording)
    for path, says in (
        (slides, ":1: a zipped document, not text or a Word .docx: save it as plain text"),
        (old_word, ": an old Word .doc (or another Office file): save it as .docx, PDF or text"),
        (broken_word, ": not a readable Word document"),
        (pdf, ": "),
        (recording, ":1: audio or video, not a transcript: use --audio FILE --question ID"),
    ):
        with pytest.raises(UsageError) as caught:
            read_transcript(path)
        assert str(caught.value).startswith(f"{path}{says}")
        assert "\n" not in str(caught.value)
    with pytest.raises(UsageError, match="not a readable PDF|no text layer"):
        read_transcript(pdf)


def test_the_command_says_which_lines_it_skipped(run_viva, viva_home, tmp_path):
    path = tmp_path / "otter.txt"
    path.write_text("Mock interview, 3 May\n\n" + LAYOUTS["service export"], encoding="utf-8")
    proc = run_viva("debrief", "--transcript", str(path), "--grader", "offline")
    assert proc.returncode == 0, proc.stderr
    assert "Imported 2 turns" in proc.stderr
    assert "Skipped line 1, before the first question" in proc.stderr
    assert f"**Question:** {QUESTION_1}" in proc.stdout  # no time, no title in it
    assert "Mock interview, 3 May" not in proc.stdout


def test_the_interviewers_last_words_with_no_answer_are_left_out_and_said(
    run_viva, viva_home, tmp_path
):
    path = tmp_path / "call.txt"
    path.write_text(
        f"Interviewer: {QUESTION_1}\nMe: {ANSWER_1}\nInterviewer: Okay, let's stop there.\n",
        encoding="utf-8",
    )
    assert read_transcript(path).closing == 3
    proc = run_viva("debrief", "--transcript", str(path), "--grader", "offline")
    assert proc.returncode == 0, proc.stderr
    assert "Imported 1 turn " in proc.stderr
    assert "Left out the interviewer's last words (line 3): nobody answered them." in proc.stderr
    assert "stop there" not in proc.stdout


def test_captions_skip_the_candidates_hello_and_leave_out_the_closing_words(tmp_path):
    path = tmp_path / "call.vtt"
    path.write_text(
        "WEBVTT\n\n"
        "00:00:00.500 --> 00:00:01.800\n<v Alex Chen>Hi! Can you hear me?</v>\n\n"
        f"00:00:02.000 --> 00:00:06.000\n<v Priya Raman>Yes. {QUESTION_1}</v>\n\n"
        f"00:00:07.000 --> 00:00:12.000\n<v Alex Chen>{ANSWER_1}</v>\n\n"
        "00:00:13.000 --> 00:00:15.000\n<v Priya Raman>Great, that's all I had.</v>\n",
        encoding="utf-8",
    )
    t = read_transcript(path, speakers=Speakers.named(["Priya Raman"], ["Alex Chen"]))
    assert [(turn.question, turn.answer) for turn in t.turns] == [(f"Yes. {QUESTION_1}", ANSWER_1)]
    assert t.skipped == (4, 4) and t.closing == 13


@pytest.mark.parametrize(
    ("layout", "interviewer", "line", "name"),
    [
        ("a time, then a name and a company", [], 4, "Priya Raman"),
        ("names on their own lines", [], 3, "Priya Raman"),
        ("a time, then a name and a company", ["Priya Raman"], 7, "Alex Chen"),
    ],
)
def test_a_speaker_nobody_placed_is_named_not_read_as_someone_elses_words(
    tmp_path, layout, interviewer, line, name
):
    """Headers that name people with no colon ('0:07 - Alex Chen', 'Alex Chen' alone) with the
    names not given, or one of them misspelled: the import stops at the name, never reads one
    person's words as the other's or finds 'no questions'."""
    path = tmp_path / "call.txt"
    path.write_text(LAYOUTS[layout], encoding="utf-8")
    with pytest.raises(TranscriptError) as caught:
        read_transcript(path, speakers=Speakers.named(interviewer, ["Alex Chenn"]))
    assert str(caught.value).startswith(f"{path}:{line}: unknown speaker {name!r}")


def test_a_chat_with_an_assistant_needs_no_names(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text(
        "You said:\nInterview me for an ML engineer role, one question at a time.\n"
        f"ChatGPT said:\n{QUESTION_1}\nYou said:\n{ANSWER_1}\n"
        f"Claude: {QUESTION_2}\nUser: {ANSWER_2}\n",
        encoding="utf-8",
    )
    t = read_transcript(path)
    assert [(turn.question, turn.answer) for turn in t.turns] == [
        (QUESTION_1, ANSWER_1),
        (QUESTION_2, ANSWER_2),
    ]
    assert t.skipped == (1, 2)


def test_a_recordings_times_give_each_answer_its_pace(tmp_path):
    """Header times ('Name  0:05') time an answer from the candidate's first words to the next
    speaker; spans ('0:0:7.1 --> 0:0:12.48') also time the last one. A chat's clock ('10:32 AM',
    a date) is when a message was typed: no pace."""
    from agent.report.imports.model import text_metrics

    speakers = Speakers.named(["Priya Raman", "priya_r"], ["Alex Chen", "alexc"])
    recorder = (
        f"Priya Raman  0:02\n{QUESTION_1}\n\nAlex Chen  0:05\n{ANSWER_1}\n\n"
        f"Priya Raman  0:11\n{QUESTION_2}\n\nAlex Chen  0:14\n{ANSWER_2}\n"
    )

    def timing(text: str) -> list[tuple[float | None, float | None]]:
        path = tmp_path / "call.txt"
        path.write_text(text, encoding="utf-8")
        turns = read_transcript(path, speakers=speakers).turns
        return [(t.seconds, (t.metrics or {}).get("words_per_minute")) for t in turns]

    def pace(answer: str, seconds: float) -> float:
        return round(text_metrics(answer)["words"] / seconds * 60, 1)

    # 'Alex Chen  0:05' to 'Priya Raman  0:11': 6 s; the last answer has no end
    assert timing(recorder) == [(6.0, pace(ANSWER_1, 6)), (None, None)]
    # spans: 7.1 s to 12.48 s, and 98.9 s to 104.0 s
    assert timing(LAYOUTS["cue timings without their file"]) == [
        (5.38, pace(ANSWER_1, 5.38)),
        (5.1, pace(ANSWER_2, 5.1)),
    ]
    # 'Alex Chen  00:00:09' to 'Priya Raman  00:01:31': 82 s, a pace nobody speaks at (about
    # 10 words a minute): not the answer's time
    assert timing(LAYOUTS["names and long times"]) == [(None, None), (None, None)]
    assert timing(LAYOUTS["a chat with dated messages"]) == [(None, None), (None, None)]
    assert timing(LAYOUTS["a messaging app's export"]) == [(None, None), (None, None)]


def test_text_alone_measures_no_pauses(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(f"Q: Why does this matter?\nA: Um, {ANSWER_1}\n", encoding="utf-8")
    (turn,) = read_transcript(path).turns
    assert turn.metrics is None and turn.seconds is None
    from agent.report.imports.model import text_metrics

    counted = text_metrics(turn.answer)
    assert counted["filler_count"] == 1 and "long_pauses" not in counted


def test_a_header_field_is_a_name_not_a_sentence(tmp_path):
    path = tmp_path / "notes.txt"
    explain = "Explain the stages of training a chat model like the ones we use today."
    path.write_text(
        "Mock interview - LLM training round\nDate: May 30, 2025\n"
        "Goal: answer each question in under a minute.\n"
        f"Interviewer: {explain}\nMe: {ANSWER_1}\nInterviewer: {QUESTION_2}\nMe: {ANSWER_2}\n",
        encoding="utf-8",
    )
    transcript = read_transcript(path)
    assert [(t.question, t.answer) for t in transcript.turns] == [
        (explain, ANSWER_1),
        (QUESTION_2, ANSWER_2),
    ]
    assert transcript.skipped == (1, 3)


NOTES_WITHOUT_LABELS = {
    "a heading a question": f"""# Mock interview, training at scale
Written down after the call.
## {QUESTION_1}
{ANSWER_1}
## {QUESTION_2}
{ANSWER_2}
# Reflections
- Name the stages next time.
""",
    "a list item a question": f"""Practice with a friend
- {QUESTION_1}
{ANSWER_1}
- {QUESTION_2}
{ANSWER_2}
## To improve
- Give the formula.
- Slow down.
""",
    "a table's numbered rows": f"""LLM serving, phone screen
#
Question
My answer (as I said it)
1
{QUESTION_1}
{ANSWER_1}
2
{QUESTION_2}
{ANSWER_2}
Things to look up
- PagedAttention block sizes
""",
    "a lower-case heading above a checklist": f"""Notes
Farah: {QUESTION_1}
Me: {ANSWER_1}
Farah: {QUESTION_2}
Me: {ANSWER_2}
todo
○ reread about label delay
○ practice the threshold example
""",
    "numbered topics above the questions": f"""Mock interview, training stability
Q1 · Loss spikes
Farah: {QUESTION_1}
Me: {ANSWER_1}
Q2 · Warmup
Farah: {QUESTION_2}
Me: {ANSWER_2}
""",
    "captions copied with their numbers": f"""recording.transcript.vtt
1
00:00:03.120 --> 00:00:04.499
Farah: {QUESTION_1}
2
00:00:04.849 --> 00:00:10.711
Me: {ANSWER_1}
3
00:00:11.061 --> 00:00:13.130
Farah: {QUESTION_2}
4
00:00:14.280 --> 00:00:16.349
Me: {ANSWER_2}
""",
    "a question callout with the answer under it": f"""Mock interview, PyTorch internals
date: 2024-06-02
Question
{QUESTION_1}
{ANSWER_1}
Question
{QUESTION_2}
{ANSWER_2}
Follow-ups
- look up Dynamo guards
""",
}


@pytest.mark.parametrize("layout", list(NOTES_WITHOUT_LABELS))
def test_notes_with_no_answer_labels(tmp_path, layout):
    path = tmp_path / "notes.txt"
    path.write_text(NOTES_WITHOUT_LABELS[layout], encoding="utf-8")
    names = Speakers.named(["Farah"], [])
    turns = [(t.question, t.answer) for t in read_transcript(path, speakers=names).turns]
    assert turns == [(QUESTION_1, ANSWER_1), (QUESTION_2, ANSWER_2)]


def test_times_and_names_as_a_transcribers_table_prints_them(tmp_path):
    path = tmp_path / "call.txt"
    path.write_text(
        f"Priya Raman\n[00:00:02] {QUESTION_1}\nAlex Chen\n[00:00:09] {ANSWER_1}\n"
        f"00:01:31 Priya Raman {QUESTION_2}\n00:01:38 Alex Chen\n{ANSWER_2}\n",
        encoding="utf-8",
    )
    names = Speakers.named(["Priya Raman"], ["Alex Chen"])
    turns = [(t.question, t.answer) for t in read_transcript(path, speakers=names).turns]
    assert turns == [(QUESTION_1, ANSWER_1), (QUESTION_2, ANSWER_2)]
