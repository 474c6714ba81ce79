"""`viva` with no command: the Textual app's home screen."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    import sys

    from agent.commands.flags import settings_overrides
    from agent.config import load_settings
    from agent.errors import UsageError

    settings = load_settings(**settings_overrides(args))
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the app needs a terminal; for scripts use 'viva interview --no-tui' (see 'viva --help')"
        )
    from agent.tui.app import run_app

    return run_app(settings)
