"""Does a question's glossary help Whisper hear the answer to that question?

    .venv/bin/python bench/glossary.py [--voices joe,espeak-ng,flite:awb] [--limit N]

Every bank question's short reference answer is said by each voice (`viva speak -o`, cached
under the temp folder) and transcribed by the bundled whisper three ways: with no prompt, with
the general ML glossary (`glossary_for()`), and with the question's own glossary
(`glossary_for(rubric)`: what a voice interview and `viva transcribe --question` use). Prints
the WER of each (the answers pooled), how many answers each way lost entirely (an empty
transcript), and the answers the question's glossary made worse by 10 points or more.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _say(text: str, voice: str, path: Path) -> Path:
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "agent", "speak", text, "--voice", voice, "-o", str(path)],
            check=True,
            capture_output=True,
            cwd=REPO,
        )
    return path


def main() -> None:
    from agent.bank.loader import load_bank
    from agent.speech.glossary import glossary_for
    from agent.speech.transcribe import Transcriber
    from agent.speech.wer import corpus_wer, normalize, wer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default="joe,espeak-ng,flite:awb")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    args = parser.parse_args()
    rubrics = sorted(load_bank().rubrics.values(), key=lambda r: r.id)
    if args.limit:
        rubrics = rubrics[: args.limit]
    cache = Path(tempfile.gettempdir()) / "viva-bench-glossary"
    cache.mkdir(exist_ok=True)
    transcriber = Transcriber()
    ways = {
        "no prompt": lambda r: (),
        "general": lambda r: glossary_for(),
        "question": glossary_for,
    }
    for voice in args.voices.split(","):
        pairs: dict[str, list[tuple[str, str]]] = {w: [] for w in ways}  # (said, heard)
        worse: list[str] = []
        for rubric in rubrics:
            text = rubric.reference.short
            audio = _say(text, voice, cache / f"{rubric.id}.{voice.replace(':', '-')}.wav")
            for way, glossary in ways.items():
                heard = transcriber.transcribe(audio, glossary=glossary(rubric)).text
                pairs[way].append((text, heard))
            general, question = wer(*pairs["general"][-1]), wer(*pairs["question"][-1])
            if question >= general + 0.10:
                worse.append(f"{rubric.id} {general:.0%} -> {question:.0%}")
        words = sum(len(normalize(said)) for said, _ in pairs["general"])
        print(f"{voice}: {len(rubrics)} answers, {words} words")
        for way, said_heard in pairs.items():
            lost = sum(not heard.strip() for _, heard in said_heard)
            print(f"  {way:10s} WER {corpus_wer(said_heard):6.1%}   lost answers {lost}")
        for line in worse:
            print(f"  question glossary worse: {line}")


if __name__ == "__main__":
    main()
