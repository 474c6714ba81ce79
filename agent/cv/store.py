"""The candidate's projects kept as YAML in Viva's data folder (`cv/projects.yaml`, mode 0600,
folder 0700), so they can fix what Viva misread by hand. A broken hand edit is a one-line
UsageError with the file, the line and the field."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from agent import locations
from agent.cv.model import Profile
from agent.errors import UsageError

HEADER = (
    "# What Viva understood of your resume. Fix anything it misread; keep the layout.\n"
    "# This file stays on this machine (see 'viva config show').\n"
)


def profile_path() -> Path:
    return locations.data_dir() / "cv" / "projects.yaml"


def save_profile(profile: Profile, path: Path | None = None) -> Path:
    import yaml

    path = path or profile_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    text = HEADER + yaml.safe_dump(
        profile.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100
    )
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
    return path


def load_profile(path: Path | None = None) -> Profile | None:
    """The stored projects, or None when no resume was imported."""
    import yaml
    from pydantic import ValidationError

    path = path or profile_path()
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise UsageError(f"{path}{line}: {problem}") from None
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        at = _line_of(text, err["loc"])
        where = f":{at}" if at else ""
        raise UsageError(f"{path}{where}: field {field}: {err['msg']}") from None


def clear_profile(path: Path | None = None) -> bool:
    path = path or profile_path()
    if path.is_file():
        path.unlink()
        return True
    return False


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at `loc` (or of its nearest parent that exists)."""
    import yaml

    try:
        node: Any = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line
