"""The command line surface: every command has --help; bad input exits 2 with a one-line hint."""

from __future__ import annotations

import pytest

from agent.cli import COMMANDS, main

NAMES = [name for name, _ in COMMANDS]


def test_every_issue_command_is_registered():
    assert NAMES == [
        "interview",
        "grade",
        "eval",
        "transcribe",
        "speak",
        "debrief",
        "sessions",
        "cv",
        "rubrics",
        "doctor",
        "config",
    ]


@pytest.mark.parametrize("name", NAMES)
def test_every_command_has_help(name, capsys):
    with pytest.raises(SystemExit) as info:
        main([name, "--help"])
    assert info.value.code == 0
    assert f"usage: viva {name}" in capsys.readouterr().out


@pytest.mark.parametrize("name", NAMES)
def test_bad_flag_points_at_the_command_help(name, capsys):
    with pytest.raises(SystemExit) as info:
        main([name, "--bogus-flag"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"(see 'viva {name} --help')" in err
    assert "--bogus-flag" in err or "required" in err  # a missing positional may be named first


def test_bad_flag_of_a_nested_action(capsys):
    with pytest.raises(SystemExit) as info:
        main(["config", "show", "--nope"])
    assert info.value.code == 2
    assert "(see 'viva config show --help')" in capsys.readouterr().err


def test_unknown_command_is_one_line_exit_2(run_viva):
    out = run_viva("frobnicate")
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1
    assert "frobnicate" in out.stderr and "viva --help" in out.stderr


def test_top_level_help_lists_commands(run_viva):
    out = run_viva("--help")
    assert out.returncode == 0
    for name in NAMES:
        assert name in out.stdout


def test_help_does_not_import_heavy_modules(run_viva):
    # `viva --help` must stay fast: no openai, numpy, faster_whisper, sounddevice at import time.
    code = (
        "import sys, agent.cli as c; c.build_parser(); "
        "heavy = [m for m in ('openai', 'numpy', 'faster_whisper', 'sounddevice', 'ctranslate2', 'tenacity') "
        "if m in sys.modules]; print(heavy)"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
