"""A resume file read, its projects extracted and kept: the one path `viva cv import`,
`viva interview --cv` and the app's CV screen share."""

from __future__ import annotations

from pathlib import Path

from agent.cv.model import Profile


def read_profile(path: Path) -> Profile:
    """A resume file's projects, read and extracted (nothing kept). UsageError when the file
    cannot be read."""
    from agent.cv.extract import extract_profile
    from agent.cv.read import read_resume

    text = read_resume(path)
    return extract_profile(text.lines, source=path.name, wrapped=text.wrapped)


def import_cv(file: str) -> tuple[Profile, Path]:
    """Read, extract and store a resume; (profile, where it is kept). UsageError when the file
    cannot be read or holds no project."""
    from agent.cv.store import save_profile
    from agent.errors import UsageError

    path = Path(file).expanduser()
    profile = read_profile(path)
    if not profile.projects:
        raise UsageError(
            f"{path}: no project found (a project is a heading or short line followed by "
            "bullet points)"
        )
    return profile, save_profile(profile)
