"""`viva speak TEXT [-o FILE.wav] [--voice V]`: say a text with the interviewer's voice, or write
it to a WAV file (the way to check the voice set-up)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", metavar="TEXT", help="what to say")
    parser.add_argument(
        "-o", "--output", metavar="FILE.wav", help="write a WAV file instead of playing it"
    )
    parser.add_argument(
        "--voice",
        metavar="V",
        help="'joe' (bundled Piper voice), a Piper .onnx path, 'flite[:VOICE]' or "
        "'espeak-ng[:VOICE]' (default: the voice setting)",
    )
    parser.add_argument(
        "--rate", type=float, metavar="R", help="speech rate, 1.0 = normal (default: speech_rate)"
    )


def run(args: argparse.Namespace) -> int:
    import time

    from agent.config import load_settings
    from agent.errors import AudioError, UsageError
    from agent.speech.tts.voices import resolve_voice

    if not args.text.strip():
        raise UsageError("nothing to say: TEXT is empty")
    settings = load_settings()
    voice = resolve_voice(args.voice if args.voice is not None else settings.voice)
    rate = args.rate if args.rate is not None else settings.speech_rate
    if not 0.5 <= rate <= 2.0:
        raise UsageError(f"--rate {rate}: use a value from 0.5 to 2.0")
    if args.output:
        seconds = write_speech(voice, rate, args.text, args.output)
        print(f"wrote {args.output} ({seconds:.1f} s, {voice.describe()})")
        return 0
    from agent.speech.tts.checks import check_output_device
    from agent.speech.tts.speaker import Speaker

    _name, status, detail, _hint = check_output_device()
    if status != "pass":
        raise AudioError(f"cannot play: {detail.split(';')[0]}; write a file with -o FILE.wav")
    errors: list[str] = []
    speaker = Speaker(voice, rate=rate, on_error=errors.append)
    try:
        started = time.monotonic()
        speaker.warm()
        loaded = time.monotonic() - started
        speaker.say(args.text)
        speaker.wait()
    finally:
        speaker.close()
    if errors:
        raise AudioError(errors[0])
    first = speaker.first_audio_seconds or 0.0
    print(f"said it with {voice.describe()}; load {loaded:.2f} s, first audio {first:.2f} s")
    return 0


def write_speech(voice, rate: float, text: str, path: str) -> float:
    """Synthesize `text` into a 16-bit mono WAV at `path`; its length in seconds."""
    import numpy as np

    from agent.errors import UsageError
    from agent.speech.tts.engines import make_engine, write_wav

    engine = make_engine(voice, rate)
    try:
        pieces = list(engine.synthesize(text))
    finally:
        engine.close()
    sample_rate = pieces[0][0] if pieces else 22050
    gap = np.zeros(int(sample_rate * 0.2), dtype=np.int16)
    joined = [part for _rate, pcm in pieces for part in (pcm, gap)]
    audio = np.concatenate(joined) if joined else np.zeros(0, dtype=np.int16)
    try:
        write_wav(path, sample_rate, audio)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(audio) / sample_rate
