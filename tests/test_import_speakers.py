"""Who said what in an imported transcript: the standard labels (also `Me:` and numbered
`Q1:`/`A1:`), names given with `--interviewer` / `--candidate` (a video call's captions label
people by name), and a clear `file:line` error for a name Viva cannot place, never an answer
silently read as part of the question."""

from __future__ import annotations

import json

import pytest

from agent.report.imports import Speakers, TranscriptError, read_transcript

ZOOM_VTT = """WEBVTT

1
00:00:01.200 --> 00:00:06.100
Priya Raman: Why does training run out of GPU memory when the sequence length grows?

2
00:00:08.000 --> 00:00:15.500
Alex Chen: Attention scores are a sequence-by-sequence matrix per head,

3
00:00:15.600 --> 00:00:21.000
Alex Chen: so the activations saved for backward grow quadratically with the length.
"""


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_me_interviewee_and_numbered_labels_are_read(tmp_path):
    path = _write(
        tmp_path,
        "notes.txt",
        "Interviewer: Why does a larger batch need a larger learning rate?\n"
        "Me: The gradient estimate is less noisy, so a bigger step is safe.\n"
        "\n"
        "Q2: What does doubling the batch do to GPU memory?\n"
        "A2: Activations double; weights and optimizer state do not.\n"
        "Question 3: What is warmup for?\n"
        "Interviewee: Early steps are unstable with a large learning rate.\n",
    )
    turns = read_transcript(path).turns
    assert [t.question.split()[0] for t in turns] == ["Why", "What", "What"]
    assert [t.answer.split()[0] for t in turns] == ["The", "Activations", "Early"]
    assert [t.line for t in turns] == [1, 4, 6]


def test_an_unknown_name_answering_is_an_error_not_part_of_the_question(tmp_path):
    path = _write(
        tmp_path,
        "call.txt",
        "Interviewer: Why does a larger batch need a larger learning rate?\n"
        "Sam: The gradient estimate is less noisy.\n",
    )
    with pytest.raises(TranscriptError) as info:
        read_transcript(path)
    assert info.value.line == 2
    assert "unknown speaker 'Sam'" in info.value.problem and "--candidate 'Sam'" in str(info.value)

    turns = read_transcript(path, speakers=Speakers.named(candidate=["sam"])).turns
    assert len(turns) == 1 and turns[0].answer == "The gradient estimate is less noisy."


def test_both_sides_named_in_plain_text(tmp_path):
    path = _write(
        tmp_path,
        "call.txt",
        "Priya: What is a CUDA warp?\nAlex: Thirty-two threads that run in lockstep.\n",
    )
    with pytest.raises(TranscriptError, match="unknown speaker 'Priya'") as info:
        read_transcript(path)
    assert info.value.line == 1
    named = Speakers.named(interviewer=["Priya"], candidate=["Alex"])
    (turn,) = read_transcript(path, speakers=named).turns
    assert (turn.question, turn.answer) == (
        "What is a CUDA warp?",
        "Thirty-two threads that run in lockstep.",
    )


def test_a_label_like_line_inside_an_answered_question_stays_text(tmp_path):
    path = _write(
        tmp_path,
        "notes.txt",
        "Q: Read this snippet and tell me what it does.\n"
        "Example: x = torch.zeros(4, device='cuda')\n"
        "A: It allocates four zeros on the GPU.\n"
        "Note: the answer also mentions the default dtype, float32.\n",
    )
    (turn,) = read_transcript(path).turns
    assert turn.question.endswith("device='cuda')")
    assert turn.answer.endswith("float32.")


def test_call_captions_with_names_need_the_sides_named(tmp_path):
    path = _write(tmp_path, "call.vtt", ZOOM_VTT)
    with pytest.raises(TranscriptError, match="unknown speaker 'Priya Raman'") as info:
        read_transcript(path)
    assert info.value.line == 5

    named = Speakers.named(interviewer=["priya  raman"], candidate=["Alex Chen"])
    (turn,) = read_transcript(path, speakers=named).turns
    assert turn.question.startswith("Why does training run out of GPU memory")
    assert turn.answer.endswith("grow quadratically with the length.")
    assert turn.metrics["time_to_first_word"] == 1.9 and turn.metrics["speaking_time"] == 12.9


NAMED = [
    (  # Teams: voice tags
        "teams.vtt",
        "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\n<v Dana Lee>What is gradient clipping?</v>\n\n"
        "00:00:04.000 --> 00:00:08.000\n<v Me>It caps the gradient norm before the step.</v>\n",
        "Dana Lee",
        Speakers.named(interviewer=["Dana Lee"]),
        "It caps the gradient norm before the step.",
    ),
    (  # names in any script
        "names.vtt",
        "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nJosé García: What does a warp scheduler do?\n\n"
        "00:00:04.000 --> 00:00:08.000\n王伟: It picks a ready warp to issue each cycle.\n",
        "José García",
        Speakers.named(interviewer=["José García"], candidate=["王伟"]),
        "It picks a ready warp to issue each cycle.",
    ),
    (
        "notes.txt",
        "Zoë: What is a warp?\nMe: Thirty-two threads.\n",
        "Zoë",
        Speakers.named(interviewer=["zoë"]),
        "Thirty-two threads.",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "unknown", "speakers", "answer"), NAMED, ids=[n[0] for n in NAMED]
)
def test_named_speakers_are_refused_until_the_sides_are_named(
    tmp_path, name, content, unknown, speakers, answer
):
    path = _write(tmp_path, name, content)
    with pytest.raises(TranscriptError, match=f"unknown speaker '{unknown}'"):
        read_transcript(path)
    (turn,) = read_transcript(path, speakers=speakers).turns
    assert turn.answer == answer


def test_numbered_speakers_need_no_names(tmp_path):
    """A notes app's captions with numbered speakers: read as who asks (test_import_roles)."""
    path = _write(
        tmp_path,
        "otter.srt",
        "1\n00:00:00,000 --> 00:00:03,000\nSpeaker 1: What is gradient clipping?\n\n"
        "2\n00:00:04,000 --> 00:00:08,000\nSpeaker 2: It caps the gradient norm.\n",
    )
    transcript = read_transcript(path)
    (turn,) = transcript.turns
    assert turn.answer == "It caps the gradient norm."
    assert transcript.notices()[0].startswith("Read 'Speaker 1' as the interviewer")
    named = Speakers.named(interviewer=["Speaker 1"], candidate=["Speaker 2"])
    assert read_transcript(path, speakers=named).turns[0].answer == turn.answer


def test_debrief_command_names_the_sides(run_viva, viva_home, tmp_path):
    path = _write(tmp_path, "call.vtt", ZOOM_VTT)
    refused = run_viva("debrief", "--transcript", str(path))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == (
        f"viva: {path}:5: unknown speaker 'Priya Raman': say who that is with "
        "--interviewer 'Priya Raman' or --candidate 'Priya Raman' "
        "(or label the lines Q:/A: or Interviewer:/Candidate:)"
    )
    assert not (viva_home / "data" / "sessions").exists()

    proc = run_viva(
        "debrief",
        "--transcript",
        str(path),
        "--interviewer",
        "Priya Raman",
        "--candidate",
        "Alex Chen",
        "--format",
        "json",
    )
    assert proc.returncode == 0, proc.stderr
    assert "Imported 1 turn from" in proc.stderr
    (question,) = json.loads(proc.stdout)["questions"]
    assert question["answered"] and "quadratically" in question["turns"][0]["answer"]

    stray = run_viva("debrief", "latest", "--interviewer", "Priya Raman")
    assert stray.returncode == 2
    assert "--interviewer and --candidate go with --transcript FILE" in stray.stderr
