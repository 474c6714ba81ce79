"""The interviewer speaks in the app (voice mode): the first question is said aloud through a
PulseAudio null sink (real Piper process, real sounddevice output), ctrl+t cuts it off and
starts recording (barge-in) while the question text stays on screen, and ctrl+r says the
question again."""

from __future__ import annotations

import pytest
from audio_tools import have
from conftest import need
from test_tts_playback import record_monitor
from test_tts_roundtrip import need_piper
from test_tui_flow import settle
from test_tui_voice import READY, virtual_mic, wait_until  # noqa: F401 - fixture
from textual.widgets import Static, TextArea
from tui_helpers import SHORT_TRACK, widget_text, write_track

from agent.config import load_settings
from agent.speech.capture import refresh_devices
from agent.speech.wer import wer
from agent.tui.app import VivaApp

pytestmark = [pytest.mark.audio, pytest.mark.slow]


async def test_question_is_spoken_cut_off_by_the_talk_key_and_repeated(
    viva_home,
    virtual_mic,  # noqa: F811
    tmp_path,
):
    need_piper()
    need(have("parec"), "parec (pulseaudio-utils)")
    refresh_devices()
    write_track(viva_home)
    monitor = tmp_path / "monitor.wav"
    parec = record_monitor(virtual_mic, monitor)
    app = VivaApp(load_settings(), readiness=READY, track=SHORT_TRACK, mode="voice")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            screen = app.screen
            question = widget_text(screen.query_one("#question", Static))
            assert screen.prompt is not None and screen.prompt.text[:40] in question
            await wait_until(pilot, lambda: screen.speaking, 20, "the interviewer to speak")
            speaker = screen.speaker
            assert speaker.voice.name == "joe"
            await wait_until(
                pilot, lambda: speaker.first_audio_seconds is not None, 30, "the first audio"
            )
            assert "cuts in" in widget_text(screen.query_one("#preview", Static))
            await wait_until(pilot, lambda: not screen.speaking, 60, "the question to be said")
            preview = screen.query_one("#preview", Static)
            await wait_until(
                pilot, lambda: "ctrl+t starts" in widget_text(preview), 5, "the recording hint"
            )
            await pilot.press("ctrl+r")  # say it again
            await wait_until(pilot, lambda: screen.speaking, 20, "the question to be repeated")
            assert screen.prompt.kind == "repeat"
            await wait_until(
                pilot, lambda: speaker.first_audio_seconds is not None, 30, "the repeat's audio"
            )
            assert screen.speaking
            await pilot.press("ctrl+t")  # barge-in
            assert not screen.speaking
            await wait_until(pilot, lambda: screen.recording, 20, "the recorder to start")
            assert screen.prompt.text[:40] in widget_text(screen.query_one("#question", Static))
            await pilot.press("ctrl+t")  # stop recording
            await settle(pilot, timeout=120)
            assert not screen.recording
    finally:
        parec.terminate()
        parec.wait(timeout=10)
    from audio_tools import shared_transcriber

    heard = shared_transcriber().transcribe(monitor).text.lower()
    words = [w.strip("?.,").lower() for w in app.interview.current.text.split()[:12]]
    assert sum(w in heard for w in words) >= len(words) // 2, heard


async def first_question_said(pilot, screen) -> None:
    """Wait until the first question has been heard and has ended (right after the screen
    settles the voice may not have started yet: 'not speaking' alone would pass at once)."""
    await wait_until(
        pilot,
        lambda: screen.speaker is not None and screen.speaker.first_audio_seconds is not None,
        60,
        "the first question's audio",
    )
    await wait_until(pilot, lambda: not screen.speaking, 60, "the first question")


@pytest.fixture
def headphones(virtual_mic, monkeypatch):  # noqa: F811
    """A second null sink as the output: the microphone (virtspk's monitor) does not hear the
    interviewer, as with headphones."""
    import subprocess

    done = subprocess.run(
        ["pactl", "load-module", "module-null-sink", "sink_name=phones"],
        env=virtual_mic.env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    monkeypatch.setenv("PULSE_SINK", "phones")
    refresh_devices()
    return virtual_mic


async def test_hands_free_talking_over_the_interviewer_cuts_it_off(viva_home, headphones):
    from audio_tools import espeak_wav

    need_piper()
    need(have("espeak-ng", "sox"), "espeak-ng and sox")
    said = "Gradient descent moves the weights against the gradient of the loss."
    answer = espeak_wav(said, viva_home / "answer.wav")
    write_track(viva_home)
    settings = load_settings(barge_in="voice")  # with headphones
    app = VivaApp(settings, readiness=READY, track=SHORT_TRACK, mode="voice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await first_question_said(pilot, screen)
        await pilot.press("ctrl+f")  # hands-free: recording starts with each question
        await wait_until(pilot, lambda: screen.recording, 20, "the recorder to start")
        await pilot.press("ctrl+r")  # the question again, said while the microphone listens
        await wait_until(pilot, lambda: screen.speaking, 20, "the interviewer to speak")
        player = headphones.play(answer)  # the candidate starts answering over it
        await wait_until(pilot, lambda: not screen.speaking, 10, "the barge-in")
        assert player.poll() is None, "the interviewer only stopped when the answer had ended"
        assert screen.prompt.text[:40] in widget_text(screen.query_one("#question", Static))
        while player.poll() is None:
            await pilot.pause(0.1)
        box = screen.query_one("#answer", TextArea)
        await wait_until(
            pilot,
            lambda: screen.voice_answer is not None,
            120,
            lambda: (
                f"the transcript (recording: {screen.recording}, "
                f"ended: {screen.voice is not None and screen.voice.ended}, "
                f"preview: {widget_text(screen.query_one('#preview', Static))!r}, "
                f"answer box: {box.text!r})"
            ),
        )
        assert "gradient" in box.text.lower(), box.text
        # The first words are kept (the answer opens "Gradient descent moves ..."); under load
        # the onset's first syllable can still be clipped ("adient descent"): known, see README.
        assert "descent" in box.text.lower().split(".")[0]
        assert wer(said, box.text) <= 0.35, box.text


FOLLOW_UP = (
    "You said the weights move a little bit downhill each step. "
    "What decides how big that step is, and what goes wrong when it is too large?"
)


async def test_streamed_follow_up_is_spoken_from_its_first_sentence(
    viva_home,
    virtual_mic,  # noqa: F811
    fake_llm,
    tmp_path,
):
    from test_tui_streaming import _settings, _streamed_reply
    from tui_helpers import GD_WEAK

    need_piper()
    need(have("parec"), "parec (pulseaudio-utils)")
    refresh_devices()
    write_track(viva_home)
    fake_llm.push(_streamed_reply(FOLLOW_UP, delay=0.06))
    app = VivaApp(_settings(fake_llm), readiness=READY, track=SHORT_TRACK, mode="voice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await first_question_said(pilot, screen)
        monitor = record_monitor(virtual_mic, tmp_path / "follow-up.wav")
        box = screen.query_one("#answer", TextArea)
        box.focus()
        box.insert(GD_WEAK)
        await pilot.press("ctrl+s")
        spoke_while_streaming = False
        for _ in range(600):
            await pilot.pause(0.02)
            current = app.interview.current
            if current is not None and current.follow_up:
                break
            spoke_while_streaming = spoke_while_streaming or screen.speaking
        assert spoke_while_streaming, "nothing was said before the follow-up was final"
        await settle(pilot)
        assert app.interview.current.text == FOLLOW_UP
        await wait_until(pilot, lambda: not screen.speaking, 60, "the follow-up to be said")
        monitor.terminate()
        monitor.wait(timeout=10)
    from audio_tools import shared_transcriber

    heard = shared_transcriber().transcribe(tmp_path / "follow-up.wav").text.lower()
    assert "weights move" in heard and "too large" in heard, heard
    assert heard.count("weights") == 1, f"the first sentence was said twice: {heard}"
