"""Audio files in and out: decode to 16 kHz mono float32, write WAVs.

Decoding takes anything PyAV reads.

`load_audio` turns every way a file can be unreadable (missing, empty, corrupt, not audio) into
one `MediaError` that names the file and the cause, so `viva transcribe` never shows a traceback.
"""

from __future__ import annotations

import re
import wave
from pathlib import Path
from typing import TYPE_CHECKING

from agent.errors import MediaError
from agent.speech import SAMPLE_RATE

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

TRY_FORMATS = "try a WAV, MP3, M4A, OGG, FLAC, WebM or MP4 file"
"""The end of every message about a file Viva cannot hear."""


def load_audio(path: str | Path) -> np.ndarray:
    """Decode `path` (any container/codec PyAV handles) to mono float32 at 16 kHz."""
    import numpy as np

    path = Path(path)
    if not path.exists():
        raise MediaError(f"{path}: no such file")
    if path.is_dir():
        raise MediaError(f"{path}: is a folder, not an audio file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MediaError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if size == 0:
        raise MediaError(f"{path}: the file is empty")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise MediaError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        from faster_whisper.audio import decode_audio

        audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except IndexError:  # PyAV opened it, but it has no audio stream to take the first of
        raise MediaError(
            f"{path}: no audio in it (is it an audio or video file?); {TRY_FORMATS}"
        ) from None
    except Exception as exc:  # noqa: BLE001 - PyAV raises many types (InvalidDataError, ValueError...)
        cause = re.sub(r"\[Errno -?\d+\]\s*|:\s*'[^']*'$", "", " ".join(str(exc).split()))
        cause = cause[:200] or type(exc).__name__
        raise MediaError(
            f"{path}: not a readable audio or video file ({cause}); {TRY_FORMATS}"
        ) from None
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    if audio.size == 0:
        raise MediaError(f"{path}: the file has no audio samples (no audio stream, or zero length)")
    return audio


def as_audio(source) -> np.ndarray:
    """A path (str/Path) or an array of samples -> 1-D float32 array at 16 kHz."""
    import numpy as np

    if isinstance(source, (str, Path)):
        return load_audio(source)
    audio = np.asarray(source)
    if audio.dtype == np.int16:
        audio = audio.astype(np.float32) / 32768.0
    audio = audio.astype(np.float32, copy=False)
    if audio.ndim == 2:  # (frames, channels) -> mono
        audio = audio.mean(axis=1)
    return audio.reshape(-1)


def write_wav(path: str | Path, audio: np.ndarray, rate: int = SAMPLE_RATE) -> Path:
    """Write float32 samples in [-1, 1] as a 16-bit PCM mono WAV."""
    import numpy as np

    path = Path(path)
    pcm = (np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path
