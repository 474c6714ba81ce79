"""Recognition on more human test speech: the ML answers said by espeak-ng, festival (slt),
flite (awb) and the bundled Piper voice, transcribed by tiny.en and by whisper base (the
`whisper_model = "base"` option, installed by `scripts/setup.sh --whisper-base`)."""

from __future__ import annotations

import pytest
from audio_tools import ML_ANSWERS, TEST_VOICES, shared_transcriber, voice_available, voice_wav
from conftest import need

from agent.config import load_settings
from agent.errors import ConfigError
from agent.speech import whisper_models
from agent.speech.glossary import glossary_for
from agent.speech.transcribe import Transcriber
from agent.speech.wer import corpus_wer

pytestmark = [pytest.mark.audio, pytest.mark.slow]

HUMAN_LIKE = ("festival-slt", "flite-awb", "piper-joe")


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voices")
    out = {}
    for voice in TEST_VOICES:
        need(voice_available(voice), f"the {voice} test voice (bash scripts/setup.sh --dev)")
        out[voice] = [
            (voice_wav(text, folder / f"{voice}-{i}.wav", voice), text)
            for i, text in enumerate(ML_ANSWERS)
        ]
    return out


def heard(transcriber, clips) -> float:
    pairs = [(text, transcriber.transcribe(p, glossary=glossary_for()).text) for p, text in clips]
    return corpus_wer(pairs)


@pytest.mark.parametrize("voice", TEST_VOICES)
def test_tiny_en_understands_every_test_voice(clips, voice):
    assert heard(shared_transcriber(), clips[voice]) <= 0.25


@pytest.fixture(scope="module")
def base():
    try:
        folder = whisper_models.base_folder()
    except ConfigError as exc:
        need(False, f"whisper base ({exc})")
    assert (folder / "model.bin").is_file()
    assert (folder / "sha256").read_text().strip() == whisper_models.BASE_SHA256
    return Transcriber(load_settings(whisper_model="base"))


def test_whisper_base_hears_the_human_like_voices_at_least_as_well_as_tiny_en(clips, base):
    human = [c for v in HUMAN_LIKE for c in clips[v]]
    base_wer, tiny_wer = heard(base, human), heard(shared_transcriber(), human)
    print(f"human-like voices: base WER {base_wer:.3f}, tiny.en {tiny_wer:.3f}")
    assert base_wer <= 0.15 and base_wer <= tiny_wer + 0.02


def test_base_without_its_packages_says_which_setup_flag_installs_it(monkeypatch):
    monkeypatch.setattr(whisper_models, "_package_data", lambda name: None)
    with pytest.raises(ConfigError, match="setup.sh --whisper-base"):
        whisper_models.model_location("base")


def test_a_corrupt_join_is_refused(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    (first / "model.bin.part1").write_bytes(b"half")
    (second / "model.bin.part2").write_bytes(b"other half")
    with pytest.raises(ConfigError, match="corrupt"):
        whisper_models._join(first, second, tmp_path / "joined")
    assert not (tmp_path / "joined").exists()
