"""The push-to-talk path: one-encoder-pass windows, forced prefixes, and speculative decoding of
the open group (real tiny.en on synthesized answers; the bookkeeping rules also on their own)."""

from __future__ import annotations

import time

import pytest
from audio_tools import LONG_ANSWER, LONG_GAPS, espeak_answer, have, shared_transcriber
from conftest import need

from agent.speech.glossary import glossary_for
from agent.speech.models import Word
from agent.speech.streaming import StreamingTranscriber, StreamParams, settled_words
from agent.speech.wer import wer

SR = 16000


def _words(*spec: tuple[str, float, float]) -> list[Word]:
    return [Word(word=w, start=s, end=e) for w, s, e in spec]


def test_settled_words_need_two_agreeing_decodes_and_time_to_settle():
    a = _words(("Adam", 0.0, 0.4), ("adapts", 0.5, 0.9), ("the", 1.0, 1.1), ("rate", 1.2, 1.5))
    b = _words(("Adam,", 0.0, 0.4), ("adapts", 0.5, 0.9), ("the", 1.0, 1.1), ("rates", 1.2, 1.6))
    # nothing before: nothing agreed on yet
    assert settled_words([], b, limit=10) == []
    # words must agree (case and punctuation aside) and end by the limit
    assert [w.word for w in settled_words(a, b, limit=1.5)] == ["Adam,", "adapts", "the"]
    assert [w.word for w in settled_words(a, b, limit=0.95)] == ["Adam,", "adapts"]
    # a disagreement stops everything after it
    c = _words(("Atom", 0.0, 0.4), ("adapts", 0.5, 0.9))
    assert settled_words(c, b, limit=10) == []
    assert [w.word for w in settled_words(a, a, limit=10)] == ["Adam", "adapts", "the", "rate"]


@pytest.fixture(scope="module")
def transcriber():
    return shared_transcriber()


@pytest.fixture(scope="module")
def answer(tmp_path_factory):
    """About 30 s: the first six sentences of the long answer."""
    need(have("espeak-ng", "sox"), "espeak-ng and sox (apt-get install espeak-ng sox)")
    from agent.speech.media import load_audio

    path = espeak_answer(LONG_ANSWER[:6], LONG_GAPS, tmp_path_factory.mktemp("ptt") / "a.wav")
    return load_audio(path), " ".join(LONG_ANSWER[:6])


pytestmark = pytest.mark.audio


def test_a_window_is_encoded_once(transcriber, answer, monkeypatch):
    """faster-whisper's own loop re-encodes the closing silence when word times are on."""
    audio, _ = answer
    model = transcriber.model
    calls = []
    real = model.encode
    monkeypatch.setattr(model, "encode", lambda features: calls.append(1) or real(features))
    result = transcriber.transcribe_once(audio[: 8 * SR], glossary=glossary_for())
    assert result.words and calls == [1]


def test_forced_prefix_is_not_returned_and_the_rest_is(transcriber, answer):
    audio, _ = answer
    clip = audio[: 6 * SR]
    whole = transcriber.transcribe_once(clip, glossary=glossary_for())
    assert len(whole.words) >= 8, whole.text
    head = whole.words[:4]
    rest = transcriber.transcribe_once(
        clip, glossary=glossary_for(), prefix=" ".join(w.word for w in head)
    )
    # only the words after the prefix come back, with times after the prefix's words
    assert rest.words and rest.words[0].start >= head[-1].start
    assert wer(" ".join(w.word for w in whole.words[4:]), rest.text) <= 0.25, rest.text


def _feed(stream: StreamingTranscriber, audio) -> None:
    for i in range(0, len(audio), 1600):  # 0.1 s blocks, as the recorder delivers them
        stream.feed(audio[i : i + 1600])


def _settle(stream: StreamingTranscriber, count: int, timeout: float = 120) -> None:
    """Wait until the worker has made `count` more speculative decodes and is idle."""
    target = stream.speculations + count
    deadline = time.monotonic() + timeout
    while stream.speculations < target and time.monotonic() < deadline:
        time.sleep(0.02)
    assert stream.speculations >= target, "no speculative decode happened"
    assert stream.wait_idle(timeout)


def test_push_to_talk_keeps_settled_words_and_decodes_only_the_rest(transcriber, answer):
    audio, reference = answer
    glossary = glossary_for()
    baseline = StreamingTranscriber(transcriber, glossary, StreamParams(speculate=False))
    _feed(baseline, audio)
    expected = baseline.finish()

    stream = StreamingTranscriber(transcriber, glossary, StreamParams(spec_after=0))
    # the answer minus its last 2.5 s, spoken in two steps with the worker catching up, so
    # two speculative decodes of the open group exist when the key is released
    head, middle = len(audio) - int(4.0 * SR), len(audio) - int(2.5 * SR)
    _feed(stream, audio[:head])
    _settle(stream, 1)
    _feed(stream, audio[head:middle])
    _settle(stream, 1)
    _feed(stream, audio[middle:])
    result = stream.finish()

    assert "words kept" in stream.tail_mode and int(stream.tail_mode.split()[0]) >= 1, (
        stream.tail_mode
    )
    assert wer(reference, result.text) <= wer(reference, expected.text) + 0.05, (
        result.text,
        expected.text,
    )
    assert result.words[-1].end > result.duration - 3  # the last words are there
    starts = [w.start for w in result.words]
    assert starts == sorted(starts)
    # no word doubled where the kept words meet the decoded rest
    keys = [w.word.lower().strip(".,") for w in result.words]
    assert all(a != b for a, b in zip(keys, keys[1:], strict=False)), result.text
    assert result.segments and result.segments[-1].end == result.words[-1].end


def test_a_pause_before_the_key_means_nothing_is_left_to_decode(transcriber, answer):
    import numpy as np

    audio, reference = answer
    stream = StreamingTranscriber(transcriber, glossary_for(), StreamParams(spec_after=0))
    _feed(stream, audio)
    _feed(stream, np.zeros(int(0.5 * SR), dtype=np.float32))  # the candidate stops, then presses
    _settle(stream, 1)
    result = stream.finish()
    assert stream.tail_mode == "speculation reused"
    assert wer(reference, result.text) <= 0.30, result.text
    assert result.duration == pytest.approx(len(audio) / SR + 0.5, abs=0.01)


def test_preview_shows_the_open_group_as_it_is_spoken(transcriber, answer):
    audio, _ = answer
    stream = StreamingTranscriber(transcriber, glossary_for(), StreamParams(spec_after=0))
    _feed(stream, audio[: 5 * SR])  # shorter than a group: nothing closed yet
    _settle(stream, 1)
    assert not stream.groups
    assert len(stream.preview.split()) >= 5
    stream.finish()


def test_a_short_last_group_is_decoded_from_scratch(transcriber, answer):
    """By default speculation waits for a long open group: a short one is cheaper to decode."""
    audio, reference = answer
    stream = StreamingTranscriber(transcriber, glossary_for())
    _feed(stream, audio[: int(4.5 * SR)])  # one open group of 4.5 s
    time.sleep(1.5)
    assert stream.speculations == 0
    result = stream.finish()
    assert stream.tail_mode.startswith("0 words kept")
    said = len(result.text.split())
    assert said >= 8 and wer(" ".join(reference.split()[:said]), result.text) <= 0.3


def test_files_never_speculate(transcriber, answer):
    import numpy as np

    audio, _ = answer
    long = np.concatenate([audio, audio])  # > 28 s: cut at pauses, like a recording
    result = transcriber.transcribe(long, glossary=glossary_for())
    assert result.duration > 56 and len(result.words) > 100
    stream = StreamingTranscriber(transcriber, (), StreamParams(speculate=False, spec_after=0))
    _feed(stream, audio[: 5 * SR])
    time.sleep(1.0)
    assert stream.speculations == 0
    stream.finish()
