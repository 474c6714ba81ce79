"""Provider presets, and settings resolved into one endpoint per role."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlparse

from pydantic import SecretStr

from agent.config import Settings, StructuredMode
from agent.errors import ConfigError

Role = Literal["interviewer", "grader"]


@dataclass(frozen=True)
class Preset:
    name: str
    base_url: str | None
    default_model: str | None
    api_key_env: str | None
    key_required: bool
    structured_mode: StructuredMode


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            "openai",
            "https://api.openai.com/v1",
            "gpt-4o-mini",
            "OPENAI_API_KEY",
            True,
            "json_schema",
        ),
        Preset(
            "ollama",
            "http://127.0.0.1:11434/v1",
            "llama3.1:8b",
            "OLLAMA_API_KEY",
            False,
            "json_schema",
        ),
        Preset(
            "llamacpp",
            "http://127.0.0.1:8080/v1",
            "local",
            "LLAMACPP_API_KEY",
            False,
            "json_object",
        ),
        Preset("vllm", "http://127.0.0.1:8000/v1", None, "VLLM_API_KEY", False, "json_schema"),
        Preset(
            "lmstudio", "http://127.0.0.1:1234/v1", None, "LMSTUDIO_API_KEY", False, "json_schema"
        ),
        Preset(
            "openrouter",
            "https://openrouter.ai/api/v1",
            "openai/gpt-4o-mini",
            "OPENROUTER_API_KEY",
            True,
            "json_schema",
        ),
        Preset("custom", None, None, None, False, "auto"),
    ]
}


@dataclass(frozen=True)
class ResolvedProvider:
    """One concrete endpoint. `api_key` is a SecretStr: never print or save it."""

    role: Role
    preset: str
    base_url: str
    model: str
    api_key: SecretStr
    structured_mode: StructuredMode
    """As configured; "auto" means: what doctor remembered, else `mode_hint`, else probe."""
    mode_hint: StructuredMode
    """The preset's usual mode (auto for custom)."""
    request_timeout: float
    call_budget: float
    max_retries: int
    max_reasks: int

    @property
    def label(self) -> str:
        return f"{self.preset} {self.model} @ {self.base_url}"


def is_loopback_url(url: str) -> bool:
    host = (urlparse(url).hostname or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_provider(settings: Settings, role: Role) -> ResolvedProvider | None:
    """The endpoint for `role`, or None when no provider is configured (offline)."""
    override = getattr(settings, role)
    preset_name = override.provider or settings.provider
    if not preset_name:
        return None
    preset_name = preset_name.strip().lower()
    if preset_name not in PRESETS:
        known = ", ".join(PRESETS)
        raise ConfigError(f"unknown provider preset {preset_name!r} (known: {known})")
    preset = PRESETS[preset_name]
    # A role override naming a different preset does not inherit the top-level URL/model.
    inherit = override.provider is None or override.provider == settings.provider
    base_url = override.base_url or (settings.base_url if inherit else None) or preset.base_url
    if not base_url:
        raise ConfigError(
            f"provider {preset_name!r} needs a base URL: set VIVA_BASE_URL or base_url in the config"
        )
    model = override.model or (settings.model if inherit else None) or preset.default_model
    if not model:
        raise ConfigError(f"provider {preset_name!r} needs a model name: set VIVA_MODEL or model")
    if settings.local_only and not is_loopback_url(base_url):
        raise ConfigError(
            f"local_only is set, so Viva refuses the non-loopback provider URL {base_url} "
            f"({role}); use a local server (127.0.0.1/localhost) or unset local_only"
        )
    key = _api_key(settings, override, preset, inherit)
    if preset.key_required and not key:
        env = override.api_key_env or settings.api_key_env or preset.api_key_env
        raise ConfigError(f"provider {preset_name!r} needs an API key: set {env} or VIVA_API_KEY")
    mode = override.structured_mode or settings.structured_mode
    return ResolvedProvider(
        role=role,
        preset=preset_name,
        base_url=base_url.rstrip("/"),
        model=model,
        api_key=SecretStr(key or "not-needed"),
        structured_mode=mode,
        mode_hint=preset.structured_mode,
        request_timeout=settings.request_timeout,
        call_budget=settings.call_budget,
        max_retries=settings.max_retries,
        max_reasks=settings.max_reasks,
    )


def _api_key(settings: Settings, override, preset: Preset, inherit: bool) -> str | None:
    for secret in (override.api_key, settings.api_key if inherit else None):
        if secret is not None and secret.get_secret_value():
            return secret.get_secret_value()
    for env in (
        override.api_key_env,
        settings.api_key_env if inherit else None,
        preset.api_key_env,
    ):
        if env and os.environ.get(env):
            return os.environ[env]
    return None
