"""Whole resumes as Word and PDF files: does `viva cv import` find each job and project entry,
under the name an interviewer would use, with its role and its bullets?

    .venv/bin/python bench/cv_documents.py [FOLDER] [--misses]
    (default: tests/data/cv_documents_sealed/, resumes written blind by a helper who never saw
    the reader or the extractor, each in one template: Word styles, typed bullets, tables, PDF)

`expected.jsonl` holds one line per file: {"file", "layout", "entries": [{"kind", "name",
"role", "bullets"}]}. An entry is found when a project read from the file has its name (case,
spacing and trailing punctuation aside); its role and its number of bullets are then compared.
A read project that is no entry (a school, a skills line) is counted as extra.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "data" / "cv_documents_sealed"


def _norm(text: str) -> str:
    return " ".join(text.replace("**", "").split()).strip(" .,;:").casefold()


def main() -> None:
    from agent.cv.importing import read_profile
    from agent.errors import UsageError

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT))
    parser.add_argument("--misses", action="store_true", help="print what was read wrong")
    args = parser.parse_args()
    folder = Path(args.folder)
    cases = [json.loads(x) for x in (folder / "expected.jsonl").read_text().splitlines() if x]
    entries = found = roles = bullets = extra = files_right = 0
    for case in cases:
        try:
            projects = read_profile(folder / case["file"]).projects
        except UsageError as exc:
            print(f"  REFUSED  {case['file']}: {exc}")
            projects = []
        by_name: dict[str, list] = {}
        for p in projects:  # several roles at one company: one entry each, in order
            by_name.setdefault(_norm(p.name), []).append(p)
        wanted = {_norm(e["name"]) for e in case["entries"]}
        right = True
        for entry in case["entries"]:
            entries += 1
            same = by_name.get(_norm(entry["name"])) or []
            project = next((p for p in same if _norm(p.role) == _norm(entry["role"])), None)
            project = project or (same[0] if same else None)
            if project is not None:
                same.remove(project)
            ok = project is not None
            role_ok = ok and _norm(project.role) == _norm(entry["role"])
            bullets_ok = ok and len(project.claims) == entry["bullets"]
            found, roles, bullets = found + ok, roles + role_ok, bullets + bullets_ok
            right = right and role_ok and bullets_ok
            if args.misses and not (role_ok and bullets_ok):
                got = f"({project.role!r}, {len(project.claims)} bullets)" if project else "missing"
                print(f"  {case['file']}: {entry['name']!r} ({entry['role']!r}, "
                      f"{entry['bullets']} bullets) read {got}")  # fmt: skip
        unwanted = [p.name for p in projects if _norm(p.name) not in wanted]
        extra += len(unwanted)
        if args.misses and unwanted:
            print(f"  {case['file']}: also read {unwanted}")
        files_right += right and not unwanted
        print(
            f"  {'ok' if right and not unwanted else 'miss':<5} {case['file']:<44} {case['layout'][:40]}"
        )
    print(
        f"{len(cases)} resumes: {files_right} read right; entries found {found}/{entries}, "
        f"with their role {roles}/{entries}, with their bullets {bullets}/{entries}; "
        f"{extra} read that are no entry"
    )


if __name__ == "__main__":
    main()
