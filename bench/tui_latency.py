"""Key press -> answer box updated, in the real app, while slow work runs in a worker.

    .venv/bin/python bench/tui_latency.py [--keys 40]

Conditions: idle; during Interview.start (bank loading, engine set-up); during a REAL Whisper
transcription (bundled tiny.en, LibriVox clip), first with the model cold (import + load) and
then warm; during an answer being graded by the offline grader. Each key is posted as the
terminal driver posts it (Pilot.press waits for the process to go idle, which hides the figure)
and timed until the TextArea holds it. Prints median / p95 / max in milliseconds and the load
average (other processes on a 2-core box move these numbers a lot).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
CLIP = REPO / "tests/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav"
ANSWER = (
    "Gradient descent updates the parameters against the gradient of the loss, scaled by a "
    "learning rate; too large diverges, too small is slow. Convex: global minimum; non-convex: "
    "only a local minimum or saddle point. Stochastic mini-batches add noise."
)


async def type_keys(app, box, n: int, still_busy) -> list[float]:
    from textual import events

    latencies = []
    for i in range(n):
        if still_busy is not None and not still_busy():
            break
        ch = "abcdefghijklmnopqrstuvwxyz"[i % 26]
        before = box.text
        started = time.perf_counter()
        app.post_message(events.Key(ch, ch))
        while box.text == before:
            await asyncio.sleep(0.0005)
        latencies.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.02)
    return latencies


def report(name: str, values: list[float]) -> None:
    if not values:
        print(f"{name:<38} (work finished before any key)")
        return
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    print(
        f"{name:<38} n={len(values):>3}  median {statistics.median(values):6.1f} ms  "
        f"p95 {p95:6.1f} ms  max {values[-1]:6.1f} ms"
    )


async def main(keys: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="viva-bench-"))
    os.environ["VIVA_HOME"] = str(home)
    from tui_helpers import SHORT_TRACK, write_track

    from agent.config import load_settings
    from agent.tui.app import VivaApp
    from agent.tui.readiness import Readiness
    from agent.tui.screens.interview import InterviewScreen

    write_track(home)
    ready = Readiness("offline", "offline", True, "bench", True, "tiny.en")
    app = VivaApp(load_settings(), readiness=ready, track=SHORT_TRACK, mode="voice")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    async with app.run_test(size=(80, 24)):
        while not isinstance(app.screen, InterviewScreen):
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.01)
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        box = screen.query_one("#answer")
        box.focus()
        while app.interview is None:
            await asyncio.sleep(0.01)
        await app.workers.wait_for_complete()
        report("idle", await type_keys(app, box, keys, None))

        def fresh_start() -> None:
            from agent.bank.loader import load_bank
            from agent.interview.engine import Interview

            iv = Interview.start(app.settings, SHORT_TRACK, bank=load_bank())
            iv.end("quit")

        worker = app.run_worker(fresh_start, thread=True, group="bench")
        values = await type_keys(app, box, 10_000, lambda: worker.is_running)
        report("during load_bank + Interview.start", values)
        await app.workers.wait_for_complete()

        def transcribing() -> bool:
            return any(w.is_running and w.group == "transcribe" for w in app.workers)

        for label in ("during transcription (cold model)", "during transcription (warm model)"):
            box.text = ""
            started = time.perf_counter()
            screen.transcribe_file(str(CLIP), 7.1)
            await asyncio.sleep(0.01)
            values = await type_keys(app, box, 10_000, transcribing)
            await app.workers.wait_for_complete()
            report(label, values)
            print(f"{'':<38} (transcription took {time.perf_counter() - started:.1f} s)")

        box.text = ANSWER
        screen.voice_answer = None
        screen.action_submit()
        values = await type_keys(app, box, 10_000, lambda: screen.busy == "grading")
        report("during answer + offline grading", values)
        await app.workers.wait_for_complete()
        screen.action_end()
        from agent.tui.screens.debrief import DebriefScreen

        while not (isinstance(app.screen, DebriefScreen) and app.screen.data is not None):
            await asyncio.sleep(0.05)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40)
    asyncio.run(main(parser.parse_args().keys))
