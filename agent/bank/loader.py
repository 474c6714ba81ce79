"""Loading the question bank: shipped rubrics, then the user's own (overriding by id), then tracks.

One question per YAML file (`rubrics/questions/<topic>/<id>.yaml`), one track per file
(`rubrics/tracks/<id>.yaml`). The user's folder (`locations.user_rubrics_dir()`) has the same
layout, any sub-folders. Every problem in every file is collected as `path:line: field: message`;
`load_bank()` raises RubricError listing them all, so nothing runs on a broken bank, while
`collect_bank()` and `validate_paths()` return them for `viva rubrics validate`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from agent.bank.derive import DeriveError, derive_rubric
from agent.bank.models import TOPICS, Rubric, Track
from agent.bank.source import Entry, YamlProblem, read_yaml, validation_problems
from agent.bank.validate import (
    check_duplicates,
    check_rubric,
    check_rubric_tracks,
    check_track,
)
from agent.errors import RubricError, UsageError

__all__ = ["Bank", "collect_bank", "derive_rubric", "load_bank", "validate_paths"]

SUFFIXES = (".yaml", ".yml")
ORIGINS = ("shipped", "user", "extra")
"""Later origins override earlier ones by id."""

_T = TypeVar("_T")


@dataclass
class Bank:
    """The loaded question bank."""

    rubrics: dict[str, Rubric] = field(default_factory=dict)
    tracks: dict[str, Track] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    """Question id -> the file it came from."""
    track_files: dict[str, Path] = field(default_factory=dict)
    user_ids: set[str] = field(default_factory=set)
    """Questions and tracks defined by the user's files (or extra paths)."""
    overrides: dict[str, tuple[Path, Path]] = field(default_factory=dict)
    """id -> (the user's file, the file it overrides)."""
    problems: list[str] = field(default_factory=list)

    # -- lookups -------------------------------------------------------------------------
    def rubric(self, question_id: str) -> Rubric:
        return _lookup(self.rubrics, question_id, "question id", "viva rubrics list")

    def track(self, track_id: str) -> Track:
        return _lookup(self.tracks, track_id, "track", "viva rubrics tracks")

    def topics(self) -> list[str]:
        """Topics in use, in the schema's order (unknown user topics last, alphabetically)."""
        used = {r.topic for r in self.rubrics.values()}
        known = [t for t in TOPICS if t in used]
        return known + sorted(used - set(TOPICS))

    def track_plan(self, track_id: str) -> list[tuple[Rubric, float]]:
        """The track's questions in order, each with its planned minutes."""
        track = self.track(track_id)
        plan = []
        for item in track.questions:
            qid = item if isinstance(item, str) else item.question
            rubric = self.rubric(qid)
            minutes = None if isinstance(item, str) else item.minutes
            plan.append((rubric, minutes or rubric.minutes))
        return plan

    def tracks_of(self, question_id: str) -> list[str]:
        """Tracks that include the question, plus existing tracks its file names."""
        rubric = self.rubrics.get(question_id)
        named = set(rubric.tracks) if rubric else set()
        return [
            tid
            for tid, track in self.tracks.items()
            if question_id in track.question_ids or tid in named
        ]

    def is_user(self, item_id: str) -> bool:
        return item_id in self.user_ids


def _lookup(known: dict[str, _T], key: str, what: str, command: str) -> _T:
    """`known[key]`, or a UsageError naming the closest id and the command that lists them."""
    try:
        return known[key]
    except KeyError:
        close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UsageError(f"unknown {what} '{key}'{hint} (see '{command}')") from None


# -- files ---------------------------------------------------------------------------------
def _discover(root: Path) -> list[Path]:
    """YAML files under `root` (any depth), hidden files and folders skipped, sorted."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    found = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if path.suffix.lower() in SUFFIXES and path.is_file():
            found.append(path)
    return sorted(found)


def _kind(path: Path, root: Path, data: Any) -> str:
    if isinstance(data, dict):
        if "question" in data:
            return "rubric"
        if "questions" in data:
            return "track"
    try:
        parts = path.relative_to(root).parts[:-1]
    except ValueError:
        parts = path.parts[:-1]
    return "track" if "tracks" in parts else "rubric"


def _parse(path: Path, root: Path, origin: str) -> Entry:
    entry = Entry(path=path, kind=_kind(path, root, None), origin=origin)
    try:
        data, lines, duplicates = read_yaml(path)
    except YamlProblem as exc:
        entry.problems.append(f"{entry.shown}:{exc.line}: yaml: {exc.message}")
        return entry
    except OSError as exc:
        entry.problems.append(f"{entry.shown}:1: file: cannot read ({exc.strerror or exc})")
        return entry
    entry.data, entry.lines = data, lines
    entry.kind = _kind(path, root, data)
    for line, loc, message in duplicates:
        entry.problems.append(f"{entry.shown}:{line}: {'.'.join(map(str, loc))}: {message}")
    if not isinstance(data, dict):
        found = type(data).__name__ if data is not None else "nothing"
        found = {"list": "a list", "str": "a string"}.get(found, found)
        entry.problems.append(
            f"{entry.shown}:{entry.line()}: yaml: expected a mapping of fields at the top level, "
            f"found {found}"
        )
        return entry
    from pydantic import ValidationError

    if entry.kind == "track":
        try:
            entry.model = Track.model_validate(data)
        except ValidationError as exc:
            entry.problems.extend(validation_problems(entry, exc))
        return entry

    if isinstance(data.get("reference"), str):  # `reference: text` is short for {standard: text}
        data = {**data, "reference": {"standard": data["reference"]}}
        entry.data = data
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        entry.problems.extend(validation_problems(entry, exc))
        return entry
    if rubric.reference_only:
        carried = {
            name: getattr(rubric, name)
            for name in ("tracks", "tags", "difficulty", "minutes", "clarifications", "source")
        }
        try:
            rubric = derive_rubric(
                rubric.id,
                rubric.question,
                rubric.reference,
                topic=rubric.topic,
                probes=list(rubric.probes),
                **carried,
            )
        except DeriveError as exc:
            entry.problems.append(entry.problem(("reference", "standard"), str(exc)))
            return entry
        except ValidationError as exc:
            entry.problems.extend(validation_problems(entry, exc))
            return entry
    entry.model = rubric
    return entry


def _is_shipped(path: Path) -> bool:
    from agent import locations

    try:
        path.resolve().relative_to(locations.shipped_rubrics_dir().resolve())
    except ValueError:
        return False
    return True


_LINE = re.compile(r"^(.*?):(\d+): ")


def _sorted(problems: list[str]) -> list[str]:
    def key(text: str) -> tuple[str, int]:
        match = _LINE.match(text)
        return (match.group(1), int(match.group(2))) if match else (text, 0)

    return sorted(dict.fromkeys(problems), key=key)


def _build(
    entries: list[Entry],
    *,
    known_questions: dict[str, float] | None = None,
    known_tracks: set[str] | None = None,
) -> Bank:
    """Merge parsed entries into a Bank (later origins override by id) and cross-check them."""
    bank = Bank()
    problems: list[str] = []
    for entry in entries:
        problems.extend(entry.problems)
    rubric_entries = [e for e in entries if e.kind == "rubric" and e.model is not None]
    track_entries = [e for e in entries if e.kind == "track" and e.model is not None]
    problems += check_duplicates(rubric_entries, "rubric")
    problems += check_duplicates(track_entries, "track")

    order = {origin: i for i, origin in enumerate(ORIGINS)}
    for kind_entries, target, files in (
        (rubric_entries, bank.rubrics, bank.files),
        (track_entries, bank.tracks, bank.track_files),
    ):
        placed: dict[str, Entry] = {}
        for entry in sorted(kind_entries, key=lambda e: order[e.origin]):
            item_id = entry.model.id
            previous = placed.get(item_id)
            if previous is not None:
                if previous.origin == entry.origin:
                    continue  # a duplicate, reported above; the first file wins
                bank.overrides[item_id] = (entry.path, previous.path)
            placed[item_id] = entry
            target[item_id] = entry.model
            files[item_id] = entry.path
            if entry.origin != "shipped":
                bank.user_ids.add(item_id)
            else:
                bank.user_ids.discard(item_id)

    # Entries with any problem (e.g. a duplicate key) are left out of the bank.
    bad: set[int] = {id(e) for e in entries if e.problems}

    def note(entry: Entry, found: list[str]) -> None:
        if found:
            bad.add(id(entry))
            problems.extend(found)

    for entry in rubric_entries:
        shipped = entry.origin == "shipped" or _is_shipped(entry.path)
        note(entry, check_rubric(entry, shipped=shipped))
    question_minutes = {qid: r.minutes for qid, r in bank.rubrics.items()}
    question_minutes.update(
        {k: v for k, v in (known_questions or {}).items() if k not in question_minutes}
    )
    track_ids = set(bank.tracks) | (known_tracks or set())
    for entry in track_entries:
        note(entry, check_track(entry, set(question_minutes), question_minutes))
    for entry in rubric_entries:
        note(entry, check_rubric_tracks(entry, track_ids))
    for kind_entries, target, files in (
        (rubric_entries, bank.rubrics, bank.files),
        (track_entries, bank.tracks, bank.track_files),
    ):
        for entry in kind_entries:
            item_id = entry.model.id
            if id(entry) in bad and files.get(item_id) == entry.path:
                del target[item_id]
                del files[item_id]
                bank.user_ids.discard(item_id)
                bank.overrides.pop(item_id, None)
    bank.problems = _sorted(problems)
    return bank


# -- public API ----------------------------------------------------------------------------
_CACHE: dict[tuple, tuple[tuple, Bank]] = {}


def _sources(extra_paths) -> list[tuple[Path, str]]:
    from agent import locations

    sources = [(locations.shipped_rubrics_dir(), "shipped"), (locations.user_rubrics_dir(), "user")]
    for extra in extra_paths or ():
        sources.append((Path(extra).expanduser(), "extra"))
    return sources


def collect_bank(extra_paths: list[str | Path] | None = None) -> Bank:
    """Load shipped + user rubrics (+ extra files/folders) and tracks; never raises for bad
    files: their problems are in `bank.problems`. Cached per process until a file changes."""
    sources = _sources(extra_paths)
    files: list[tuple[Path, Path, str]] = []
    for root, origin in sources:
        if origin == "extra" and not root.exists():
            raise UsageError(f"no such file or folder: {root}")
        files.extend((path, root, origin) for path in _discover(root))
    signature: list[tuple[str, str, int | None, int | None]] = []
    for path, _, origin in files:
        try:
            stat = path.stat()
            signature.append((str(path), origin, stat.st_mtime_ns, stat.st_size))
        except OSError:
            signature.append((str(path), origin, None, None))
    key = tuple((str(root), origin) for root, origin in sources)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == tuple(signature):
        return cached[1]
    bank = _build([_parse(path, root, origin) for path, root, origin in files])
    _CACHE[key] = (tuple(signature), bank)
    return bank


def load_bank(extra_paths: list[str | Path] | None = None, *, strict: bool = True) -> Bank:
    """The question bank for the app. With `strict` (the default) any problem in any file
    raises RubricError listing them all (`path:line: field: message`)."""
    bank = collect_bank(extra_paths)
    if strict and bank.problems:
        error = RubricError(bank.problems)
        n = len(bank.problems)
        error.args = (
            f"the question bank has {n} problem{'s' * (n != 1)} "
            "(fix them, or move the file out of the rubrics folder):\n" + "\n".join(bank.problems),
        )
        raise error
    return bank


def validate_paths(paths: list[str | Path]) -> tuple[Bank, int, int]:
    """Validate only the given files/folders: each on its own, cross-checked among themselves,
    with references to questions and tracks also resolved against the installed bank.
    Returns (bank of the given files with `.problems`, questions checked, tracks checked)."""
    entries: list[Entry] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise UsageError(f"no such file or folder: {raw}")
        if path.is_file() and path.suffix.lower() not in SUFFIXES:
            raise UsageError(f"not a rubric file (expected .yaml or .yml): {raw}")
        found = _discover(path)
        if not found:
            raise UsageError(f"no .yaml or .yml files in {raw}")
        root = path if path.is_dir() else path.parent
        entries.extend(_parse(p, root, "extra") for p in found)
    seen: set[Path] = set()
    unique = []
    for entry in entries:
        if entry.path.resolve() not in seen:
            seen.add(entry.path.resolve())
            unique.append(entry)
    installed = collect_bank()
    bank = _build(
        unique,
        known_questions={qid: r.minutes for qid, r in installed.rubrics.items()},
        known_tracks=set(installed.tracks),
    )
    questions = sum(1 for e in unique if e.kind == "rubric")
    tracks = sum(1 for e in unique if e.kind == "track")
    return bank, questions, tracks
