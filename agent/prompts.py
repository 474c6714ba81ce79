"""Prompt templates are files in `prompts/`, loaded by name and rendered with `$var` placeholders.

`load_prompt("grader")` reads `prompts/grader.md`. `Prompt.render(answer=...)` fills
`string.Template` placeholders; a variable the template needs but the caller did not give is a
`ValueError` raised before any API call. `Prompt.version` is a short hash of the file, recorded
with every LLM result so a change of wording can be traced.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent import locations
from agent.errors import VivaError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class PromptNotFoundError(VivaError, LookupError):
    """No prompt file of that name ships with Viva (an installation or programming error)."""


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str
    path: Path

    @property
    def version(self) -> str:
        """First 8 hex digits of the sha256 of the file's text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:8]

    @property
    def variables(self) -> list[str]:
        """The `$var` placeholders the template uses, in order of first use."""
        return list(dict.fromkeys(string.Template(self.text).get_identifiers()))

    def render(self, **values: Any) -> str:
        """The text with every `$var` replaced. Missing variables raise ValueError (strict)."""
        missing = [v for v in self.variables if v not in values]
        if missing:
            names = ", ".join(f"${v}" for v in missing)
            raise ValueError(f"prompt template {self.name!r} needs variable(s) {names} (not given)")
        try:
            return string.Template(self.text).substitute({k: str(v) for k, v in values.items()})
        except (KeyError, ValueError) as exc:
            raise ValueError(
                f"prompt template {self.name!r} ({self.path}) is malformed: {exc} "
                "(write a literal dollar sign as $$)"
            ) from None


def load_prompt(name: str) -> Prompt:
    """The shipped prompt `prompts/<name>.md`."""
    if not isinstance(name, str) or not _NAME.match(name) or name.endswith(".md"):
        raise PromptNotFoundError(f"invalid prompt name {name!r} (use a bare name like 'grader')")
    return _load(name, locations.shipped_prompts_dir())


def _load(name: str, folder: Path) -> Prompt:
    path = folder / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []
        raise PromptNotFoundError(
            f"unknown prompt {name!r}: no file {path} (shipped prompts: {', '.join(known) or 'none'})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptNotFoundError(f"cannot read prompt {name!r} at {path}: {exc}") from None
    return Prompt(name=name, text=text, path=path)
