"""`viva doctor`: check config, providers, whisper model and microphone; print how to fix."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from agent.commands.flags import add_provider_flags

    parser.add_argument("--json", action="store_true", help="print the results as a JSON list")
    add_provider_flags(parser)
    parser.epilog = (
        "Exit status 1 when a required check fails (config, data folder, a configured provider, "
        "the whisper model); warnings (e.g. no microphone) do not fail."
    )


def run(args: argparse.Namespace) -> int:
    import json

    from agent.commands.flags import settings_overrides
    from agent.doctor import failed, format_table, run_checks

    results = run_checks(settings_overrides(args))
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=2))
    else:
        print(format_table(results))
    return 1 if failed(results) else 0
