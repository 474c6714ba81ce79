"""Reading one rubric or track file with line numbers, and turning errors into `path:line: ...`.

YAML is composed into a node tree first (libyaml when available) so every mapping key and list
item keeps its line. A pydantic error's `loc` (e.g. `('criteria', 0, 'wieght')`) is then mapped
back to the line of that field, or of the closest enclosing one that exists in the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Loc = tuple[str | int, ...]

# Pydantic names the member of a union it tried (`questions.1.TrackItem.minutes`); these are
# not fields. Our field names are all lowercase, so a capitalised element or a bare type name is
# such a tag.
_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "list", "dict", "none"})


def display_path(path: Path) -> str:
    """The path as shown in messages: relative to the current folder when inside it."""
    path = Path(path)
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if rel.startswith("..") else rel


@dataclass
class Entry:
    """One parsed file: its data, the line of every field, and (once valid) its model."""

    path: Path
    kind: str
    """'rubric' or 'track'."""
    origin: str
    """'shipped', 'user' or 'extra' (later origins override earlier ones by id)."""
    data: Any = None
    lines: dict[Loc, int] = field(default_factory=dict)
    model: Any = None
    problems: list[str] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return display_path(self.path)

    @property
    def id(self) -> str | None:
        if self.model is not None:
            return self.model.id
        if isinstance(self.data, dict) and isinstance(self.data.get("id"), str):
            return self.data["id"]
        return None

    def line(self, loc: Loc = ()) -> int:
        """The line of `loc`, or of its deepest ancestor present in the file (1-based)."""
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)

    def problem(self, loc: Loc, message: str) -> str:
        name = ".".join(str(part) for part in loc) if loc else self.kind
        return f"{self.shown}:{self.line(loc)}: {name}: {message}"


class YamlProblem(Exception):
    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(message)


def _loader_class():
    import yaml

    return getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


def read_yaml(path: Path) -> tuple[Any, dict[Loc, int], list[tuple[int, Loc, str]]]:
    """Parse `path`; returns (data, lines, duplicate-key problems). Raises YamlProblem, OSError."""
    import yaml

    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(line, "file is not UTF-8 text") from None
    loader = _loader_class()(text)
    lines: dict[Loc, int] = {}
    duplicates: list[tuple[int, Loc, str]] = []
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlProblem(1, "file is empty")
        builder = _Builder(loader, lines, duplicates)
        data = builder.build(node, ())
        if builder.merges:  # `<<:` merge keys: let PyYAML build the data itself
            data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = exc.problem or "invalid YAML"
        if exc.context:
            message = f"{message} ({exc.context})"
        raise YamlProblem(line, message) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
    finally:
        loader.dispose()
    lines[()] = node.start_mark.line + 1
    return data, lines, duplicates


_TAG = "tag:yaml.org,2002:"


class _Builder:
    """Builds the data from the node tree and records the line of every key and list item in
    the same pass (faster than PyYAML's constructor, which dominates loading time)."""

    def __init__(self, loader: Any, lines: dict[Loc, int], duplicates: list):
        import yaml

        self.yaml = yaml
        self.loader = loader
        self.lines = lines
        self.duplicates = duplicates
        self.merges = False
        self.active: set[int] = set()

    def build(self, node: Any, loc: Loc) -> Any:
        yaml = self.yaml
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if id(node) in self.active:
            raise YamlProblem(node.start_mark.line + 1, "an alias refers to itself")
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                out: dict[Any, Any] = {}
                seen: set[str] = set()
                for key_node, value_node in node.value:
                    if key_node.tag == _TAG + "merge":
                        self.merges = True
                        continue
                    if isinstance(key_node, yaml.ScalarNode):
                        key, name = self.scalar(key_node), str(key_node.value)
                    else:
                        key = name = "?"
                    child = (*loc, name)
                    if name in seen:
                        self.duplicates.append(
                            (key_node.start_mark.line + 1, child, f"duplicate key '{name}'")
                        )
                        continue
                    seen.add(name)
                    self.lines[child] = key_node.start_mark.line + 1
                    try:
                        out[key] = self.build(value_node, child)
                    except TypeError:  # an unhashable key
                        raise YamlProblem(
                            key_node.start_mark.line + 1, "a key must be plain text"
                        ) from None
                return out
            if isinstance(node, yaml.SequenceNode):
                items = []
                for index, item in enumerate(node.value):
                    child = (*loc, index)
                    self.lines[child] = item.start_mark.line + 1
                    items.append(self.build(item, child))
                return items
            return self.loader.construct_object(node, deep=True)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: Any) -> Any:
        tag, value = node.tag, node.value
        if tag == _TAG + "str":
            return value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return value.lower() in ("yes", "true", "on")
        if tag == _TAG + "int":
            try:
                return int(value)
            except ValueError:
                pass
        elif tag == _TAG + "float":
            try:
                return float(value)
            except ValueError:
                pass
        return self.loader.construct_object(node, deep=True)


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, dict) and str(part) in {str(k) for k in data}:
            data = next(v for k, v in data.items() if str(k) == str(part))
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def validation_problems(entry: Entry, exc: Any, base: Loc = ()) -> list[str]:
    """`path:line: field: message` for each error of a pydantic ValidationError."""
    seen: set[str] = set()
    out: list[str] = []
    for error in exc.errors(include_url=False):
        loc: Loc = (*base, *error["loc"])
        tag_at = next(
            (
                i
                for i, part in enumerate(loc)
                if isinstance(part, str) and (part[:1].isupper() or part in _TYPE_TAGS)
            ),
            None,
        )
        if tag_at is not None:
            # A union (e.g. a track item is an id or a mapping): report only the branch that
            # matches what the file holds.
            holds_mapping = isinstance(_value_at(entry.data, loc[:tag_at]), dict)
            if holds_mapping != str(loc[tag_at])[:1].isupper():
                continue
            loc = loc[:tag_at] + loc[tag_at + 1 :]
        message = str(error["msg"])
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        elif message.startswith("Assertion failed, "):
            message = message[len("Assertion failed, ") :]
        text = entry.problem(loc, message)
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out
