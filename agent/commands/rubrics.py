"""`viva rubrics`: list, show and validate the question bank; list the interview tracks."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap

WIDTH = 80


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="rubrics_command", metavar="ACTION")

    p = sub.add_parser("list", help="list the questions (id, topic, question)")
    p.add_argument(
        "--track", metavar="T", help="only questions of track T (see 'viva rubrics tracks')"
    )
    p.add_argument("--topic", metavar="X", help="only questions of topic X")
    p.add_argument("--json", action="store_true", help="print JSON (a list of objects)")

    p = sub.add_parser("show", help="show one question's rubric (a study aid)")
    p.add_argument("id", metavar="ID", help="question id (see 'viva rubrics list')")
    p.add_argument("--json", action="store_true", help="print the rubric as JSON")

    p = sub.add_parser(
        "validate",
        help="check the shipped and your own rubric files, or only the given ones",
        description="Check rubric and track files. Each problem is printed as "
        "'path:line: field: message'; exits 1 if there is any.",
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders to check (default: all)"
    )

    p = sub.add_parser("tracks", help="list the interview tracks (id, title, minutes, questions)")
    p.add_argument("--json", action="store_true", help="print JSON (a list of objects)")


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "rubrics_command", None)
    if action in ("list", None):
        return _list(args)
    if action == "show":
        return _show(args)
    if action == "validate":
        return _validate(args)
    return _tracks(args)


# -- list ----------------------------------------------------------------------------------
def _list(args: argparse.Namespace) -> int:
    from agent.bank.loader import load_bank
    from agent.errors import UsageError

    bank = load_bank()
    order = {topic: i for i, topic in enumerate(bank.topics())}
    rubrics = sorted(bank.rubrics.values(), key=lambda r: (order[r.topic], r.id))
    args.track = getattr(args, "track", None)
    args.topic = getattr(args, "topic", None)
    args.json = getattr(args, "json", False)
    if args.track:
        track = bank.track(args.track)
        planned = track.question_ids
        tagged = [r.id for r in rubrics if args.track in bank.tracks_of(r.id)]
        in_order = planned + [q for q in tagged if q not in planned]
        rubrics = [bank.rubrics[q] for q in in_order if q in bank.rubrics]
    if args.topic:
        topics = bank.topics()
        if args.topic not in topics:
            raise UsageError(f"unknown topic '{args.topic}' (topics: {', '.join(topics)})")
        rubrics = [r for r in rubrics if r.topic == args.topic]

    if args.json:
        rows = [
            {
                "id": r.id,
                "topic": r.topic,
                "question": r.question,
                "tracks": bank.tracks_of(r.id),
                "difficulty": r.difficulty,
                "minutes": r.minutes,
                "source": list(r.source),
                "user": bank.is_user(r.id),
                "derived": r.derived,
                "file": str(bank.files[r.id]),
            }
            for r in rubrics
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0

    if not rubrics:
        print("no questions match")
        return 0
    # Grouped under topic headings so the question gets most of the 80 columns.
    id_w = max(len(r.id) + bank.is_user(r.id) for r in rubrics)  # ids are never cut
    q_w = max(20, _width() - id_w - 4)
    topic = None
    for r in rubrics:
        if r.topic != topic:
            topic = r.topic
            print(topic)
        name = r.id + ("*" if bank.is_user(r.id) else "")
        print(f"  {name:<{id_w}}  {_cut(r.question, q_w)}")
    shown = {r.topic for r in rubrics}
    footer = f"{len(rubrics)} question{'s' * (len(rubrics) != 1)}, {len(shown)} topic{'s' * (len(shown) != 1)}"
    if args.track:
        track = bank.track(args.track)
        footer += (
            f"; track '{track.id}' asks the first {len(track.question_ids)} "
            f"in {track.minutes:g} minutes"
        )
    if any(bank.is_user(r.id) for r in rubrics):
        footer += "; * = from your rubrics folder"
    print(footer)
    return 0


def _width() -> int:
    return (
        min(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns) if sys.stdout.isatty() else WIDTH
    )


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(0, width - 3)].rstrip(" ,;:") + "..."


# -- show ----------------------------------------------------------------------------------
def _show(args: argparse.Namespace) -> int:
    from agent.bank.loader import load_bank

    bank = load_bank()
    rubric = bank.rubric(args.id)
    if args.json:
        data = rubric.model_dump(mode="json", by_alias=True)
        data["file"] = str(bank.files[rubric.id])
        data["user"] = bank.is_user(rubric.id)
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(render_rubric(rubric, bank))
    return 0


def _wrap(text: str, indent: int, first: str = "", hang: int | None = None) -> str:
    """Wrap to 80 columns; continuation lines are indented under the text (or by `hang`)."""
    lead = " " * indent + first
    rest = " " * (indent + (len(first) if hang is None else hang))
    paragraphs = [p for p in str(text).split("\n") if p.strip()] or [""]
    out = []
    for i, para in enumerate(paragraphs):
        out.append(
            textwrap.fill(
                " ".join(para.split()),
                width=WIDTH,
                initial_indent=lead if i == 0 else rest,
                subsequent_indent=rest,
            )
        )
    return "\n\n".join(out)


def render_rubric(rubric, bank=None) -> str:
    """The rubric as readable text: what a strong answer covers, at a glance."""
    lines: list[str] = []
    meta = [rubric.topic, rubric.difficulty, f"~{rubric.minutes:g} min"]
    if rubric.derived:
        meta.append("derived from the reference answer")
    lines.append(f"{rubric.id}  ({', '.join(meta)})")
    tracks = bank.tracks_of(rubric.id) if bank is not None else list(rubric.tracks)
    if tracks:
        lines.append(f"tracks: {', '.join(tracks)}")
    if bank is not None and bank.is_user(rubric.id):
        where = bank.files.get(rubric.id)
        note = f"your file: {where}"
        if rubric.id in bank.overrides:
            note += " (overrides the shipped question)"
        lines.append(note)
    lines.append("")
    lines.append(_wrap(rubric.question, 0, "Q: "))
    if rubric.clarifications:
        lines.append("")
        lines.append("Clarifications the interviewer may give")
        lines += [_wrap(c, 2, "- ") for c in rubric.clarifications]

    lines.append("")
    lines.append("Criteria (each scored 0-4)")
    for c in rubric.criteria:
        lines.append(f"  {c.name} [{c.id}], weight {c.weight:g}")
        for score in range(4, -1, -1):
            lines.append(_wrap(c.levels.for_score(score), 4, f"{score}: "))

    lines.append("")
    lines.append("Key points, by criterion")
    for c in rubric.criteria:
        lines.append(f"  {c.id}:")
        for k in (k for k in rubric.key_points if k.criterion == c.id):
            lines.append(_wrap(k.text, 4, f"- {k.id}: ", hang=2))
            lines.append(_wrap(", ".join(k.cues), 6, "cues: ", hang=2))

    if rubric.misconceptions:
        lines.append("")
        lines.append("Misconceptions (confident wrong claims)")
        for m in rubric.misconceptions:
            lines.append(
                _wrap(f'"{m.claim}"', 2, f"- {m.id} (-{m.penalty} on {m.criterion}): ", hang=2)
            )
            lines.append(_wrap(m.correction, 4, "correction: ", hang=2))
            lines.append(_wrap(", ".join(m.cues), 4, "cues: ", hang=2))

    if rubric.probes:
        lines.append("")
        lines.append("Follow-up probes, by depth")
        for p in sorted(rubric.probes, key=lambda p: p.depth):
            lines.append(_wrap(p.question, 2, f"{p.depth}. "))
            lines.append(_wrap(", ".join(p.targets), 5, "targets: ", hang=2))

    lines.append("")
    lines.append("Reference answers")
    for label, text in (
        ("20-second", rubric.reference.short),
        ("2-minute", rubric.reference.standard),
        ("deep follow-up", rubric.reference.deep),
    ):
        if text:
            lines.append(f"  {label}:")
            lines.append(_wrap(text, 4))
    if rubric.source:
        lines.append("")
        lines.append(f"source: {', '.join(rubric.source)}")
    return "\n".join(lines)


# -- validate ------------------------------------------------------------------------------
def _validate(args: argparse.Namespace) -> int:
    from agent.bank.loader import collect_bank, validate_paths

    if args.paths:
        bank, questions, tracks = validate_paths(args.paths)
    else:
        bank = collect_bank()
        questions, tracks = _counted(bank)
    for problem in bank.problems:
        print(problem)
    if bank.problems:
        files = {p.split(":", 1)[0] for p in bank.problems}
        n = len(bank.problems)
        print(
            f"{n} problem{'s' * (n != 1)} in {len(files)} file{'s' * (len(files) != 1)}",
            file=sys.stderr,
        )
        return 1
    summary = (
        f"ok: {questions} question{'s' * (questions != 1)}, {tracks} track{'s' * (tracks != 1)}"
    )
    if not args.paths:
        user = [i for i in bank.user_ids]
        if user:
            summary += f" ({len(user)} from your rubrics folder"
            if bank.overrides:
                summary += f", {len(bank.overrides)} overriding shipped ones"
            summary += ")"
    print(summary)
    return 0


def _counted(bank) -> tuple[int, int]:
    return len(bank.rubrics), len(bank.tracks)


# -- tracks --------------------------------------------------------------------------------
def _tracks(args: argparse.Namespace) -> int:
    from agent.bank.loader import load_bank

    bank = load_bank()
    tracks = list(bank.tracks.values())
    if args.json:
        rows = []
        for t in tracks:
            plan = bank.track_plan(t.id)
            rows.append(
                {
                    "id": t.id,
                    "title": t.title,
                    "minutes": t.minutes,
                    "questions": [r.id for r, _ in plan],
                    "question_minutes": [m for _, m in plan],
                    "max_follow_ups": t.max_follow_ups,
                    "description": t.description,
                    "user": bank.is_user(t.id),
                }
            )
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not tracks:
        print("no tracks")
        return 0
    id_w = max(len("ID"), *(len(t.id) for t in tracks))
    title_w = max(10, _width() - id_w - 16)
    print(f"{'ID':<{id_w}}  {'MIN':>4}  {'QS':>3}  TITLE")
    for t in tracks:
        print(f"{t.id:<{id_w}}  {t.minutes:>4g}  {len(t.questions):>3}  {_cut(t.title, title_w)}")
    return 0
