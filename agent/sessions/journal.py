"""The append-only session journal: `<sessions_dir>/<session_id>/journal.jsonl`.

One JSON object per line, written with a single `write`, flushed and fsynced before `append`
returns, so `kill -9` at any moment loses at most the event being written (a torn last line,
which readers skip). The folder is 0700 and the file 0600: it holds the candidate's answers.
Secrets never get here: settings are stored through `Settings.public_dict()` (masked).
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agent import locations
from agent.errors import UsageError

JOURNAL_NAME = "journal.jsonl"


def new_session_id(now: datetime | None = None) -> str:
    """`20261122-013045-ab12`: sortable by start time (UTC), unique by the random suffix."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def session_dir(session_id: str, root: Path | None = None) -> Path:
    if not session_id or "/" in session_id or "\\" in session_id or session_id.startswith("."):
        raise UsageError(f"invalid session id {session_id!r}")
    return (root or locations.sessions_dir()) / session_id


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Journal:
    """Append-only JSONL writer for one session. Thread-safe (background grades append too)."""

    def __init__(self, path: Path, events: list[dict[str, Any]]):
        self.path = path
        self.folder = path.parent
        self.events = events
        """Every event of the session so far, as written (dicts)."""
        self._seq = max((int(e.get("seq", 0) or 0) for e in events), default=0)
        self._lock = threading.Lock()
        self._listeners: list[Callable[[dict[str, Any]], None]] = []
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.chmod(path, 0o600)
        if not _lock(self._fd):
            os.close(self._fd)
            self._fd = -1
            raise UsageError(f"session {self.folder.name} is open in another viva process")

    @property
    def session_id(self) -> str:
        return self.folder.name

    @classmethod
    def create(cls, root: Path | None = None, session_id: str | None = None) -> Journal:
        root = root or locations.sessions_dir()
        locations.ensure_private_dir(root)
        for _ in range(20):
            sid = session_id or new_session_id()
            folder = root / sid
            try:
                folder.mkdir(mode=0o700)
            except FileExistsError:
                if session_id:
                    raise UsageError(f"session {session_id} already exists") from None
                continue
            os.chmod(folder, 0o700)
            journal = cls(folder / JOURNAL_NAME, [])
            _fsync_dir(root)
            _fsync_dir(folder)
            return journal
        raise UsageError(f"could not create a new session folder in {root}")

    @classmethod
    def open(cls, session_id: str, root: Path | None = None) -> Journal:
        """Reopen a session to append (resume). A torn last line is cut off first."""
        path = session_dir(session_id, root) / JOURNAL_NAME
        if not path.exists():
            raise UsageError(f"no session {session_id!r} (see 'viva sessions list')")
        journal = cls(path, [])  # takes the lock first: never cut a live writer's line
        _truncate_torn_tail(path)
        journal.events = read_events(path)
        journal._seq = max((int(e.get("seq", 0) or 0) for e in journal.events), default=0)
        return journal

    def subscribe(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """Call `listener(event)` after each event is on disk (e.g. `--jsonl` output)."""
        self._listeners.append(listener)

    def append(self, event: BaseModel | dict[str, Any], **extra: Any) -> dict[str, Any]:
        data = event.model_dump(mode="json") if isinstance(event, BaseModel) else dict(event)
        data.update(extra)
        with self._lock:
            self._seq += 1
            data["seq"] = self._seq
            data["ts"] = now_iso()
            line = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
            os.write(self._fd, line.encode("utf-8"))
            os.fsync(self._fd)
            self.events.append(data)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(data)
        return data

    def audio_path(self, turn: int, suffix: str = ".wav") -> Path:
        """Where a front end should write the answer audio for `turn` (inside the session)."""
        return self.folder / f"turn-{turn}{suffix}"

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def __del__(self) -> None:  # pragma: no cover - best effort
        try:
            self.close()
        except Exception:
            pass


def _lock(fd: int) -> bool:
    """An exclusive advisory lock for the life of the writer (released by the OS on a crash)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory lock
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _fsync_dir(path: Path) -> None:
    """Make a new directory entry durable (best effort; not supported everywhere)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _truncate_torn_tail(path: Path) -> None:
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with open(path, "r+b") as fh:
            fh.truncate(cut)
            fh.flush()
            os.fsync(fh.fileno())


def read_events(path: Path) -> list[dict[str, Any]]:
    """All readable events in a journal. Torn or malformed lines are skipped, never fatal."""
    events: list[dict[str, Any]] = []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    for line in raw.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict) and isinstance(event.get("type"), str):
            events.append(event)
    return events
