"""Cross-checks a schema cannot express: ids, references between parts, weights, tracks.

Each check returns problems as `path:line: field: message`, with the line of the field at fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.bank.models import TOPICS, Rubric, Track
from agent.bank.source import Entry

WEIGHT_TOLERANCE = 0.01


def _names(ids: Iterable[str]) -> str:
    ids = sorted(set(ids))
    return ", ".join(ids) if ids else "none"


def check_file_name(entry: Entry) -> list[str]:
    model = entry.model
    stem = entry.path.name.rsplit(".", 1)[0]
    if model is not None and model.id != stem:
        return [
            entry.problem(
                ("id",), f"id '{model.id}' does not match the file name '{entry.path.name}'"
            )
        ]
    return []


def check_rubric(entry: Entry, *, shipped: bool) -> list[str]:
    """Checks inside one rubric: ids, criteria of key points and misconceptions, probe targets,
    weights, topic."""
    rubric: Rubric = entry.model
    out = check_file_name(entry)

    if shipped and rubric.topic not in TOPICS[:-1]:
        topics = ", ".join(t for t in TOPICS if t != "custom")
        out.append(
            entry.problem(("topic",), f"unknown topic '{rubric.topic}' (shipped topics: {topics})")
        )
    elif not rubric.topic.strip():
        out.append(entry.problem(("topic",), "topic is empty"))

    criterion_ids: set[str] = set()
    for i, criterion in enumerate(rubric.criteria):
        out.extend(_repeated(entry, "criteria", i, criterion.id, criterion_ids, "criterion"))
    if rubric.criteria:
        total = sum(c.weight for c in rubric.criteria)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            out.append(
                entry.problem(("criteria",), f"weights sum to {total:.3g}, not 1 (within 0.01)")
            )

    point_ids: set[str] = set()
    used: set[str] = set()
    for i, point in enumerate(rubric.key_points):
        out.extend(_repeated(entry, "key_points", i, point.id, point_ids, "key point"))
        out.extend(_unknown_criterion(entry, "key_points", i, point.criterion, criterion_ids))
        used.add(point.criterion)
        out.extend(_check_cues(entry, ("key_points", i, "cues"), point.cues))

    for i, criterion in enumerate(rubric.criteria):
        if criterion.id not in used:
            out.append(
                entry.problem(
                    ("criteria", i, "id"), f"criterion '{criterion.id}' has no key points"
                )
            )

    misconception_ids: set[str] = set()
    for i, wrong in enumerate(rubric.misconceptions):
        repeated = _repeated(
            entry, "misconceptions", i, wrong.id, misconception_ids, "misconception"
        )
        if not repeated and wrong.id in point_ids:
            repeated = [
                entry.problem(
                    ("misconceptions", i, "id"), f"id '{wrong.id}' is also a key point id"
                )
            ]
        out.extend(repeated)
        out.extend(_unknown_criterion(entry, "misconceptions", i, wrong.criterion, criterion_ids))
        out.extend(_check_cues(entry, ("misconceptions", i, "cues"), wrong.cues))

    targets = point_ids | misconception_ids
    probe_ids: set[str] = set()
    for i, probe in enumerate(rubric.probes):
        out.extend(_repeated(entry, "probes", i, probe.id, probe_ids, "probe"))
        if claim := _PUTS_WORDS_IN_MOUTH.match(probe.question):
            out.append(
                entry.problem(
                    ("probes", i, "question"),
                    f"opens with '{claim.group(0).strip()}': a probe is asked whatever the answer"
                    " said (the interviewer quotes the candidate itself), so ask it directly",
                )
            )
        for j, target in enumerate(probe.targets):
            if target not in targets:
                out.append(
                    entry.problem(
                        ("probes", i, "targets", j),
                        f"unknown target '{target}' (not a key point or misconception of this question)",
                    )
                )
    return out


_PUTS_WORDS_IN_MOUTH = re.compile(
    r"\s*(?:as )?you (?:mentioned|said|told|described|brought up|talked about|suggested)\b",
    re.IGNORECASE,
)


def _check_cues(entry: Entry, loc: tuple, cues: list[str]) -> list[str]:
    from agent.text import words

    return [
        entry.problem((*loc, j), "cue has no words (it would match any answer)")
        for j, cue in enumerate(cues)
        if not words(cue)
    ]


def check_track(
    entry: Entry, question_ids: set[str], question_minutes: dict[str, float]
) -> list[str]:
    """A track's questions exist, appear once, and fit its time budget."""
    track: Track = entry.model
    out = check_file_name(entry)
    seen: set[str] = set()
    planned = 0.0
    for i, item in enumerate(track.questions):
        qid = item if isinstance(item, str) else item.question
        loc = ("questions", i) if isinstance(item, str) else ("questions", i, "question")
        if qid not in question_ids:
            out.append(entry.problem(loc, f"unknown question '{qid}'"))
        if qid in seen:
            out.append(entry.problem(loc, f"question '{qid}' appears twice"))
        seen.add(qid)
        minutes = None if isinstance(item, str) else item.minutes
        planned += minutes or question_minutes.get(qid, 0.0)
    if planned > track.minutes + 1e-9:
        out.append(
            entry.problem(
                ("minutes",),
                f"the questions take {planned:g} minutes, more than the track's {track.minutes:g}",
            )
        )
    return out


def check_rubric_tracks(entry: Entry, track_ids: set[str]) -> list[str]:
    rubric: Rubric = entry.model
    return [
        entry.problem(("tracks", i), f"unknown track '{name}' (tracks: {_names(track_ids)})")
        for i, name in enumerate(rubric.tracks)
        if name not in track_ids
    ]


def _repeated(
    entry: Entry, field: str, i: int, item_id: str, seen: set[str], what: str
) -> list[str]:
    """A problem when `item_id` was seen before in this list; remembers it."""
    if item_id in seen:
        return [entry.problem((field, i, "id"), f"duplicate {what} id '{item_id}'")]
    seen.add(item_id)
    return []


def _unknown_criterion(
    entry: Entry, field: str, i: int, criterion: str, criterion_ids: set[str]
) -> list[str]:
    if criterion in criterion_ids:
        return []
    return [
        entry.problem(
            (field, i, "criterion"),
            f"unknown criterion '{criterion}' (criteria: {_names(criterion_ids)})",
        )
    ]


def check_duplicates(entries: list[Entry], kind: str) -> list[str]:
    """Two files of the same origin defining one id is an error naming both files (a user file
    with a shipped id is an override, not a duplicate)."""
    out: list[str] = []
    first: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        if entry.model is None:
            continue
        key = (entry.origin, entry.model.id)
        if key in first:
            what = "question" if kind == "rubric" else "track"
            out.append(
                entry.problem(
                    ("id",),
                    f"duplicate {what} id '{entry.model.id}' (also in {first[key].shown})",
                )
            )
        else:
            first[key] = entry
    return out
