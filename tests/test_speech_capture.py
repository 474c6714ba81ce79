"""Capture: WAV written as it records, turn-taking, device errors, and a real end-to-end
recording through a PulseAudio null sink used as a virtual microphone."""

from __future__ import annotations

import builtins
import json
import subprocess
import sys
import wave

import pytest
from audio_tools import (
    REPO,
    VirtualMic,
    espeak_answer,
    espeak_wav,
    have,
    recorded_fidelity,
    shared_transcriber,
)
from conftest import need

from agent.errors import AudioError
from agent.speech import capture
from agent.speech.glossary import glossary_for
from agent.speech.media import load_audio
from agent.speech.vad import FRAME_SECONDS, SileroScorer, TurnDetector, VadParams
from agent.speech.wer import wer

MIC_ANSWER = [
    "This kernel is limited by HBM bandwidth, not by compute, so it is memory bound.",
    "For multi GPU training, NCCL runs the all reduce of the gradients over NVLink.",
    "With LoRA we freeze the pretrained weights and train two small low rank matrices.",
]


# ------------------------------------------------------------------ WAV survives a crash


def test_wav_is_readable_after_a_crash(tmp_path):
    path = tmp_path / "answer.wav"
    script = f"""
import os, numpy as np
from agent.speech import capture
capture.HEADER_EVERY = 0.0
wav = capture.IncrementalWav({str(path)!r})
for i in range(30):
    wav.write(np.full(1600, 0.1, dtype=np.float32))
os._exit(1)  # crash: no close()
"""
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=False)
    with wave.open(str(path)) as reader:
        assert reader.getframerate() == 16000 and reader.getnchannels() == 1
        assert reader.getnframes() == 30 * 1600


def test_repair_wav_restores_sizes(tmp_path):
    import numpy as np

    path = tmp_path / "answer.wav"
    wav = capture.IncrementalWav(path)
    wav.write(np.zeros(16000, dtype=np.float32))
    wav.close()
    with open(path, "r+b") as fh:  # a header written before the last frames arrived
        fh.seek(40)
        fh.write((0).to_bytes(4, "little"))
    assert capture.repair_wav(path) == 16000
    assert len(load_audio(path)) == 16000


# ------------------------------------------------------------------ turn-taking


def test_turn_detector_waits_through_thinking_pauses_then_ends():
    params = VadParams(silence_seconds=3.0, max_seconds=60)
    det = TurnDetector(params)
    frames = lambda seconds, p: [p] * int(round(seconds / FRAME_SECONDS))  # noqa: E731
    assert det.feed(frames(2.0, 0.0)) == "waiting"
    assert det.feed(frames(0.1, 0.9)) == "waiting"  # a click is not an answer
    assert det.feed(frames(0.2, 0.0) + frames(3.0, 0.9)) == "speaking"
    assert det.feed(frames(2.5, 0.0) + frames(1.0, 0.9)) == "speaking"  # a pause to think
    assert det.feed(frames(3.1, 0.0)) == "ended" and det.reason == "silence"


def test_turn_detector_hard_cap():
    det = TurnDetector(VadParams(silence_seconds=3.0, max_seconds=5.0))
    assert det.feed([0.9] * 200) == "ended" and det.reason == "max-length"


def test_silero_turn_end_on_real_speech(tmp_path):
    need(have("espeak-ng", "sox"), "espeak-ng and sox")
    import numpy as np

    speech = load_audio(
        espeak_wav("The gradient is averaged over the mini batch.", tmp_path / "s.wav")
    )
    audio = np.concatenate([np.zeros(16000, np.float32), speech, np.zeros(16000 * 4, np.float32)])
    det, scorer = TurnDetector(VadParams(silence_seconds=2.0)), SileroScorer()
    ended_at = None
    for i in range(0, len(audio), 1600):
        if det.feed(scorer(audio[i : i + 1600])) == "ended":
            ended_at = (i + 1600) / 16000
            break
    speech_end = 1.0 + len(speech) / 16000
    assert det.reason == "silence" and ended_at is not None
    assert speech_end + 1.5 < ended_at < speech_end + 3.0
    assert 0.5 < det.speech_started_at < 1.6


# ------------------------------------------------------------------ device errors


def test_unknown_device_gives_audio_error_offering_text_mode(tmp_path):
    rec = capture.Recorder(tmp_path / "a.wav", device="no-such-microphone-xyz")
    with pytest.raises(AudioError) as err:
        rec.start()
    message = str(err.value)
    assert "text mode" in message
    # here (no sound card) PortAudio may see no input at all; with devices, the name is quoted
    assert "no-such-microphone-xyz" in message or "no audio input device" in message


def test_portaudio_missing_gives_audio_error(monkeypatch, tmp_path):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(AudioError) as err:
        capture.Recorder(tmp_path / "a.wav").start()
    assert "PortAudio" in str(err.value) and "libportaudio2" in str(err.value)
    assert "text mode" in str(err.value)


# ------------------------------------------------------------------ end to end, virtual mic


@pytest.fixture(scope="module")
def virtual_mic(tmp_path_factory):
    need(have("pulseaudio", "pactl", "paplay"), "pulseaudio and pulseaudio-utils")
    need(
        any(p.exists() for p in _alsa_pulse_plugins()),
        "libasound2-plugins (ALSA's pulse plugin, so PortAudio sees the 'pulse' device)",
    )
    mic = VirtualMic(tmp_path_factory.mktemp("pulse"))
    try:
        mic.start()
    except RuntimeError as exc:
        need(False, f"a working pulseaudio daemon ({exc})")
    yield mic
    mic.stop()


def _alsa_pulse_plugins():
    from pathlib import Path

    return list(Path("/usr/lib").glob("*/alsa-lib/libasound_module_pcm_pulse.so"))


RECORD_SCRIPT = """
import json, sys
from agent.speech.capture import Recorder
from agent.speech.streaming import StreamingTranscriber
from agent.speech.transcribe import Transcriber
from agent.speech.glossary import glossary_for
from agent.speech.vad import VadParams

stream = StreamingTranscriber(Transcriber(), glossary_for())
rec = Recorder(sys.argv[1], mode="hands-free", device="pulse",
               vad_params=VadParams(silence_seconds=2.0, max_seconds=60), on_audio=stream.feed)
rec.start()
print("READY", flush=True)
ended = rec.wait(90)
recording = rec.stop()
result = stream.finish()
print(json.dumps({"ended": ended, "recording": recording.model_dump(), "streamed": result.text,
                  "closed_while_speaking": stream.closed_while_speaking}), flush=True)
"""


def test_records_answer_from_virtual_microphone(virtual_mic, tmp_path):
    need(have("espeak-ng", "sox"), "espeak-ng and sox")
    answer = espeak_answer(MIC_ANSWER, [1.0, 0.7], tmp_path / "answer.wav")
    answer_seconds = len(load_audio(answer)) / 16000
    out = tmp_path / "session" / "q1.wav"
    proc = subprocess.Popen(
        [sys.executable, "-c", RECORD_SCRIPT, str(out)],
        cwd=REPO,
        env=virtual_mic.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == "READY", line + proc.stderr.read()[-2000:]
        player = virtual_mic.play(answer)
        assert player.wait(timeout=60) == 0
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr[-2000:]
    data = json.loads(stdout.strip().splitlines()[-1])
    assert data["ended"] is True
    recording = data["recording"]
    assert recording["reason"] == "silence" and recording["speech_detected"]
    # the whole answer plus the 2 s of silence that ended it (and a little start-up slack)
    assert answer_seconds + 1.5 < recording["duration"] < answer_seconds + 12
    # the recording holds the answer as played, sample for sample
    fidelity = recorded_fidelity(load_audio(answer), load_audio(out))
    assert fidelity >= 0.95, f"fidelity {fidelity:.3f}, {recording['overflows']} overflows"
    # and reads as well as the played file does: tiny.en on espeak already misses a fifth to a
    # quarter of these words ("HBM and with that I compute"), so the bar is the file's own
    # transcript
    reference = " ".join(MIC_ANSWER)
    transcriber = shared_transcriber()
    baseline = wer(reference, transcriber.transcribe(answer, glossary=glossary_for()).text)
    transcript = transcriber.transcribe(out, glossary=glossary_for())
    assert baseline <= 0.35  # the synthetic answer itself is intelligible
    assert wer(reference, transcript.text) <= baseline + 0.1, transcript.text
    assert wer(reference, data["streamed"]) <= baseline + 0.1, data["streamed"]


def test_device_rate_fallback_resamples_to_16k():
    """A device that cannot record at 16 kHz is recorded at its own rate and resampled."""
    import numpy as np

    t = np.arange(48000) / 48000
    tone = np.sin(2 * np.pi * 440 * t).astype(np.float32)
    resample = capture._Resampler(48000, 16000)
    out = np.concatenate([resample(tone[i : i + 4800]) for i in range(0, 48000, 4800)])
    assert abs(len(out) - 16000) <= 2
    expected = np.sin(2 * np.pi * 440 * np.arange(len(out)) / 16000)
    assert np.max(np.abs(out - expected)) < 0.02
