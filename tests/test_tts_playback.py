"""The interviewer's voice reaches the output device, and the microphone does not transcribe it.

A private PulseAudio daemon with a null sink (tests/audio_tools.VirtualMic) is both the output
device and, through its monitor, the microphone: exactly the case of loudspeakers next to the
microphone. The Speaker says a question; `parec` records the monitor (proof the audio reached
the device); a recorder without the gate hears the question (the microphone really picks it
up); a recorder with the speaker's capture gate records silence for it, and then hears the
candidate's answer played after the question.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from audio_tools import espeak_wav, have, shared_transcriber, sox_concat, sox_silence
from conftest import need
from test_tts_roundtrip import need_piper
from test_tui_voice import virtual_mic  # noqa: F401 - the fixture

from agent.speech.capture import Recorder, refresh_devices
from agent.speech.tts.speaker import Speaker
from agent.speech.wer import normalize, wer

pytestmark = [pytest.mark.audio, pytest.mark.slow]


def record_monitor(mic, out: Path) -> subprocess.Popen:
    """Record what the null sink plays (its monitor) to a 16 kHz WAV, with parec."""
    return subprocess.Popen(
        ["parec", "-d", f"{mic.SINK}.monitor", "--rate=16000", "--channels=1",
         "--format=s16le", "--file-format=wav", str(out)],
        env=mic.env,
    )  # fmt: skip


QUESTION = "Why does mixed precision training need loss scaling?"
ANSWER = "Tiny gradients can round to zero in sixteen bits, so we multiply them before the backward pass."


def test_question_reaches_the_output_and_the_gate_keeps_it_out_of_the_answer(
    virtual_mic,  # noqa: F811
    tmp_path,
):
    need_piper()
    need(have("parec", "espeak-ng", "sox"), "parec (pulseaudio-utils), espeak-ng, sox")
    refresh_devices()  # PortAudio started before the null sink existed
    # Half a second of silence first: the virtual microphone's playback loses the start of a clip
    # ("Tiny gradients" was heard as "I need radiance"), which says nothing about the gate.
    answer_clip = sox_concat(
        [sox_silence(tmp_path / "lead.wav", 0.5), espeak_wav(ANSWER, tmp_path / "said.wav")],
        tmp_path / "answer.wav",
    )
    monitor = tmp_path / "monitor.wav"
    parec = record_monitor(virtual_mic, monitor)
    speaker = Speaker()
    speaker.warm()
    open_mic = Recorder(tmp_path / "open.wav").start()
    gated = Recorder(tmp_path / "gated.wav", gate=speaker.gate).start()
    try:
        time.sleep(0.5)
        speaker.say(QUESTION)
        assert speaker.speaking and gated.gate.closed
        assert speaker.wait(30)
        time.sleep(0.5)
        parec.terminate()  # the monitor recording holds the question only
        assert not speaker.gate.closed
        player = virtual_mic.play(answer_clip)  # the candidate answers after the question
        assert player.wait(timeout=30) == 0
        time.sleep(0.8)
    finally:
        open_recording = open_mic.stop()
        gated_recording = gated.stop()
        speaker.close()
        if parec.poll() is None:
            parec.terminate()
        parec.wait(timeout=10)
    transcriber = shared_transcriber()
    said = transcriber.transcribe(monitor).text
    assert wer(QUESTION, said) <= 0.35, f"the output device got: {said!r}"
    heard_open = transcriber.transcribe(open_recording.path).text
    # The open microphone hears the question (a second analog hop: slips like "knee" for "need"
    # happen, 3 of 8 words in one CI rehearsal); the gated one, below, hears none of it.
    assert wer(QUESTION, heard_open.split("?")[0] + "?") <= 0.5, heard_open
    heard_gated = transcriber.transcribe(gated_recording.path).text
    question_words = set(normalize(QUESTION)) - set(normalize(ANSWER)) - {"does", "why", "need"}
    leaked = question_words & set(normalize(heard_gated))
    assert not leaked, f"the interviewer leaked into the answer: {heard_gated!r}"
    assert wer(ANSWER, heard_gated) <= 0.35, heard_gated  # the gate opened again
    assert speaker.gate.dropped_blocks >= 20  # >= 2 s of microphone blocks silenced
