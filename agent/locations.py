"""Where Viva keeps its files. `VIVA_HOME` relocates config and data (tests use it)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "viva"


def viva_home() -> Path | None:
    home = os.environ.get("VIVA_HOME")
    return Path(home).expanduser() if home else None


def config_dir() -> Path:
    home = viva_home()
    if home:
        return home / "config"
    from platformdirs import user_config_path

    return user_config_path(APP_NAME)


def data_dir() -> Path:
    home = viva_home()
    if home:
        return home / "data"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)


def config_file() -> Path:
    return config_dir() / "config.toml"


def user_rubrics_dir() -> Path:
    """Where a user drops their own rubric files (overrides shipped ones by id)."""
    return config_dir() / "rubrics"


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def state_file() -> Path:
    """Small remembered facts (e.g. the structured-output mode doctor detected per provider)."""
    return data_dir() / "state.json"


def _shipped(name: str) -> Path:
    """Shipped data folder: inside the wheel (agent/_data/NAME) or, from a checkout, the repo's NAME/."""
    packaged = Path(__file__).parent / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def shipped_rubrics_dir() -> Path:
    return _shipped("rubrics")


def shipped_prompts_dir() -> Path:
    return _shipped("prompts")


def ensure_private_dir(path: Path) -> Path:
    """Create a folder readable only by the user (sessions hold the candidate's answers)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path
