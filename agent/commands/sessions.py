"""`viva sessions list [--json]` and `viva sessions show ID [--json]`."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from agent.commands.flags import add_subcommands

    sub = add_subcommands(parser, "sessions_command")
    p_list = sub.add_parser("list", help="past sessions, newest first")
    p_list.add_argument("--json", action="store_true", help="a JSON list of objects")
    p_show = sub.add_parser("show", help="one session's turns and grades")
    p_show.add_argument("session_id", metavar="ID")
    p_show.add_argument("--json", action="store_true", help="the session record as JSON")
    parser.set_defaults(sessions_command=None, json=False)


def run(args: argparse.Namespace) -> int:
    command = args.sessions_command or "list"
    if command == "list":
        return _list(args.json)
    if command == "show":
        return _show(args.session_id, args.json)
    return 2


def _list(as_json: bool) -> int:
    import json

    from agent.sessions.store import list_sessions

    sessions = list_sessions()
    if as_json:
        print(json.dumps([s.to_dict() for s in sessions], indent=2))
        return 0
    if not sessions:
        print("No sessions yet. Start one with 'viva interview' (or 'viva interview --no-tui').")
        return 0
    print(f"{'ID':<21} {'DATE':<17} {'TRACK':<20} {'MODE':<6} {'ANSWERED':>8} {'SCORE':>6}  STATUS")
    for s in sessions:
        date = s.date[:16].replace("T", " ")
        score = "-" if s.overall is None else f"{s.overall:.1f}"
        print(
            f"{s.id:<21} {date:<17} {s.track:<20} {s.mode:<6} {s.answered:>8} {score:>6}  {s.status}"
        )
    return 0


def _show(session_id: str, as_json: bool) -> int:
    import json

    from agent.sessions.store import read_session

    rec = read_session(session_id)
    if as_json:
        data = {
            **rec.summary().to_dict(),
            "policy": rec.policy,
            "grader": rec.grader,
            "end_reason": rec.end_reason,
            "questions": [
                {
                    "question_id": q.question_id,
                    "text": q.text,
                    "score": q.score,
                    "follow_ups": q.follow_ups,
                    "answered": q.answered,
                    "turns": q.turns,
                }
                for q in rec.questions
            ],
            "turns": [
                {
                    "turn": t.turn,
                    "question_id": t.question_id,
                    "kind": t.kind,
                    "text": t.text,
                    "follow_up": t.follow_up,
                    "targets": t.targets,
                    "answer": None if t.answer is None else t.answer.get("text"),
                    "intent": None if t.answer is None else t.answer.get("intent"),
                }
                for t in rec.turns
            ],
            "notices": [n.get("message") for n in rec.notices],
            "draft": rec.draft,
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    s = rec.summary()
    score = "-" if s.overall is None else f"{s.overall:.1f}/4"
    print(
        f"Session {s.id}  {s.date[:16].replace('T', ' ')}  track {s.track}  mode {s.mode}  {s.status}"
    )
    print(f"Overall {score}; answered {s.answered} of {s.questions} asked.")
    for t in rec.turns:
        print()
        print(f"[{t.turn}] {t.kind}: {t.text}")
        if t.answer is not None:
            print(f"    answer ({t.answer.get('intent', 'answer')}): {t.answer.get('text', '')}")
        for g in t.grades[-1:]:
            print(
                f"    grade {float(g.get('overall', 0)):.1f}/4 ({g.get('grade', {}).get('grader', '?')})"
            )
    if rec.draft:
        draft = rec.draft.replace("\n", "\n    ")
        print(f"\nUnsent answer, back in the answer box on a resume:\n    {draft}")
    for n in rec.notices:
        if n.get("kind") != "info":
            print(f"(note) {n.get('message')}")
    return 0
