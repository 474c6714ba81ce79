"""Plain-text transcripts as tools and people export them: how many import as the questions and
answers that were said, with no timestamps, names or markup left in the text?

    .venv/bin/python bench/transcript_layouts.py [--as pdf|docx] [--no-names] [--keep-small-talk]
        [FOLDER ...]

Each folder holds transcript files and `expected.jsonl`, one line per file: {"file", "layout",
"interviewer": [names], "candidate": [names], "turns": [{"question", "answer"}]}, written by a
helper who never saw the importer (default: tests/data/transcript_layouts_dev/). A turn is right
when its question and its answer have the expected words (case and punctuation aside); a file is
right when all its turns are, and no turn is missing or extra.

`--no-names` imports each file without its speakers' names, as a user who gives none: files
whose voices are only numbered ('Speaker 1') then depend on the importer's guess of who asks
the questions, and a file where it guessed the interviewer wrong is marked `WRONG ROLES`.

`--keep-small-talk` imports without tidying the conversation (agent.report.imports.conversation):
greetings, goodbyes and an interviewer's 'Mm-hmm.' stay turns, as the sets written before that
step expect them.

`--as pdf` or `--as docx` first writes each file's lines into a PDF (long lines wrapped to the
page, 'Page N of M' footers) or a Word document (a paragraph a line), and imports that instead:
how much survives the trip through a document's text.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEFAULT = [DATA / "transcript_layouts_dev"]
sys.path.insert(0, str(DATA.parent))  # tests/document_files.py writes the PDF and Word files


def words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower().replace("\u2019", "'"))


def as_document(path: Path, kind: str | None, scratch: Path) -> Path:
    """The file itself, or its lines written into a PDF or Word file in `scratch`."""
    if kind is None:
        return path
    from document_files import write_docx, write_pdf

    lines = path.read_text(encoding="utf-8-sig").splitlines()
    out = scratch / f"{path.stem}.{kind}"
    if kind == "pdf":
        write_pdf(out, lines, footer=True)
    else:
        write_docx(out, lines)
    return out


def main() -> None:
    from agent.report.imports import Speakers, TranscriptError, read_transcript

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", default=[str(p) for p in DEFAULT])
    parser.add_argument("--as", dest="kind", choices=["pdf", "docx"], help="import as documents")
    parser.add_argument("--no-names", action="store_true", help="give no speakers' names")
    parser.add_argument("--keep-small-talk", action="store_true", help="no conversation tidying")
    args = parser.parse_args()
    if args.keep_small_talk:
        import agent.report.imports as imports

        imports.tidy = lambda parsed: parsed  # the importer before the conversation step
    scratch = Path(tempfile.mkdtemp(prefix="viva-layouts-"))
    files = files_right = turns_expected = turns_right = refused = guessed = wrong_roles = 0
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
                path = as_document(folder / case["file"], args.kind, scratch)
                read = read_transcript(path, speakers=None if args.no_names else speakers)
                got = read.turns
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
            if read.guessed_roles:
                guessed += 1
                known = speakers.interviewer  # a case that names nobody cannot be judged
                if known and read.guessed_roles.interviewer.lower() not in known:
                    wrong_roles += 1
                    mark = "WRONG ROLES " + mark
            print(f"  {mark:<24} {case['file']:<28} {case['layout'][:50]}")
    print(
        f"{files} files: {files_right} read right ({files_right / max(files, 1):.0%}), "
        f"{refused} refused; turns right {turns_right}/{turns_expected} "
        f"({turns_right / max(turns_expected, 1):.0%})"
        + (f"; roles guessed in {guessed}, {wrong_roles} wrong" if guessed else "")
    )


if __name__ == "__main__":
    main()
