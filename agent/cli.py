"""Command line: parses flags, calls one use case, prints its result or one clear error.

Each subcommand lives in `agent/commands/<name>.py` with `add_arguments(parser)` and
`run(args) -> int`. Those modules import only the standard library at import time, so that
`viva --help` stays fast; heavy work is imported inside `run`.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from agent import __version__
from agent.commands.flags import VivaArgumentParser, add_provider_flags

# name, one-line help. The order is the order `viva --help` lists them.
COMMANDS: list[tuple[str, str]] = [
    ("interview", "run a mock interview (TUI, or --no-tui for plain text)"),
    ("grade", "grade one answer against a rubric or a reference answer"),
    ("eval", "measure a grader against labelled answers (JSONL)"),
    ("transcribe", "transcribe an audio file locally and report delivery metrics"),
    ("speak", "say a text with the interviewer's voice, or write it to a WAV file"),
    ("debrief", "report on a session, an imported transcript or a recording"),
    ("sessions", "list past sessions and progress"),
    ("cv", "import your resume so the project deep dive asks about your projects"),
    ("rubrics", "list, show and validate the question bank"),
    ("doctor", "check config, providers, whisper model and microphone"),
    ("config", "show the settings or the config file path"),
]


def build_parser() -> VivaArgumentParser:
    parser = VivaArgumentParser(
        prog="viva",
        description="Viva: a mock interviewer for ML and deep-learning engineering interviews. "
        "Run with no command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"viva {__version__}")
    add_provider_flags(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=VivaArgumentParser)
    for name, help_text in COMMANDS:
        module = importlib.import_module(f"agent.commands.{name}")
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command_parser)
        command_parser.set_defaults(_run=module.run)
    _mark_parsers(parser)
    return parser


def _mark_parsers(parser: argparse.ArgumentParser) -> None:
    """Let every (sub)parser record itself, so an unknown flag is reported by the deepest one."""
    parser.set_defaults(_parser=parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                _mark_parsers(child)


def main(argv: list[str] | None = None) -> int:
    from agent.errors import VivaError

    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # e.g. `viva interview --bogus`: point at `viva interview --help`, not `viva --help`.
        getattr(args, "_parser", parser).error(f"unrecognized arguments: {' '.join(extra)}")
    run = getattr(args, "_run", None)
    try:
        if run is None:
            from agent.commands import home

            return home.run(args)
        return int(run(args) or 0)
    except VivaError as exc:
        print(f"viva: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("viva: interrupted; everything answered so far is saved", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
