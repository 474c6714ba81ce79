"""Resume headings: does the import name each entry as an interviewer would, and find its role?

    .venv/bin/python bench/cv_headings.py [HEADINGS.jsonl] [--misses]
    (default: tests/data/cv_headings_sealed.jsonl, headings written blind by a helper who never
    saw the extractor: job entries in many layouts and project entries, each with one bullet)

Each row is read as a one-entry resume section ("## Experience" for a job, "## Projects" for a
project) with its bullet. The name the deep dive uses must equal the row's `name` (the
organisation for a job, the project for a project) and the role its `role` (case, spacing and
trailing punctuation ignored).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "data" / "cv_headings_sealed.jsonl"


def _same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.replace("**", "").split()).strip(" .,;:").casefold()

    return norm(a) == norm(b)


def main() -> None:
    from agent.cv.extract import extract_profile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("headings", nargs="?", default=str(DEFAULT))
    parser.add_argument("--misses", action="store_true", help="print every row read wrong")
    args = parser.parse_args()
    rows = [json.loads(x) for x in Path(args.headings).read_text().splitlines() if x.strip()]
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for row in rows:
        section = "## Experience" if row["kind"] == "job" else "## Projects"
        projects = extract_profile([section, row["heading"], row["bullet"]]).projects
        name, role = (projects[0].name, projects[0].role) if projects else ("", "")
        name_ok, role_ok = _same(name, row["name"]), _same(role, row["role"])
        for key, ok in (("name", name_ok), ("role", role_ok), ("both", name_ok and role_ok)):
            total[key] += 1
            total[f"{key} {row['kind']}"] += 1
            right[key] += ok
            right[f"{key} {row['kind']}"] += ok
        if args.misses and not (name_ok and role_ok):
            print(f"  {row['heading']!r}\n    read ({name!r}, {role!r})")
            print(f"    want ({row['name']!r}, {row['role']!r})")
    print(f"{len(rows)} headings ({args.headings})")
    for key in ("name", "role", "both"):
        parts = [f"{key}: {right[key]}/{total[key]} ({100 * right[key] / total[key]:.0f}%)"]
        for kind in ("job", "project"):
            k = f"{key} {kind}"
            if total[k]:
                parts.append(f"{kind} {right[k]}/{total[k]}")
        print("  " + ", ".join(parts))


if __name__ == "__main__":
    main()
