"""Print agent/'s modules as a tree, one line per module with its job (the first line of its
docstring): the source of the README's "How it is built" tree.

    .venv/bin/python scripts/module_map.py
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 30
MAX_JOB = 68


def job(path: Path) -> str:
    """The first sentence of a module's docstring, on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = " ".join(doc.strip().split("\n\n")[0].split())
    first = first.split(". ")[0].rstrip(".")
    if len(first) <= MAX_JOB:
        return first
    # the first clauses are enough for a map: cut at the last clause mark that leaves them whole
    marks = (", ", " (", "; ", " - ", ": ")
    cuts = sorted({i for m in marks for i in range(30, MAX_JOB + 1) if first.startswith(m, i)})
    for cut in reversed(cuts):
        if _whole(first[:cut]):
            return first[:cut]
    return first[: first.rfind(" ", 0, MAX_JOB)] + " ..."


def _whole(clauses: str) -> bool:
    """No parenthesis or code span left open, and no stub of a list after a colon."""
    after_colon = clauses.rsplit(": ", 1)[1] if ": " in clauses else clauses
    return (
        clauses.count("(") == clauses.count(")")
        and clauses.count("`") % 2 == 0
        and len(after_colon) >= 16
    )


def lines(folder: Path, depth: int = 0) -> list[str]:
    out: list[str] = []
    pad = "  " * depth
    for path in sorted(folder.iterdir(), key=lambda p: (p.is_dir(), p.name)):
        if path.name.startswith(("_", ".")) and path.name != "__init__.py":
            continue
        if path.is_dir():
            if any(path.rglob("*.py")):
                init = path / "__init__.py"
                out.append(
                    f"{pad}{path.name + '/':<{WIDTH - len(pad)}} {job(init) if init.exists() else ''}".rstrip()
                )
                out += lines(path, depth + 1)
        elif path.suffix == ".py" and path.name != "__init__.py":
            out.append(f"{pad}{path.name:<{WIDTH - len(pad)}} {job(path)}".rstrip())
    return out


def module_names() -> list[str]:
    """Every module of agent/ (path relative to agent/), for the README check."""
    return sorted(
        str(p.relative_to(ROOT / "agent"))
        for p in (ROOT / "agent").rglob("*.py")
        if not any(part.startswith("_") for part in p.relative_to(ROOT / "agent").parts)
    )


def tree() -> str:
    """The map as the README shows it."""
    return "\n".join(["agent/", *("  " + line for line in lines(ROOT / "agent"))])


if __name__ == "__main__":
    print(tree())
