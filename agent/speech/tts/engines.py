"""Sentence -> audio: the Piper process, or a flite / espeak-ng command (both separate processes).

An engine's `synthesize(text)` yields (sample_rate, int16 PCM array) per sentence it makes.
`PiperProcess` starts `piper_worker.py` once (in the background; the model loads in ~0.3 s) and
then each sentence costs only its synthesis. flite and espeak-ng start per sentence (~60 ms).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from agent.errors import AudioError
from agent.speech.tts.voices import VoiceChoice

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

WORKER = Path(__file__).with_name("piper_worker.py")


class Engine(Protocol):
    def synthesize(self, text: str) -> Iterator[tuple[int, np.ndarray]]: ...

    def close(self) -> None: ...


def make_engine(voice: VoiceChoice, rate: float = 1.0) -> Engine:
    if voice.backend == "piper":
        return PiperProcess(voice, rate)
    return CommandEngine(voice, rate)


class PiperProcess:
    """The long-lived Piper worker; one request at a time (a lock), any thread."""

    def __init__(self, voice: VoiceChoice, rate: float = 1.0):
        assert voice.model is not None
        self.voice = voice
        self.length_scale = 1.0 / max(0.25, min(4.0, rate))
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self.sample_rate = 22050

    def start(self) -> PiperProcess:
        """Start the worker and wait until its model is loaded (call it from a worker thread)."""
        with self._lock:
            self._ensure()
        return self

    def _ensure(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        model = self.voice.model
        config = Path(str(model) + ".json")
        self._proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(model), str(config) if config.is_file() else ""],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        header = self._header(self._proc)
        if not header.get("ready"):
            raise AudioError(f"the Piper voice {self.voice.name} did not load: {header}")
        self.sample_rate = int(header.get("rate", self.sample_rate))
        return self._proc

    def _header(self, proc: subprocess.Popen[bytes]) -> dict:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            self._proc = None
            raise AudioError(
                f"the Piper voice process stopped (voice {self.voice.name}); "
                'try `viva speak hello` for details, or set voice = "flite"'
            )
        return json.loads(line)

    def synthesize(self, text: str) -> Iterator[tuple[int, np.ndarray]]:
        import numpy as np

        with self._lock:
            proc = self._ensure()
            assert proc.stdin is not None and proc.stdout is not None
            request = {"text": text, "length_scale": self.length_scale}
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            proc.stdin.flush()
            wanted = True
            while True:
                header = self._header(proc)
                if header.get("done"):
                    return
                if "error" in header:
                    raise AudioError(f"Piper could not say that: {header['error']}")
                pcm = proc.stdout.read(int(header["bytes"]))
                if wanted:  # after a cut-off, the rest is read and dropped (protocol in step)
                    try:
                        yield int(header["rate"]), np.frombuffer(pcm, dtype="<i2")
                    except GeneratorExit:
                        wanted = False

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=2)
        except Exception:  # noqa: BLE001 - it must go away either way
            proc.kill()
            proc.wait()


class CommandEngine:
    """flite or espeak-ng, run once per sentence, WAV read from its output."""

    def __init__(self, voice: VoiceChoice, rate: float = 1.0):
        self.voice = voice
        self.rate = max(0.25, min(4.0, rate))

    def command(self, text: str, out: str) -> list[str]:
        if self.voice.backend == "flite":
            cmd = [
                "flite",
                "-t",
                text,
                "-o",
                out,
                "--setf",
                f"duration_stretch={1 / self.rate:.3f}",
            ]
            return cmd + (["-voice", self.voice.option] if self.voice.option else [])
        cmd = ["espeak-ng", "-s", str(int(175 * self.rate)), "-w", out, text]
        return cmd + (["-v", self.voice.option] if self.voice.option else [])

    def synthesize(self, text: str) -> Iterator[tuple[int, np.ndarray]]:
        import tempfile

        from agent.speech.tts.sentences import split_sentences

        for sentence in split_sentences(text):
            with tempfile.TemporaryDirectory(prefix="viva-tts-") as folder:
                out = str(Path(folder) / "say.wav")
                done = subprocess.run(self.command(sentence, out), capture_output=True)
                if done.returncode != 0 or not Path(out).is_file():
                    detail = done.stderr.decode(errors="replace").strip().splitlines()
                    raise AudioError(
                        f"{self.voice.backend} failed: {detail[-1] if detail else done.returncode}"
                    )
                yield read_wav(out)

    def close(self) -> None:
        pass


def read_wav(path: str) -> tuple[int, np.ndarray]:
    """(rate, int16 mono samples) of a 16-bit PCM WAV (the first channel when several)."""
    import wave

    import numpy as np

    with wave.open(path, "rb") as wav:
        rate, channels = wav.getframerate(), wav.getnchannels()
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    return rate, data[::channels] if channels > 1 else data


def write_wav(path: str | Path, rate: int, samples: np.ndarray) -> None:
    import wave

    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())
