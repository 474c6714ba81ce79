"""Small facts Viva remembers between runs (a cache, never settings): `locations.state_file()`.

Today: the structured-output mode `viva doctor` found working for each base URL + model. A missing
or unreadable state file is treated as empty; writes are atomic and private (0600).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from typing import Any

from agent import locations

STRUCTURED_MODES = ("json_schema", "json_object", "prompt")


def load_state() -> dict[str, Any]:
    path = locations.state_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_state(data: dict[str, Any]) -> None:
    path = locations.state_file()
    locations.ensure_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=".state-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
            fh.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _key(base_url: str, model: str) -> str:
    return f"{base_url.rstrip('/')}|{model}"


def remembered_mode(base_url: str, model: str) -> str | None:
    """The structured-output mode doctor detected for this endpoint and model, if any."""
    entry = load_state().get("structured_modes", {}).get(_key(base_url, model))
    mode = entry.get("mode") if isinstance(entry, dict) else None
    return mode if mode in STRUCTURED_MODES else None


def remember_mode(base_url: str, model: str, mode: str) -> None:
    if mode not in STRUCTURED_MODES:
        raise ValueError(f"unknown structured mode {mode!r}")
    data = load_state()
    modes = data.get("structured_modes")
    if not isinstance(modes, dict):
        modes = {}
    modes[_key(base_url, model)] = {
        "mode": mode,
        "detected_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    data["structured_modes"] = modes
    save_state(data)
