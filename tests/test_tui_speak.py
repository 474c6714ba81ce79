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
from textual.widgets import Static
from tui_helpers import SHORT_TRACK, widget_text, write_track

from agent.config import load_settings
from agent.speech.capture import refresh_devices
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
                pilot, lambda: speaker.first_audio_seconds is not None, 10, "the first audio"
            )
            assert "cuts in" in widget_text(screen.query_one("#preview", Static))
            await wait_until(pilot, lambda: not screen.speaking, 60, "the question to be said")
            await pilot.press("ctrl+r")  # say it again
            await wait_until(pilot, lambda: screen.speaking, 20, "the question to be repeated")
            assert screen.prompt.kind == "repeat"
            await wait_until(
                pilot, lambda: speaker.first_audio_seconds is not None, 10, "the repeat's audio"
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
