"""Interviewer voice speed, per backend: load time, time to first audio, real-time factor.

    PYTHONPATH=. .venv/bin/python bench/tts.py [--runs 3]

Plays through the default output device when there is one (first audio = the first chunk
handed to the device after say()); otherwise starts a private PulseAudio null sink (tests'
VirtualMic) so the numbers include a real output stream. RTF = synthesis seconds / audio
seconds (synthesis alone, no playback).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

QUESTIONS = [
    "What is the difference between BatchNorm and LayerNorm, and when would you use each?",
    "Walk me through a project you are proud of.",
    "Why does mixed precision training need loss scaling?",
    "You compared against BM25. Why a dual encoder rather than a cross-encoder reranker?",
    "How would you find out whether this CUDA kernel is memory bound or compute bound?",
]


VERBOSE = False


def bench_backend(voice_name: str, runs: int) -> dict[str, float]:
    from agent.speech.tts.engines import make_engine
    from agent.speech.tts.speaker import Speaker
    from agent.speech.tts.voices import resolve_voice

    voice = resolve_voice(voice_name)
    errors: list[str] = []
    speaker = Speaker(voice, on_error=errors.append)
    started = time.monotonic()
    speaker.warm()
    load = time.monotonic() - started
    firsts = []
    per_question: dict[str, list[float]] = {q: [] for q in QUESTIONS}
    for _ in range(runs):
        for question in QUESTIONS:
            speaker.say(question)
            speaker.wait(60)
            if speaker.first_audio_seconds is not None:
                firsts.append(speaker.first_audio_seconds)
                per_question[question].append(speaker.first_audio_seconds)
    speaker.close()
    if errors:
        raise RuntimeError(errors[0])
    engine = make_engine(voice)
    list(engine.synthesize("Warm up."))
    synth = audio = 0.0
    for question in QUESTIONS:
        started = time.monotonic()
        for rate, pcm in engine.synthesize(question):
            audio += len(pcm) / rate
        synth += time.monotonic() - started
    engine.close()
    if VERBOSE:
        for question, times in per_question.items():
            print(f"  {statistics.median(times):.3f}  {question}")
    return {
        "load": load,
        "first_median": statistics.median(firsts),
        "first_max": max(firsts),
        "rtf": synth / audio,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--voices", default="joe,flite,espeak-ng")
    parser.add_argument("-v", "--verbose", action="store_true", help="per-question medians")
    args = parser.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    mic = None
    try:
        import sounddevice as sd

        sd.query_devices(kind="output")
    except Exception:  # noqa: BLE001 - no output device: a private null sink
        import os

        from audio_tools import VirtualMic

        mic = VirtualMic(Path("/tmp") / f"viva-bench-tts-{os.getpid()}").start()
        os.environ.update({k: v for k, v in mic.env.items() if k.startswith(("PULSE_", "XDG_"))})
        from agent.speech.capture import refresh_devices

        refresh_devices()  # PortAudio read the device list before the sink existed
        print("(playing into a PulseAudio null sink: no output device here)")
    try:
        print(f"{'voice':<12} {'load s':>7} {'first audio s (median / max)':>30} {'RTF':>6}")
        for name in args.voices.split(","):
            try:
                r = bench_backend(name, args.runs)
            except Exception as exc:  # noqa: BLE001 - a missing backend is reported, not fatal
                print(f"{name:<12} unavailable: {exc}")
                continue
            firsts = f"{r['first_median']:.3f} / {r['first_max']:.3f}"
            print(f"{name:<12} {r['load']:>7.2f} {firsts:>30} {r['rtf']:>6.3f}")
    finally:
        if mic is not None:
            mic.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
