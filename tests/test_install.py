"""A NON-editable `pip install .` into a fresh venv must give a working `viva` anywhere.

This is what a new user gets: the shipped rubrics and prompts must be inside the wheel, and
`viva --help` must work (and stay fast) from a directory that is not the checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed_viva(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fresh")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    # Build the wheel from a copy so a developer's build/ or .venv never leaks into it.
    result = subprocess.run([*pip, str(REPO)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return venv / "bin" / "viva"


@pytest.mark.slow
def test_installed_viva_runs_from_another_directory(installed_viva, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["VIVA_HOME"] = str(tmp_path / "home")
    start = time.perf_counter()
    help_run = subprocess.run(
        [str(installed_viva), "--help"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    assert help_run.returncode == 0, help_run.stderr
    assert "interview" in help_run.stdout and "doctor" in help_run.stdout
    print(f"installed viva --help: {elapsed:.3f} s")

    listing = subprocess.run(
        [str(installed_viva), "rubrics", "list", "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert listing.returncode == 0, listing.stderr
    questions = json.loads(listing.stdout)
    assert len(questions) >= 30
    # The rubrics came from inside the installed package, not from the checkout.
    where = subprocess.run(
        [
            str(installed_viva.parent / "python"),
            "-c",
            "from agent import locations; print(locations.shipped_rubrics_dir())",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert str(REPO) not in where.stdout and "_data" in where.stdout
