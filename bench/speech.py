"""Speech figures on this machine: RTF, WER with/without the ML glossary, end-of-speech wait.

    .venv/bin/python bench/speech.py [--quick] [--model base] [--voices en-us,en-gb,en-us+m3]

Needs espeak-ng and sox (the ML answers are synthesized). The end-of-speech wait simulates an
answer spoken in real time: audio is fed in 0.1 s blocks at the pace it is spoken, and the wait
is the time from the last block to the final transcript. Rows: "one pass" = plain
faster-whisper over the whole answer after it ends; "grouped" = the same audio cut at pauses
after it ends (what Transcriber.transcribe does for answers > 28 s); "push-to-talk" = the
streaming transcriber as the app uses it, stopped right after the last word; "no speculation"
= the same with speculative decoding off; "hands-free" = the answer followed by the 3 s of
silence that ends it. An extra 45 s answer with no pause over 0.3 s shows the case speculative
decoding is for. The ML answers are also said by the more human test voices (festival slt,
flite awb, the Piper voice), and a first answer is timed against a later one, with the recognizer
cold and warmed as the app warms it while the first question is read. `--model base` measures
whisper base (scripts/setup.sh --whisper-base). Load average is printed because timings on a
shared 2-core machine vary a lot.
"""

from __future__ import annotations

import argparse
import os
import statistics
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
    TEST_VOICES,
    espeak_answer,
    espeak_wav,
    librivox_clips,
    voice_available,
    voice_wav,
)

from agent.speech.glossary import glossary_for  # noqa: E402
from agent.speech.media import load_audio  # noqa: E402
from agent.speech.streaming import StreamingTranscriber, StreamParams  # noqa: E402
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


def one_pass(t: Transcriber, audio, glossary):
    """Plain faster-whisper over the whole answer (its own 30 s windows), same settings."""
    initial_prompt, hotwords = t.prompt_for(glossary)
    segments, _ = t.model.transcribe(
        audio, language="en", beam_size=t.beam_size, vad_filter=True, word_timestamps=True,
        condition_on_previous_text=False, initial_prompt=initial_prompt, hotwords=hotwords,
    )  # fmt: skip
    return " ".join(s.text.strip() for s in segments)


def end_of_speech(t: Transcriber, audio, reference: str, label: str, rows: list) -> None:
    import numpy as np

    glossary = glossary_for()
    seconds = len(audio) / 16000
    started = time.perf_counter()
    one = one_pass(t, audio, glossary)
    one_wait = time.perf_counter() - started
    started = time.perf_counter()
    grouped = t.transcribe(audio, glossary=glossary)
    grouped_wait = time.perf_counter() - started
    ptt, ptt_wait = realtime_stream(t, audio, glossary)
    plain, plain_wait = realtime_stream(t, audio, glossary, StreamParams(speculate=False))
    trailing = np.concatenate([audio, np.zeros(16000 * 3, dtype=np.float32)])
    hands_free, hands_free_wait = realtime_stream(t, trailing, glossary)
    print(f"{label} ({seconds:.0f} s audio), {load()}")
    table = [
        ("one pass", one_wait, one, "plain faster-whisper after the answer ends"),
        ("grouped", grouped_wait, grouped.text, "cut at pauses after the answer ends"),
        ("push-to-talk", ptt_wait, ptt.result.text,
         f"{ptt.speculations} speculative decodes; last group: {ptt.tail_mode} "
         f"({ptt.tail_seconds:.2f} s)"),
        ("  no speculation", plain_wait, plain.result.text,
         f"last group {plain.groups[-1][1] - plain.groups[-1][0]:.1f} s decoded after the stop"),
        ("hands-free", hands_free_wait, hands_free.result.text,
         "wait counted from the end of the 3 s closing silence"),
    ]  # fmt: skip
    for name, wait, text, note in table:
        print(f"  {name:16s} wait {wait:5.2f} s  WER {wer(reference, text):.3f}  {note}")
    rows.append({name.strip(): (wait, wer(reference, text)) for name, wait, text, _ in table})


def realtime_stream(t: Transcriber, audio, glossary, params: StreamParams | None = None):
    """Feed `audio` at the pace it is spoken; return (stream, seconds from last block to text).

    The stop comes right after the last block: the worst case for push-to-talk, where the
    candidate releases the key the instant they finish the last word.
    """
    stream = StreamingTranscriber(t, glossary, params)
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


def voices_table(t: Transcriber, tmp: Path) -> None:
    """WER of the ML answers said by each test voice (with the glossary)."""
    glossary = glossary_for()
    for voice in TEST_VOICES:
        if not voice_available(voice):
            print(f"{voice:14s} not installed")
            continue
        clips = [
            (voice_wav(s, tmp / f"{voice}{i}.wav", voice), s) for i, s in enumerate(ML_ANSWERS)
        ]
        pairs = [(ref, t.transcribe(path, glossary=glossary).text) for path, ref in clips]
        print(f"{voice:14s} ML answers WER {corpus_wer(pairs):.3f}")


def first_and_later(model: str | None, audio, tmp: Path) -> None:
    """End-of-speech wait of a session's first answer and of the next one, with a recognizer
    that is cold (loads at the first answer) and one warmed the way the app warms it."""
    from agent.config import load_settings

    glossary = glossary_for()
    for warmed in (False, True):
        t = Transcriber(load_settings(whisper_model=model))
        if warmed:
            t.warm()
        _stream, first = realtime_stream(t, audio, glossary)
        _stream, later = realtime_stream(t, audio, glossary)
        label = "warmed while the question is read" if warmed else "cold"
        print(f"  {label:34s} first answer wait {first:5.2f} s, later answer {later:5.2f} s")


def summary(rows: list, label: str) -> None:
    if not rows:
        return
    print(f"{label}: {len(rows)} answers")
    for name in rows[0]:
        waits = sorted(r[name][0] for r in rows)
        wers = [r[name][1] for r in rows]
        print(
            f"  {name:16s} wait median {statistics.median(waits):5.2f} s  max {waits[-1]:5.2f} s  "
            f"mean WER {sum(wers) / len(wers):.3f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 60 s real-time runs")
    parser.add_argument(
        "--no-pause-only", action="store_true", help="only the 45 s answer with no pauses"
    )
    parser.add_argument(
        "--voices", default="en-us,en-gb,en-us+m3", help="espeak-ng voices for the long answers"
    )
    parser.add_argument("--model", default=None, help="whisper_model: tiny.en (default) or base")
    args = parser.parse_args()
    from agent.config import load_settings

    t = Transcriber(load_settings(whisper_model=args.model))
    started = time.perf_counter()
    t.model  # noqa: B018 - load now so the load time is not in the figures
    print(f"model load {time.perf_counter() - started:.1f} s ({t.model_name or 'bundled tiny.en'}, "
          f"{t.device}, {t.compute_type}, beam {t.beam_size}); {load()}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.no_pause_only:
            wer_table(t, "LibriVox", [(p, ref) for p, ref in librivox_clips()])
            ml = [(espeak_wav(s, tmp / f"ml{i}.wav"), s) for i, s in enumerate(ML_ANSWERS)]
            wer_table(t, "espeak ML", ml)
            voices_table(t, tmp)
            first = load_audio(espeak_answer(LONG_ANSWER[:3], LONG_GAPS, tmp / "first.wav"))
            print(f"first and later answers ({len(first) / 16000:.0f} s each), {load()}")
            first_and_later(args.model, first, tmp)
        # 30 s and 60 s answers (the first sentences of the long answer), in several voices
        rows: dict = {30: [], 60: []}
        for voice in args.voices.split(",") if not args.no_pause_only else ():
            for target in (30, 60) if not args.quick else (30,):
                count = 1
                while count < len(LONG_ANSWER):
                    path = tmp / f"{voice}-{count}.wav"
                    part = load_audio(
                        espeak_answer(LONG_ANSWER[:count], LONG_GAPS, path, voice=voice)
                    )
                    if len(part) / 16000 >= target:
                        break
                    count += 1
                reference = " ".join(LONG_ANSWER[:count])
                end_of_speech(t, part, reference, f"{target} s answer, voice {voice}", rows[target])
        # a candidate who talks on with no pause over 0.3 s: the group is cut at 25 s and the
        # last one grows long, which is what speculative decoding is for
        voice = args.voices.split(",")[0]
        count, flat = 1, [0.3]
        while count < len(LONG_ANSWER):
            path = tmp / f"flat-{count}.wav"
            part = load_audio(espeak_answer(LONG_ANSWER[:count], flat, path, voice=voice))
            if len(part) / 16000 >= 45:
                break
            count += 1
        rows["no pause"] = []
        reference = " ".join(LONG_ANSWER[:count])
        end_of_speech(
            t, part, reference, f"45 s answer with no pause, voice {voice}", rows["no pause"]
        )
        for target, found in rows.items():
            summary(found, f"{target} s answers" if isinstance(target, int) else target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
