"""Speech figures on this machine: RTF, WER with/without the ML glossary, end-of-speech wait.

    .venv/bin/python bench/speech.py [--quick]

Needs espeak-ng and sox (the ML answers are synthesized). The end-of-speech wait simulates a
push-to-talk answer in real time: audio is fed in 0.1 s blocks at the pace it is spoken, and the
wait is the time from the last block to the final transcript. "one pass" = one faster-whisper
call over the whole answer after it ends; "grouped" = the same audio cut at pauses offline
(what Transcriber.transcribe does for answers > 28 s); "streaming" = groups transcribed while
the answer is still being spoken (agent.speech.streaming). Load average is printed because
timings on a shared 2-core machine vary a lot.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from audio_tools import (  # noqa: E402
    LONG_ANSWER,
    LONG_GAPS,
    ML_ANSWERS,
    espeak_answer,
    espeak_wav,
    librivox_clips,
)

from agent.speech.glossary import glossary_for  # noqa: E402
from agent.speech.media import load_audio  # noqa: E402
from agent.speech.streaming import StreamingTranscriber  # noqa: E402
from agent.speech.transcribe import Transcriber  # noqa: E402
from agent.speech.wer import corpus_wer, wer  # noqa: E402


def load() -> str:
    return "load avg " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def wer_table(t: Transcriber, name: str, clips: list[tuple[object, str]]) -> None:
    glossary = glossary_for()
    for label, gl in (("no glossary", ()), ("glossary", glossary)):
        started, audio_seconds, pairs = time.perf_counter(), 0.0, []
        for audio, reference in clips:
            result = t.transcribe(audio, glossary=gl)
            audio_seconds += result.duration
            pairs.append((reference, result.text))
        elapsed = time.perf_counter() - started
        print(
            f"{name:10s} {label:12s} WER {corpus_wer(pairs):.3f}  RTF {elapsed / audio_seconds:.3f} "
            f"({audio_seconds:.0f} s audio in {elapsed:.1f} s)"
        )


def end_of_speech(t: Transcriber, audio, reference: str, label: str) -> None:
    glossary = glossary_for()
    seconds = len(audio) / 16000
    started = time.perf_counter()
    one = t.transcribe_once(audio, glossary=glossary)
    one_wait = time.perf_counter() - started
    started = time.perf_counter()
    grouped = t.transcribe(audio, glossary=glossary)
    grouped_wait = time.perf_counter() - started

    stream, stream_wait = realtime_stream(t, audio, glossary)
    import numpy as np

    trailing = np.concatenate([audio, np.zeros(16000 * 3, dtype=np.float32)])
    hands_free, hands_free_wait = realtime_stream(t, trailing, glossary)
    streamed = stream.result
    last = stream.groups[-1][1] - stream.groups[-1][0] if stream.groups else 0.0
    print(f"{label} answer ({seconds:.0f} s audio), {load()}")
    print(f"  one pass   wait {one_wait:5.2f} s  WER {wer(reference, one.text):.3f}")
    print(f"  grouped    wait {grouped_wait:5.2f} s  WER {wer(reference, grouped.text):.3f}")
    print(
        f"  streaming  wait {stream_wait:5.2f} s  WER {wer(reference, streamed.text):.3f}  "
        f"({len(stream.groups)} groups, {stream.closed_while_speaking} closed while speaking, "
        f"last group {last:.1f} s)  [push-to-talk: stop right after the last word]"
    )
    print(
        f"  streaming  wait {hands_free_wait:5.2f} s  WER {wer(reference, hands_free.result.text):.3f}  "
        "[hands-free: wait counted from the end of the 3 s closing silence]"
    )


def realtime_stream(t: Transcriber, audio, glossary):
    """Feed `audio` at the pace it is spoken; return (stream, seconds from last block to text)."""
    stream = StreamingTranscriber(t, glossary)
    block = 1600
    clock = time.perf_counter()
    for i in range(0, len(audio), block):
        stream.feed(audio[i : i + block])
        clock += block / 16000
        delay = clock - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    ended = time.perf_counter()
    stream.result = stream.finish()
    return stream, time.perf_counter() - ended


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 60 s real-time run")
    args = parser.parse_args()
    t = Transcriber()
    started = time.perf_counter()
    t.model  # noqa: B018 - load now so the load time is not in the figures
    print(f"model load {time.perf_counter() - started:.1f} s ({t.model_name or 'bundled tiny.en'}, "
          f"{t.device}, {t.compute_type}, beam {t.beam_size}); {load()}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wer_table(t, "LibriVox", [(p, ref) for p, ref in librivox_clips()])
        ml = [(espeak_wav(s, tmp / f"ml{i}.wav"), s) for i, s in enumerate(ML_ANSWERS)]
        wer_table(t, "espeak ML", ml)
        full = load_audio(espeak_answer(LONG_ANSWER, LONG_GAPS, tmp / "long.wav"))
        # 30 s and 60 s answers: the first sentences of the long answer
        for target in (30, 60) if not args.quick else (30,):
            count = 1
            while count < len(LONG_ANSWER):
                part = load_audio(
                    espeak_answer(LONG_ANSWER[:count], LONG_GAPS, tmp / f"a{count}.wav")
                )
                if len(part) / 16000 >= target:
                    break
                count += 1
            reference = " ".join(LONG_ANSWER[:count])
            end_of_speech(t, part, reference, f"{target} s")
        del full
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
