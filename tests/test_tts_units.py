"""Logic of the interviewer's voice: sentence cutting (whole and streamed), voice choice and
its one-line errors, and the capture gate (hold, tail, barge-in onset)."""

from __future__ import annotations

import time

import pytest

from agent.errors import AudioError
from agent.speech.gate import ONSET_FRAMES, CaptureGate
from agent.speech.tts.sentences import (
    SentenceStream,
    remainder_after,
    speakable_pieces,
    split_sentences,
)
from agent.speech.tts.voices import resolve_voice


def test_split_sentences_keeps_abbreviations_and_initials_inside_a_sentence():
    text = "We use Adam, e.g. with warmup. Dr. Smith at the U.S. lab asked why? Then say more"
    assert split_sentences(text) == [
        "We use Adam, e.g. with warmup.",
        "Dr. Smith at the U.S. lab asked why?",
        "Then say more",
    ]


def test_a_streamed_text_yields_each_sentence_once_it_is_complete():
    stream = SentenceStream()
    assert stream.feed("You compared against BM") == []
    assert stream.feed("25. Why a dual") == ["You compared against BM25."]
    assert stream.feed(" encoder? And") == ["Why a dual encoder?"]
    assert stream.buffer == "And"
    final = "You compared against BM25. Why a dual encoder? And what was the recall?"
    assert remainder_after(stream.emitted, final) == "And what was the recall?"
    # A final text that differs from what was said is said whole.
    assert remainder_after(stream.emitted, "Something else entirely.") == (
        "Something else entirely."
    )


def test_a_long_first_sentence_is_said_in_two_pieces():
    text = (
        "Walk me through a project you are proud of, and tell me what you did yourself. "
        "Keep it short."
    )
    assert speakable_pieces(text) == [
        "Walk me through a project you are proud of,",
        "and tell me what you did yourself.",
        "Keep it short.",
    ]
    assert speakable_pieces("Explain LoRA, briefly.") == ["Explain LoRA, briefly."]


@pytest.mark.parametrize(
    ("wanted", "message"),
    [
        ("bogus", "unknown voice 'bogus'"),
        ("/nowhere/voice.onnx", "voice file /nowhere/voice.onnx not found"),
    ],
)
def test_unknown_voices_give_one_line_errors(wanted, message):
    with pytest.raises(AudioError) as err:
        resolve_voice(wanted)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_piper_voice_without_its_config_is_refused(tmp_path):
    model = tmp_path / "mine.onnx"
    model.write_bytes(b"not really")
    with pytest.raises(AudioError, match="mine.onnx.json is missing"):
        resolve_voice(str(model))


def test_gate_is_closed_while_held_and_for_a_short_tail():
    gate = CaptureGate(tail=0.2)
    assert not gate.closed
    gate.hold()
    assert gate.closed
    gate.release()
    assert gate.closed  # the tail
    time.sleep(0.25)
    assert not gate.closed


def test_gate_calls_barge_in_once_at_a_speech_onset_and_keeps_its_first_words():
    import numpy as np

    calls = []
    gate = CaptureGate()
    gate.hold()
    block = np.ones(1600, dtype=np.float32)
    assert gate.heard([0.9] * (ONSET_FRAMES - 1), block) == []  # no listener: just dropped
    gate.on_speech = lambda: calls.append(1)
    assert gate.heard([0.9, 0.1] * 6, block) == []  # a click or a breath: no onset
    assert calls == []
    kept = gate.heard([0.9] * (ONSET_FRAMES + 5), block * 2)
    assert calls == [1]
    assert len(kept) == 2 and kept[-1][0][0] == 2.0  # the onset and the block before it
    assert kept[-1][1] == [0.9] * (ONSET_FRAMES + 5)  # with its scores, for the turn detector
    assert gate.dropped_blocks == 2
    assert not gate.closed  # the candidate's words pass from the onset on
    gate.release()
    assert not gate.closed  # even in the speaker's tail
    gate.hold()  # the next question
    assert gate.closed


def test_the_recorder_keeps_silence_under_the_gate_and_the_onset_with_its_scores():
    """Each block is scored once: what the gate drops reaches the turn detector as silence,
    and at a barge-in the onset's blocks reach it with the scores they were heard with."""
    import numpy as np

    from agent.speech.capture import _through_gate

    gate = CaptureGate()
    gate.hold()
    gate.on_speech = lambda: None
    speech = np.full(1600, 0.3, dtype=np.float32)
    block, probs = _through_gate(gate, speech, [0.9] * 3)
    assert not block.any() and len(block) == 1600 and probs == [0.0] * 3
    block, probs = _through_gate(gate, speech * 2, [0.9] * ONSET_FRAMES)
    assert len(block) == 3200 and block[-1] == np.float32(0.6)
    assert probs == [0.9] * (3 + ONSET_FRAMES)


def test_only_the_worker_script_imports_piper():
    """Piper is GPL-3.0: Viva's own modules never import it; piper_worker.py runs it apart."""
    import re
    from pathlib import Path

    agent = Path(__file__).resolve().parent.parent / "agent"
    importers = sorted(
        str(path.relative_to(agent))
        for path in agent.rglob("*.py")
        if re.search(r"^\s*(import piper|from piper\b)", path.read_text(), re.M)
    )
    assert importers == ["speech/tts/piper_worker.py"]


def test_doctor_names_the_voice_and_its_licence():
    from agent.config import load_settings
    from agent.speech.tts.checks import check_voice
    from agent.speech.tts.voices import bundled_voice, piper_available

    name, status, detail, _hint = check_voice(load_settings(speak=False))
    assert (name, status) == ("interviewer voice", "skip")
    name, status, detail, _hint = check_voice(load_settings(voice="nobody"))
    assert status == "warn" and "unknown voice 'nobody'" in detail
    if piper_available() and bundled_voice() is not None:
        name, status, detail, _hint = check_voice(load_settings())
        assert status == "pass" and detail.startswith("joe (piper;")
        assert "GPL-3.0" in detail and "non-commercial" in detail
