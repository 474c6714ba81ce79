"""The first spoken answer of a session against later ones, in the real app: answers played
through a PulseAudio virtual microphone, push-to-talk, timed from the stop key to the transcript
in the answer box.

    .venv/bin/python bench/voice_first_answer.py [--cold]

`--cold` turns off the warm-up (whisper loaded while the first question is read), to show what
it saves. Needs pulseaudio and pulseaudio-utils (scripts/setup.sh --dev). Prints each answer's
wait and the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
CLIP = REPO / "tests/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav"
ANSWERS = 3


async def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def run(cold: bool) -> list[float]:
    from tui_helpers import SHORT_TRACK, write_track

    from agent.config import load_settings
    from agent.tui.app import VivaApp
    from agent.tui.readiness import Readiness
    from agent.tui.screens.interview import InterviewScreen

    if cold:
        InterviewScreen.warm_recognizer = lambda self: None  # type: ignore[method-assign]
    write_track(
        Path(os.environ["VIVA_HOME"]),
        ("gradient-descent", "bias-variance", "gpu-memory-hierarchy"),
        max_follow_ups=0,
    )
    ready = Readiness("offline", "offline", True, "virtual microphone", True, "tiny.en")
    app = VivaApp(load_settings(speak=False), readiness=ready, track=SHORT_TRACK, mode="voice")
    waits: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(lambda: isinstance(app.screen, InterviewScreen), 60, "the interview")
        screen = app.screen
        for n in range(ANSWERS):
            await wait_until(
                lambda: screen.prompt is not None and not screen.busy, 60, "a question"
            )
            await asyncio.sleep(1.0)  # the candidate reads the question
            await pilot.press("ctrl+t")
            await wait_until(lambda: screen.recording, 20, "the recorder")
            proc = MIC.play(CLIP)
            while proc.poll() is None:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)
            started = time.perf_counter()
            await pilot.press("ctrl+t")
            await wait_until(lambda: "dashwood" in answer_text(screen), 120, "the transcript")
            waits.append(time.perf_counter() - started)
            print(f"  answer {n + 1}: {waits[-1]:.2f} s from the stop key to the transcript")
            await pilot.press("ctrl+s")
            await asyncio.sleep(0.5)
        app.end_running_interview("quit")
    return waits


def answer_text(screen) -> str:
    from textual.widgets import TextArea

    return screen.query_one("#answer", TextArea).text.lower()


def main() -> None:
    global MIC
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="no warm-up while the question is read")
    args = parser.parse_args()
    from audio_tools import VirtualMic

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIVA_HOME"] = str(Path(tmp) / "home")
        MIC = VirtualMic(Path(tmp) / "pulse").start()
        os.environ.update({k: v for k, v in MIC.env.items() if k.startswith(("PULSE_", "XDG_"))})
        try:
            print(
                f"{'cold' if args.cold else 'warmed'} recognizer; load avg {os.getloadavg()[0]:.1f}"
            )
            waits = asyncio.run(run(args.cold))
        finally:
            MIC.stop()
    print(
        f"first answer {waits[0]:.2f} s, later answers {', '.join(f'{w:.2f}' for w in waits[1:])} s"
    )


MIC = None

if __name__ == "__main__":
    main()
