"""`viva transcribe` through the real command line: formats, JSON shape, clear errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from audio_tools import have, librivox_clips

from agent.speech.wer import wer

pytestmark = pytest.mark.audio


def _no_traceback(result):
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "name,content",
    [
        ("empty.wav", b""),
        ("corrupt.wav", b"RIFF\x10\x00\x00\x00WAVEfmt " + os.urandom(200)),
        ("notes.mp3", b"these are my interview notes, not audio\n" * 20),
        ("random.m4a", os.urandom(4096)),
        # FFmpeg opens this one (a text stream) but finds no audio in it
        (
            "transcript.txt",
            (Path(__file__).parent / "data" / "transcripts" / "call.txt").read_bytes(),
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "content",
)
def test_unreadable_files_exit_2_with_clear_message(run_viva, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    result = run_viva("transcribe", str(path))
    assert result.returncode == 2, result.stderr
    _no_traceback(result)
    assert result.stderr.startswith("viva: ")
    assert name in result.stderr
    assert any(
        words in result.stderr for words in ("empty", "not a readable audio", "no audio in it")
    )
    assert "index out of range" not in result.stderr  # PyAV's words, not the user's problem


def test_missing_file_and_folder(run_viva, tmp_path):
    for target, expected in ((tmp_path / "nope.wav", "no such file"), (tmp_path, "folder")):
        result = run_viva("transcribe", str(target))
        assert result.returncode == 2
        _no_traceback(result)
        assert expected in result.stderr


def test_transcribe_flac_to_json_with_metrics(run_viva, tmp_path):
    from conftest import need

    need(have("sox"), "sox")
    import subprocess

    wav, reference = librivox_clips()[0]
    flac = tmp_path / "answer.flac"
    subprocess.run(["sox", str(wav), str(flac)], check=True)
    result = run_viva("transcribe", str(flac), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert wer(reference, data["text"]) <= 0.15
    assert data["segments"] and {"start", "end", "text"} <= set(data["segments"][0])
    assert data["words"] and {"start", "end", "word", "probability"} <= set(data["words"][0])
    metrics = data["metrics"]
    assert 100 < metrics["words_per_minute"] < 250
    assert metrics["time_to_first_word"] < 1.5
    assert metrics["long_pauses"] == 0


def test_transcribe_text_output_and_unknown_question(run_viva):
    wav, reference = librivox_clips()[1]
    result = run_viva("transcribe", str(wav))
    assert result.returncode == 0, result.stderr
    first_line = result.stdout.splitlines()[0]
    assert wer(reference, first_line) <= 0.25
    assert "words per minute" in result.stdout and "[00:0" in result.stdout
    bad = run_viva("transcribe", str(wav), "--question", "no-such-question")
    assert bad.returncode == 2
    _no_traceback(bad)
    assert "no-such-question" in bad.stderr
