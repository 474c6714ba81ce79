"""Helpers for speech tests and bench: espeak-ng synthesis, sox noise, a PulseAudio virtual mic.

All real tools (Debian espeak-ng, sox, pulseaudio, pulseaudio-utils); callers check `have(...)`
and use conftest's `need(...)` so a missing tool skips locally and fails in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Technical answers a candidate might give, read by espeak-ng (acronyms letter by letter, as
# people say "S G D" and "H B M"; "LoRA" and "CUDA" as words).
ML_ANSWERS: list[str] = [
    "I would start with SGD with momentum, and then compare it with Adam, because Adam adapts "
    "the learning rate for every parameter.",
    "With LoRA we freeze the pretrained weights and train two small low rank matrices, so fine "
    "tuning needs much less GPU memory.",
    "This kernel is limited by HBM bandwidth, not by compute, so it is memory bound.",
    "I would write a custom CUDA kernel that fuses the softmax with the matrix multiply and "
    "runs on the Tensor Cores.",
    "BatchNorm normalizes over the mini-batch, while LayerNorm normalizes over the features of "
    "each token.",
    "For multi GPU training, NCCL runs the all reduce of the gradients over NVLink.",
]

# Words that must come out spelled right with the glossary (issue 6).
MUST_SPELL = ["SGD", "LoRA", "HBM", "CUDA"]


def have(*tools: str) -> bool:
    return all(shutil.which(t) for t in tools)


def to_16k_mono(raw: Path, out: Path) -> Path:
    """`raw` converted by sox to 16 kHz mono 16-bit WAV at `out` (`raw` is removed)."""
    subprocess.run(
        ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out)],
        check=True,
        capture_output=True,
    )
    raw.unlink(missing_ok=True)
    return out


def espeak_wav(text: str, out: Path, *, voice: str = "en-us", speed: int = 150) -> Path:
    """Synthesize `text` with espeak-ng, then sox to 16 kHz mono 16-bit WAV."""
    out = Path(out)
    raw = out.with_suffix(".espeak.wav")
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text],
        check=True,
        capture_output=True,
    )
    return to_16k_mono(raw, out)


TEST_VOICES = ("espeak-ng", "festival-slt", "flite-awb", "piper-joe")
"""Synthetic speakers for speech tests: espeak-ng (robotic: its own mispronunciations dominate
recognition errors) and three far more human ones (Debian festival with the slt HTS voice,
flite's awb voice, and the bundled Piper voice)."""


def voice_available(voice: str) -> bool:
    if voice == "espeak-ng":
        return have("espeak-ng", "sox")
    if voice == "festival-slt":
        return (
            have("text2wave", "sox")
            and Path("/usr/share/festival/voices/us/cmu_us_slt_arctic_hts").is_dir()
        )
    if voice == "flite-awb":
        return have("flite", "sox")
    if voice == "piper-joe":
        from agent.speech.tts.voices import bundled_voice, piper_available

        return have("sox") and piper_available() and bundled_voice() is not None
    raise ValueError(f"unknown test voice {voice!r}")


def voice_wav(text: str, out: Path, voice: str) -> Path:
    """`text` said by one of TEST_VOICES, as 16 kHz mono 16-bit WAV."""
    out = Path(out)
    raw = out.with_suffix(f".{voice}.wav")
    if voice == "espeak-ng":
        return espeak_wav(text, out)
    if voice == "festival-slt":
        subprocess.run(
            ["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "-o", str(raw)],
            input=text.encode(),
            check=True,
            capture_output=True,
        )
    elif voice == "flite-awb":
        subprocess.run(
            ["flite", "-voice", "awb", "-t", text, "-o", str(raw)], check=True, capture_output=True
        )
    elif voice == "piper-joe":
        import numpy as np

        from agent.speech.tts.engines import make_engine, write_wav
        from agent.speech.tts.voices import resolve_voice

        engine = make_engine(resolve_voice("joe"))
        try:
            pieces = list(engine.synthesize(text))
        finally:
            engine.close()
        write_wav(raw, pieces[0][0], np.concatenate([pcm for _rate, pcm in pieces]))
    else:
        raise ValueError(f"unknown test voice {voice!r}")
    return to_16k_mono(raw, out)


def sox_noise(out: Path, kind: str = "whitenoise", seconds: float = 5.0, gain_db: float = -30):
    """`kind` is sox synth's whitenoise, pinknoise or brownnoise, at `gain_db` dBFS."""
    subprocess.run(
        ["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(out), "synth", str(seconds),
         kind, "gain", str(gain_db)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return Path(out)


def sox_silence(out: Path, seconds: float = 5.0) -> Path:
    subprocess.run(
        ["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(out), "trim", "0", str(seconds)],
        check=True,
        capture_output=True,
    )
    return Path(out)


def sox_concat(parts: list[Path], out: Path, *, gap: float = 0.0) -> Path:
    """Join WAVs (same format) with `gap` seconds of silence between them."""
    args: list[str] = []
    silence = None
    if gap > 0:
        silence = sox_silence(Path(out).with_suffix(".gap.wav"), gap)
    for i, part in enumerate(parts):
        if i and silence is not None:
            args.append(str(silence))
        args.append(str(part))
    subprocess.run(["sox", *args, str(out)], check=True, capture_output=True)
    if silence is not None:
        silence.unlink(missing_ok=True)
    return Path(out)


class VirtualMic:
    """A private PulseAudio daemon with a null sink whose monitor is the microphone.

    Audio played to sink `virtspk` (paplay -d virtspk) is what a recorder on the source
    `virtspk.monitor` hears. Works as root: the daemon runs in user mode (not --system) with its
    own runtime/state folders, so nothing of the host's audio setup is touched.
    """

    SINK = "virtspk"

    def __init__(self, root: Path):
        self.root = Path(root)
        self.proc: subprocess.Popen | None = None
        self.env: dict[str, str] = {}

    def start(self, timeout: float = 15.0) -> VirtualMic:
        runtime = self.root / "pulse-runtime"
        home = self.root / "pulse-home"
        for folder in (runtime, home):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o700)
        env = dict(os.environ)
        env.update(
            {
                "PULSE_RUNTIME_PATH": str(runtime),
                "XDG_RUNTIME_DIR": str(runtime),
                "PULSE_STATE_PATH": str(home),
                "HOME": str(home),
                "PULSE_SERVER": f"unix:{runtime}/native",
                "PULSE_SOURCE": f"{self.SINK}.monitor",
                "PULSE_SINK": self.SINK,
            }
        )
        self.env = env
        log = (self.root / "pulseaudio.log").open("wb")
        self.proc = subprocess.Popen(
            [
                "pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
                "--disallow-exit", "--use-pid-file=no", "--system=false",
                "-L", f"module-native-protocol-unix socket={runtime}/native auth-anonymous=1",
                "-L", f"module-null-sink sink_name={self.SINK} rate=16000 channels=1 format=s16le",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            check = subprocess.run(
                ["pactl", "list", "short", "sources"], env=env, capture_output=True, text=True
            )
            if check.returncode == 0 and f"{self.SINK}.monitor" in check.stdout:
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            "pulseaudio did not start: "
            + (self.root / "pulseaudio.log").read_text(errors="replace")[-800:]
        )

    def play(self, wav: Path) -> subprocess.Popen:
        """Start playing `wav` into the virtual microphone (returns the paplay process)."""
        return subprocess.Popen(["paplay", "-d", self.SINK, str(wav)], env=self.env)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


# A long spoken answer (about 75 s at espeak speed 150): sentences joined with pauses of
# different lengths, like a candidate thinking between points.
LONG_ANSWER: list[str] = [
    "To train a large transformer on many GPUs, I would first look at where the memory goes.",
    "The weights, the gradients and the Adam optimizer states all live in HBM,",
    "and the activations grow with the batch size and the sequence length.",
    "With data parallel training every GPU holds a full copy of the model,",
    "and NCCL runs an all reduce of the gradients after each backward pass.",
    "If the model does not fit, FSDP shards the parameters and the optimizer states across the GPUs.",
    "Mixed precision with BF16 halves the memory of the activations and uses the Tensor Cores.",
    "Gradient checkpointing trades extra compute for memory by recomputing activations.",
    "For fine tuning, LoRA trains small low rank adapters instead of the full weights.",
    "I would use AdamW with a warmup and a cosine learning rate schedule,",
    "because plain SGD needs much more tuning for transformers.",
    "Then I would profile the step time, to see whether the kernels are compute bound or memory bound.",
    "A fused CUDA kernel for the attention, like FlashAttention, avoids writing the scores to HBM.",
    "Finally I would check that the loss curve matches a smaller single GPU run.",
]
LONG_GAPS = [0.9, 0.3, 1.2, 0.4, 0.8, 1.5, 0.5, 0.7, 1.1, 0.3, 0.9, 0.6, 1.0]


def espeak_answer(
    sentences: list[str], gaps: list[float], out: Path, *, speed: int = 150, voice: str = "en-us"
) -> Path:
    """One WAV of `sentences` with `gaps[i]` seconds of silence after sentence i."""
    import numpy as np

    from agent.speech.media import load_audio, write_wav

    out = Path(out)
    pieces = []
    for i, sentence in enumerate(sentences):
        part = espeak_wav(sentence, out.with_suffix(f".part{i}.wav"), speed=speed, voice=voice)
        pieces.append(load_audio(part))
        part.unlink(missing_ok=True)
        if i < len(sentences) - 1:
            pieces.append(np.zeros(int(16000 * gaps[i % len(gaps)]), dtype=np.float32))
    return write_wav(out, np.concatenate(pieces))


def recorded_fidelity(source, recorded) -> float:
    """How faithfully `recorded` (16 kHz) holds `source`: the correlation coefficient of the two
    after aligning them on the lag of their cross-correlation peak. A lossless capture scores
    near 1; dropped blocks shift the rest of the answer and pull it well down."""
    import numpy as np

    a = np.asarray(source, dtype=np.float64)
    b = np.asarray(recorded, dtype=np.float64)
    size = 1 << int(np.ceil(np.log2(a.size + b.size)))
    xcorr = np.fft.irfft(np.fft.rfft(b, size) * np.conj(np.fft.rfft(a, size)), size)
    lag = int(np.argmax(xcorr))  # where the source starts inside the recording
    if lag > size // 2:  # the recording started after the source did
        lag -= size
    a, b = (a, b[lag:]) if lag >= 0 else (a[-lag:], b)
    n = min(a.size, b.size)
    a, overlap = a[:n], b[:n]
    if n == 0 or not a.any() or not overlap.any():
        return 0.0
    return float(np.corrcoef(a, overlap)[0, 1])


_SHARED: dict[str, object] = {}


def shared_transcriber():
    """One Transcriber (one loaded model) for the whole test session, across test modules."""
    if "t" not in _SHARED:
        from agent.speech.transcribe import Transcriber

        _SHARED["t"] = Transcriber()
    return _SHARED["t"]


def librivox_clips() -> list[tuple[Path, str]]:
    """(wav, reference text) for the committed LibriVox clips."""
    folder = Path(__file__).resolve().parent / "data" / "librivox"
    refs = {}
    for line in (folder / "transcription").read_text().splitlines():
        line = line.strip()
        if not line:
            continue
        text, _, fileid = line.rpartition("(")
        text = text.replace("<s>", "").replace("</s>", "").strip()
        refs[fileid.rstrip(")").strip()] = text
    return [(folder / f"{fileid}.wav", text) for fileid, text in sorted(refs.items())]
