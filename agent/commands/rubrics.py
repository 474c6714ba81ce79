"""`viva rubrics` (being built)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from agent.errors import UsageError

    raise UsageError("'viva rubrics' is not built yet")
