"""`viva debrief`: the report on a session, an imported transcript or a recording, or progress.

viva debrief SESSION_ID|latest [--format md|html|json] [-o FILE]
viva debrief --transcript FILE [--transcript-format text|json|srt|vtt]
             [--interviewer NAME] [--candidate NAME]
viva debrief --audio FILE --question ID
viva debrief --progress
"""

from __future__ import annotations

import argparse

FORMATS = ("md", "html", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from agent.commands.flags import add_provider_flags

    parser.add_argument(
        "session_id",
        nargs="?",
        metavar="SESSION_ID",
        help="the session to report on ('latest' for the newest; see 'viva sessions list')",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="md", help="md (default), html or json"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    source = parser.add_argument_group("imported material (saved as a session, mode 'import')")
    source.add_argument(
        "--transcript",
        metavar="FILE",
        help="a practice transcript made elsewhere: Q:/A: notes, a call tool's, note-taker's "
        "or chat's text (also saved as PDF or Word), JSON, SRT or WebVTT (see "
        "docs/transcript-formats.md)",
    )
    source.add_argument(
        "--transcript-format",
        choices=("text", "json", "srt", "vtt"),
        help="the transcript's format (default: from the extension and content)",
    )
    source.add_argument(
        "--interviewer",
        action="append",
        default=[],
        metavar="NAME",
        help="in the transcript, NAME is the interviewer (transcripts of calls and chats "
        "name people); repeatable",
    )
    source.add_argument(
        "--candidate",
        action="append",
        default=[],
        metavar="NAME",
        help="in the transcript, NAME is you, the candidate; repeatable",
    )
    source.add_argument("--audio", metavar="FILE", help="a recorded answer to transcribe locally")
    source.add_argument("--question", metavar="ID", help="the question the recording answers")
    source.add_argument(
        "--grader",
        choices=("auto", "offline", "llm"),
        help="grader for imported material (default: the configured grader_mode)",
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="per-topic trend, most frequent misconceptions and the drill plan over all sessions",
    )
    parser.add_argument(
        "--no-llm",
        action="store_true",
        help="show the rubric's reference answers instead of asking the LLM for improved ones",
    )
    add_provider_flags(parser)


def run(args: argparse.Namespace) -> int:
    from agent.errors import UsageError

    chosen = [
        name
        for name, value in (
            ("SESSION_ID", args.session_id),
            ("--transcript", args.transcript),
            ("--audio", args.audio),
            ("--progress", args.progress),
        )
        if value
    ]
    if not chosen:
        raise UsageError(
            "say what to debrief: a SESSION_ID (or 'latest'), --transcript FILE, "
            "--audio FILE --question ID, or --progress"
        )
    if len(chosen) > 1:
        raise UsageError(f"give only one of {' / '.join(chosen)}")
    if args.question and not args.audio:
        raise UsageError("--question goes with --audio FILE")
    if args.audio and not args.question:
        raise UsageError("--audio needs --question ID (the question the recording answers)")
    if args.transcript_format and not args.transcript:
        raise UsageError("--transcript-format goes with --transcript FILE")
    if (args.interviewer or args.candidate) and not args.transcript:
        raise UsageError("--interviewer and --candidate go with --transcript FILE")

    if args.progress:
        return _emit(_progress(args.format), args)

    session_id = args.session_id
    if args.transcript or args.audio:
        from agent.bank.loader import load_bank

        session_id = _import(args, load_bank())
    return _emit(_session(session_id, args), args)


def _settings(args: argparse.Namespace):
    from agent.commands.flags import settings_overrides
    from agent.config import load_settings

    return load_settings(**settings_overrides(args))


def _session(session_id: str, args: argparse.Namespace) -> str:
    from agent.report import session_report

    client = None
    if not args.no_llm:
        from agent.llm.client import client_for

        client = client_for(_settings(args), "grader")
    return _render(session_report(session_id, client=client), args.format, "session")


def _progress(fmt: str) -> str:
    from agent.report.history import load_bank_quietly, load_records
    from agent.report.progress import build_progress

    return _render(build_progress(load_records(), load_bank_quietly()), fmt, "progress")


def _render(report, fmt: str, kind: str) -> str:
    if fmt == "json":
        return report.to_json() + "\n"
    if fmt == "html":
        from agent.report import html

        return html.render_session(report) if kind == "session" else html.render_progress(report)
    from agent.report import markdown

    return (
        markdown.render_session(report) if kind == "session" else markdown.render_progress(report)
    )


def _emit(text: str, args: argparse.Namespace) -> int:
    import os
    import sys

    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return 0
    from agent.errors import UsageError

    try:
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace, bank) -> str:
    import sys

    from agent.grading.service import make_grader
    from agent.report.imports import Speakers, import_audio, import_transcript

    settings = _settings(args)
    grader = make_grader(settings, mode=args.grader)
    if args.transcript:
        session_id, transcript = import_transcript(
            args.transcript,
            bank,
            grader,
            fmt=args.transcript_format,
            speakers=Speakers.named(args.interviewer, args.candidate),
            settings_public=settings.public_dict(),
        )
    else:
        session_id, transcript = import_audio(args.audio, args.question, bank, grader, settings)
    n = len(transcript.turns)
    print(
        f"Imported {n} turn{'s' * (n != 1)} from {transcript.path} as session {session_id} "
        f"(mode import, grader {grader.label}).",
        file=sys.stderr,
    )
    for sentence in transcript.notices():
        print(sentence, file=sys.stderr)
    return session_id
