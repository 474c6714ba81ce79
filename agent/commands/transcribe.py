"""`viva transcribe FILE`: local transcription of any audio/video file, with delivery metrics."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", metavar="FILE", help="audio or video file (any format FFmpeg reads)"
    )
    parser.add_argument("--question", metavar="ID", help="rubric id; its terms guide the spelling")
    parser.add_argument("--json", action="store_true", help="print transcript and metrics as JSON")
    parser.add_argument(
        "--model",
        dest="whisper_model",
        metavar="M",
        help="faster-whisper model name or folder (default: the bundled tiny.en)",
    )


def _glossary(question: str | None) -> list[str]:
    from agent.speech.glossary import glossary_for

    if not question:
        return glossary_for()
    try:
        from agent.bank.loader import load_bank
    except ImportError:  # the bank helper's module is not there: general glossary only
        return glossary_for()
    return glossary_for(load_bank().rubric(question))


def _clock(seconds: float) -> str:
    minutes, secs = divmod(max(0.0, seconds), 60)
    return f"{int(minutes):02d}:{secs:05.2f}"


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from agent.config import load_settings
    from agent.speech.media import load_audio
    from agent.speech.metrics import delivery_metrics
    from agent.speech.transcribe import Transcriber

    settings = load_settings(whisper_model=getattr(args, "whisper_model", None))
    audio = load_audio(Path(args.file))  # MediaError (exit 2) before any model loads
    glossary = _glossary(args.question)
    transcript = Transcriber(settings).transcribe(audio, glossary=glossary)
    metrics = delivery_metrics(transcript)
    if args.json:
        payload = {
            "file": str(args.file),
            "question": args.question,
            "text": transcript.text,
            "segments": [s.model_dump() for s in transcript.segments],
            "words": [w.model_dump() for w in transcript.words],
            "duration": transcript.duration,
            "metrics": metrics.model_dump(),
        }
        print(json.dumps(payload, indent=2))
        return 0
    if transcript.is_empty:
        print(f"(no speech found in {args.file}; {transcript.duration:.1f} s of audio)")
        return 0
    print(transcript.text)
    print()
    for seg in transcript.segments:
        print(f"[{_clock(seg.start)} -> {_clock(seg.end)}] {seg.text}")
    print()
    m = metrics
    print("Delivery")
    print(
        f"  words: {m.words}, speaking time {m.speaking_time:.1f} s of {m.total_duration or 0:.1f} s"
    )
    print(f"  pace: {m.words_per_minute:.0f} words per minute")
    print(f"  time to first word: {m.time_to_first_word:.1f} s")
    longest = f", longest {m.longest_pause:.1f} s" if m.longest_pause else ""
    print(f"  long pauses (> 2 s): {m.long_pauses}{longest}")
    fillers = ", ".join(f"{k} x{v}" for k, v in sorted(m.fillers.items())) or "none heard"
    hedges = ", ".join(f"{k} x{v}" for k, v in sorted(m.hedges.items())) or "none"
    print(f"  fillers: {m.filler_count} ({fillers}; Whisper often drops 'um'/'uh')")
    print(f"  hedges: {m.hedge_count} ({hedges})")
    return 0
