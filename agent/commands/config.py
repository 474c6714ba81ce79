"""`viva config`: where the config file is, what is in effect, and an example to start from."""

from __future__ import annotations

import argparse

EXAMPLE = """\
# Viva settings. Every key can also be set as an environment variable VIVA_<KEY>
# (nested: VIVA_GRADER__MODEL), and the provider ones as flags (--provider, --base-url, --model).
# Precedence: this file < environment < flags.

# LLM provider for both roles. Leave unset to run fully offline.
# Presets: openai, ollama, llamacpp, vllm, lmstudio, openrouter, custom
# provider = "llamacpp"
# base_url = "http://127.0.0.1:8080/v1"
# model = "local"
# The key is read from the preset's variable (e.g. OPENAI_API_KEY) or VIVA_API_KEY.
# Name another variable to read it from (never write the key itself here):
# api_key_env = "MY_KEY_VARIABLE"
# structured_mode = "auto"   # auto, json_schema, json_object, prompt
# local_only = false         # true: refuse any provider that is not on this machine
# request_timeout = 60.0     # seconds per HTTP request
# call_budget = 180.0        # seconds per LLM call, retries included
# max_retries = 4
# max_reasks = 2

# grader_mode = "auto"       # auto, offline, llm
# policy_mode = "auto"       # auto, offline, llm
# max_follow_ups = 3
# default_track = "nvidia-dl-screen"

# whisper_model = "/path/to/faster-whisper-model"   # unset: the bundled tiny.en
# audio_device = "USB Microphone"
# silence_seconds = 3.0
# max_answer_seconds = 240.0
# speak = true               # voice mode: the interviewer says its questions aloud
# voice = "joe"              # the bundled Piper voice; a .onnx path, "flite" or "espeak-ng"
# speech_rate = 1.0          # 0.5 to 2.0
# barge_in = "key"           # "voice": talking over the interviewer cuts it off (headphones)
# theme = "textual-dark"

# A different model (or provider) for one role:
# [grader]
# provider = "openai"
# model = "gpt-4o-mini"
#
# [interviewer]
# model = "llama3.1:8b"
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from agent.commands.flags import add_provider_flags, add_subcommands

    sub = add_subcommands(parser, "config_command", "ACTION")
    sub.add_parser(
        "path", help="print the config file path", description="print the config file path"
    )
    show = sub.add_parser(
        "show",
        help="print the settings in effect (secrets as ***) and each role's provider",
        description="print the settings in effect (secrets as ***) and each role's provider",
    )
    show.add_argument("--json", action="store_true", help="print as JSON")
    add_provider_flags(show)
    init = sub.add_parser(
        "init",
        help="write a commented example config file",
        description="write a commented example config file",
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing config file")


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "config_command", None) or "show"
    if action == "path":
        from agent import locations

        print(locations.config_file())
        return 0
    if action == "init":
        return _init(args)
    return _show(args)


def _init(args: argparse.Namespace) -> int:
    from agent import locations
    from agent.errors import UsageError

    path = locations.config_file()
    if path.exists() and not args.force:
        raise UsageError(f"{path} already exists (use --force to overwrite it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(EXAMPLE, encoding="utf-8")
    print(f"wrote {path}")
    return 0


def _show(args: argparse.Namespace) -> int:
    import json
    import sys

    from agent import locations
    from agent.commands.flags import settings_overrides
    from agent.config import load_settings
    from agent.errors import ConfigError
    from agent.llm.presets import is_loopback_url, resolve_provider

    settings = load_settings(**settings_overrides(args))
    providers: dict[str, str] = {}
    problems: list[str] = []
    remote: list[str] = []
    for role in ("interviewer", "grader"):
        try:
            resolved = resolve_provider(settings, role)
        except ConfigError as exc:
            providers[role] = f"invalid: {exc}"
            problems.append(str(exc))
            continue
        providers[role] = resolved.label if resolved else "offline"
        if resolved is not None and not is_loopback_url(resolved.base_url):
            remote.append(role)
    resume = _resume_line(remote)
    path = locations.config_file()
    data = settings.public_dict()
    if getattr(args, "json", False):
        out = {
            "config_file": str(path),
            "config_file_exists": path.exists(),
            "settings": data,
            "providers": providers,
            "resume": resume,
        }
        print(json.dumps(out, indent=2, default=str))
    else:
        print(f"# config file: {path}{'' if path.exists() else ' (not present: defaults)'}")
        for role, label in providers.items():
            print(f"# {role}: {label}")
        print(f"# resume: {resume}")
        print(_as_toml(data))
    if problems:
        for problem in dict.fromkeys(problems):
            print(f"viva: {problem}", file=sys.stderr)
        return 2
    return 0


def _resume_line(remote_roles: list[str]) -> str:
    """Whether a resume is imported, where it is kept and who may read it."""
    from agent.cv.store import load_profile, profile_path
    from agent.errors import UsageError

    try:
        profile = load_profile()
    except UsageError as exc:
        return f"unreadable ({exc})"
    if profile is None:
        return "none imported ('viva cv import FILE')"
    where = f"{len(profile.projects)} project(s) from {profile.source}, kept in {profile_path()}"
    if remote_roles:
        return (
            f"{where}; sent to the remote {' and '.join(remote_roles)} provider in a project "
            "deep dive (set local_only = true to keep it on this machine)"
        )
    return f"{where}; never leaves this machine (no remote provider is configured)"


def _as_toml(data: dict) -> str:
    """Settings in config.toml syntax (unset values shown as comments)."""
    top, tables = [], []
    for key, value in data.items():
        if isinstance(value, dict):
            rows = [_toml_line(k, v) for k, v in value.items()]
            tables.append(f"\n\n[{key}]\n" + "\n".join(rows))
        else:
            top.append(_toml_line(key, value))
    return "\n".join(top) + "".join(tables)


def _toml_line(key: str, value: object) -> str:
    import json

    if value is None:
        return f"# {key} = (unset)"
    if isinstance(value, bool):
        return f"{key} = {'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"{key} = {value}"
    return f"{key} = {json.dumps(str(value))}"
