"""Plain-text transcripts as tools and people export them: how many import as the questions and
answers that were said, with no timestamps, names or markup left in the text?

    .venv/bin/python bench/transcript_layouts.py [FOLDER ...]

Each folder holds transcript files and `expected.jsonl`, one line per file: {"file", "layout",
"interviewer": [names], "candidate": [names], "turns": [{"question", "answer"}]}, written by a
helper who never saw the importer (default: tests/data/transcript_layouts_dev/). A turn is right
when its question and its answer have the expected words (case and punctuation aside); a file is
right when all its turns are, and no turn is missing or extra.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEFAULT = [DATA / "transcript_layouts_dev"]


def words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower().replace("\u2019", "'"))


def main() -> None:
    from agent.report.imports import Speakers, TranscriptError, read_transcript

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", default=[str(p) for p in DEFAULT])
    args = parser.parse_args()
    files = files_right = turns_expected = turns_right = refused = 0
    for folder in map(Path, args.folders):
        for line in (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            files += 1
            expected = [(words(t["question"]), words(t["answer"])) for t in case["turns"]]
            turns_expected += len(expected)
            speakers = Speakers.named(case.get("interviewer", []), case.get("candidate", []))
            try:
                got = read_transcript(folder / case["file"], speakers=speakers).turns
            except TranscriptError as e:
                refused += 1
                print(f"  REFUSED  {case['file']:<28} {case['layout'][:40]:<40} {e.problem}")
                continue
            found = [(words(t.question), words(t.answer)) for t in got]
            right = sum(1 for pair in found if pair in expected)
            turns_right += right
            whole = found == expected
            files_right += whole
            mark = "ok" if whole else f"{right}/{len(expected)} turns, {len(found)} read"
            print(f"  {mark:<24} {case['file']:<28} {case['layout'][:50]}")
    print(
        f"{files} files: {files_right} read right ({files_right / max(files, 1):.0%}), "
        f"{refused} refused; turns right {turns_right}/{turns_expected} "
        f"({turns_right / max(turns_expected, 1):.0%})"
    )


if __name__ == "__main__":
    main()
