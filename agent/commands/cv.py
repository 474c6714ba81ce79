"""`viva cv import FILE`, `viva cv show [--json]`, `viva cv clear`: the resume the project deep
dive asks about (PDF, Word, Markdown or plain text), kept on this machine."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from agent.commands.flags import add_subcommands

    sub = add_subcommands(parser, "cv_command")
    p_import = sub.add_parser("import", help="read a resume or project write-up and keep it")
    p_import.add_argument("file", metavar="FILE", help="PDF, Word (.docx), Markdown or plain text")
    p_show = sub.add_parser("show", help="the projects Viva understood, with their source lines")
    p_show.add_argument("--json", action="store_true", help="as JSON")
    sub.add_parser("clear", help="forget the imported resume")
    parser.set_defaults(cv_command=None, json=False)


def run(args: argparse.Namespace) -> int:
    command = args.cv_command or "show"
    if command == "import":
        from agent.cv.importing import import_cv

        profile, path = import_cv(args.file)
        print(f"Read {len(profile.projects)} project(s) from {args.file}; kept in {path}")
        _print(profile)
        return 0
    if command == "clear":
        from agent.cv.store import clear_profile

        print("Forgot the imported resume." if clear_profile() else "No resume was imported.")
        return 0
    return _show(args.json)


def _show(as_json: bool) -> int:
    import json

    from agent.cv.store import load_profile, profile_path

    profile = load_profile()
    if profile is None:
        if as_json:
            print(json.dumps({"projects": []}))
        else:
            print("No resume imported. Use 'viva cv import FILE' (PDF, Word, Markdown or text).")
        return 0
    if as_json:
        print(json.dumps(profile.model_dump(mode="json"), indent=2))
        return 0
    print(f"From {profile.source} (edit {profile_path()} to fix anything misread):")
    _print(profile)
    return 0


def _print(profile) -> None:
    main = profile.main_project()
    for p in profile.projects:
        mark = "  (the deep dive asks about this one)" if p is main else ""
        print(f"\n{p.name}{f' - {p.role}' if p.role else ''}{mark}")
        if p.technologies:
            print(f"  technologies: {', '.join(p.technologies)}")
        for m in p.metrics:
            print(f"  metric: {m}")
        print(f"  lines: {', '.join(map(str, p.source_lines))}")
