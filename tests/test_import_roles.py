"""Transcripts whose voices are only numbered ('Speaker 1', 'SPEAKER_00'): with nobody named,
the interviewer is read as the voice that asks the questions, whichever speaks first, and the
import says which way it read them; named voices, and three numbered voices, are not guessed."""

from __future__ import annotations

import pytest
from test_import_layouts import ANSWER_1, ANSWER_2, QUESTION_1, QUESTION_2

from agent.report.imports import Speakers, TranscriptError, read_transcript
from agent.report.imports.roles import numbered_voices

CANDIDATE_FIRST = f"""Speaker 1 (00:00):
Hi! Can you hear me okay?

Speaker 2 (00:03):
Yes, loud and clear. Let's get going. {QUESTION_1}

Speaker 1 (00:09):
{ANSWER_1}

Speaker 2 (00:40):
{QUESTION_2}

Speaker 1 (00:44):
{ANSWER_2}
"""

WHISPERX = f"""[00:00:01.000 --> 00:00:04.200] [SPEAKER_00]: {QUESTION_1}
[00:00:04.900 --> 00:00:12.300] [SPEAKER_01]: {ANSWER_1}
[00:00:13.000 --> 00:00:15.100] [SPEAKER_00]: {QUESTION_2}
[00:00:15.800 --> 00:00:20.000] [SPEAKER_01]: {ANSWER_2}
"""

CAPTIONS = f"""WEBVTT

00:00:01.000 --> 00:00:04.000
<v Speaker 2>Morning! Thanks for having me.</v>

00:00:04.500 --> 00:00:08.000
<v Speaker 1>Sure. {QUESTION_1}</v>

00:00:08.500 --> 00:00:20.000
<v Speaker 2>{ANSWER_1}</v>

00:00:21.000 --> 00:00:24.000
<v Speaker 1>{QUESTION_2}</v>

00:00:24.500 --> 00:00:30.000
<v Speaker 2>{ANSWER_2}</v>
"""


def _read(tmp_path, name, text, speakers=None):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_transcript(path, speakers=speakers)


@pytest.mark.parametrize(
    ("name", "text", "interviewer", "candidate"),
    [
        ("rev.txt", CANDIDATE_FIRST, "Speaker 2", "Speaker 1"),
        ("whisperx.txt", WHISPERX, "SPEAKER_00", "SPEAKER_01"),
        ("call.vtt", CAPTIONS, "Speaker 1", "Speaker 2"),
    ],
)
def test_the_voice_that_asks_the_questions_is_the_interviewer(
    tmp_path, name, text, interviewer, candidate
):
    transcript = _read(tmp_path, name, text)
    first, second = transcript.turns
    assert QUESTION_1 in first.question and first.answer == ANSWER_1  # after 'Sure.'
    assert (second.question, second.answer) == (QUESTION_2, ANSWER_2)
    notice = transcript.notices()[0]
    assert notice.startswith(f"Read '{interviewer}' as the interviewer and '{candidate}' as")
    assert f"--interviewer '{candidate}' --candidate '{interviewer}'" in notice


def test_names_given_are_taken_as_given_and_nothing_is_guessed(tmp_path):
    named = Speakers.named(["Speaker 2"], ["Speaker 1"])
    transcript = _read(tmp_path, "rev.txt", CANDIDATE_FIRST, named)
    assert transcript.guessed_roles is None and len(transcript.turns) == 2
    swapped = Speakers.named(["Speaker 1"], ["Speaker 2"])  # the user's word, even if odd
    transcript = _read(tmp_path, "rev.txt", CANDIDATE_FIRST, swapped)
    assert transcript.guessed_roles is None
    assert transcript.turns[0].question == "Hi! Can you hear me okay?"


def test_three_numbered_voices_are_not_guessed(tmp_path):
    panel = WHISPERX + "[00:00:21.000 --> 00:00:23.000] [SPEAKER_02]: And one from me: why?\n"
    assert numbered_voices(panel) == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02"]
    with pytest.raises(TranscriptError, match="unknown speaker 'SPEAKER_00'"):
        _read(tmp_path, "panel.txt", panel)


def test_the_command_says_how_it_read_the_voices(tmp_path, run_viva):
    path = tmp_path / "rev.txt"
    path.write_text(CANDIDATE_FIRST, encoding="utf-8")
    out = run_viva("debrief", "--transcript", str(path))
    assert out.returncode == 0, out.stderr
    assert "Read 'Speaker 2' as the interviewer and 'Speaker 1' as the candidate" in out.stderr
    assert ANSWER_1 in out.stdout
