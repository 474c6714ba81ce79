"""Command-line pieces every subcommand shares: the argument parser with one-line errors, the
LLM provider flags, and the settings those flags override. Standard library only (it sits below
both `agent.cli` and the subcommands, so neither imports the other back)."""

from __future__ import annotations

import argparse
from typing import Any


class VivaArgumentParser(argparse.ArgumentParser):
    """Bad flags and unknown commands exit 2 with one line that says what to run for help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def add_subcommands(parser: argparse.ArgumentParser, dest: str, metavar: str = "SUBCOMMAND"):
    """The subcommands of a command (`viva sessions list`), with the one-line errors."""
    return parser.add_subparsers(dest=dest, metavar=metavar, parser_class=VivaArgumentParser)


def add_provider_flags(parser: argparse.ArgumentParser) -> None:
    """Flags that override the LLM settings (file < env < these)."""
    # SUPPRESS: a subcommand's unset flag must not overwrite the same flag given before it.
    group = parser.add_argument_group("LLM provider (overrides config and VIVA_* variables)")
    group.add_argument(
        "--provider",
        default=argparse.SUPPRESS,
        help="preset: openai, ollama, llamacpp, vllm, lmstudio, openrouter, custom",
    )
    group.add_argument("--base-url", default=argparse.SUPPRESS, help="OpenAI-compatible base URL")
    group.add_argument("--model", default=argparse.SUPPRESS, help="model name")
    group.add_argument(
        "--local-only",
        action="store_const",
        const=True,
        default=argparse.SUPPRESS,
        help="refuse any non-loopback provider URL",
    )


def add_grading_flags(parser: argparse.ArgumentParser, *, grader_help: str, json_help: str) -> None:
    """The output flags of the commands that grade answers (`viva grade`, `viva eval`): `--grader
    offline|llm|auto` (None when not given: the configured grader) and `--json`."""
    parser.add_argument(
        "--grader", choices=["offline", "llm", "auto"], default=None, help=grader_help
    )
    parser.add_argument("--json", action="store_true", help=json_help)


def read_input_file(path: str, what: str, *, folder: str = "a folder") -> str:
    """The text of a file named on the command line (agent.documents.decode_text: UTF-8, or
    UTF-16 as Windows saves it); a UsageError that names it as `what` (e.g. 'answer file') when
    it is missing, `folder`, not text or unreadable."""
    from agent.documents import decode_text
    from agent.errors import UsageError

    try:
        with open(path, "rb") as fh:
            return decode_text(fh.read())
    except FileNotFoundError:
        raise UsageError(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"{what} is {folder}: {path}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{what} is not a text file: {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def settings_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The settings fields a parsed command line overrides (unset flags are left out)."""
    keys = ("provider", "base_url", "model", "local_only")
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}
