"""Settings: file < VIVA_* env < flags, presets, per-role overrides, local-only, `viva config`."""

from __future__ import annotations

import json

import pytest

from agent.config import load_settings
from agent.errors import ConfigError
from agent.llm.presets import PRESETS, is_loopback_url, resolve_provider


def write_config(viva_home, text: str):
    path = viva_home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- precedence


def test_file_then_env_then_flags(viva_home, monkeypatch):
    write_config(viva_home, 'provider = "ollama"\nmodel = "from-file"\nmax_retries = 7\n')
    s = load_settings()
    assert (s.provider, s.model, s.max_retries) == ("ollama", "from-file", 7)

    monkeypatch.setenv("VIVA_MODEL", "from-env")
    s = load_settings()
    assert (s.provider, s.model, s.max_retries) == ("ollama", "from-env", 7)

    s = load_settings(model="from-flag", provider=None)  # None = flag not given
    assert (s.provider, s.model) == ("ollama", "from-flag")


def test_nested_env_overrides_role(viva_home, monkeypatch):
    write_config(viva_home, '[grader]\nmodel = "file-grader"\n')
    monkeypatch.setenv("VIVA_GRADER__MODEL", "env-grader")
    assert load_settings().grader.model == "env-grader"


def test_cli_flags_override_env(run_viva):
    out = run_viva(
        "config",
        "show",
        "--json",
        "--provider",
        "vllm",
        "--model",
        "flag-model",
        env={"VIVA_PROVIDER": "ollama", "VIVA_MODEL": "env-model"},
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["settings"]["provider"] == "vllm"
    assert data["providers"]["grader"] == "vllm flag-model @ http://127.0.0.1:8000/v1"


# --------------------------------------------------------------------------- presets


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("ollama", "http://127.0.0.1:11434/v1"),
        ("llamacpp", "http://127.0.0.1:8080/v1"),
        ("vllm", "http://127.0.0.1:8000/v1"),
        ("lmstudio", "http://127.0.0.1:1234/v1"),
    ],
)
def test_local_presets_resolve_to_their_port(name, url):
    p = resolve_provider(load_settings(provider=name, model="m"), "grader")
    assert p.base_url == url and p.model == "m" and p.preset == name


def test_every_named_preset_exists():
    assert {"openai", "ollama", "llamacpp", "vllm", "lmstudio", "openrouter", "custom"} <= set(
        PRESETS
    )


def test_no_provider_means_offline():
    assert resolve_provider(load_settings(), "interviewer") is None
    assert resolve_provider(load_settings(), "grader") is None


def test_openai_needs_a_key_and_reads_the_preset_variable(monkeypatch):
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        resolve_provider(load_settings(provider="openai"), "grader")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-abcdef123456")
    p = resolve_provider(load_settings(provider="openai"), "grader")
    assert p.api_key.get_secret_value() == "sk-test-abcdef123456"
    assert "sk-test" not in p.label and "sk-test" not in repr(p)


def test_custom_preset_needs_a_base_url():
    with pytest.raises(ConfigError, match="base URL"):
        resolve_provider(load_settings(provider="custom", model="m"), "grader")


def test_unknown_preset_is_named():
    with pytest.raises(ConfigError, match="'nope'.*known"):
        resolve_provider(load_settings(provider="nope"), "grader")


def test_role_overrides_pick_separate_models_and_providers(viva_home, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-abcdef123456")
    write_config(
        viva_home,
        'provider = "ollama"\nmodel = "llama3.1:8b"\n'
        '[grader]\nprovider = "openai"\nmodel = "gpt-4o-mini"\n'
        '[interviewer]\nmodel = "qwen2.5:7b"\n',
    )
    s = load_settings()
    interviewer = resolve_provider(s, "interviewer")
    grader = resolve_provider(s, "grader")
    assert (interviewer.preset, interviewer.model, interviewer.base_url) == (
        "ollama",
        "qwen2.5:7b",
        "http://127.0.0.1:11434/v1",
    )
    # A role naming another preset does not inherit the top-level URL.
    assert (grader.preset, grader.model, grader.base_url) == (
        "openai",
        "gpt-4o-mini",
        "https://api.openai.com/v1",
    )


# --------------------------------------------------------------------------- local only


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8080/v1", True),
        ("http://localhost:11434/v1", True),
        ("http://[::1]:8000/v1", True),
        ("https://api.openai.com/v1", False),
        ("http://192.168.1.5:8080/v1", False),
    ],
)
def test_loopback_detection(url, loopback):
    assert is_loopback_url(url) is loopback


def test_local_only_refuses_remote_url_with_clear_message():
    s = load_settings(
        provider="custom", base_url="http://10.0.0.7:8000/v1", model="m", local_only=True
    )
    with pytest.raises(ConfigError, match=r"local_only.*http://10\.0\.0\.7:8000/v1"):
        resolve_provider(s, "grader")
    ok = load_settings(provider="llamacpp", local_only=True)
    assert resolve_provider(ok, "grader").base_url == "http://127.0.0.1:8080/v1"


def test_local_only_refusal_reaches_the_user(run_viva):
    out = run_viva(
        "config",
        "show",
        "--provider",
        "openrouter",
        "--local-only",
        env={"OPENROUTER_API_KEY": "k" * 20},
    )
    assert out.returncode == 2
    assert "local_only" in out.stderr and "https://openrouter.ai/api/v1" in out.stderr
    assert "Traceback" not in out.stderr


# --------------------------------------------------------------------------- malformed files


def test_malformed_toml_names_file_and_line(viva_home, run_viva):
    path = write_config(viva_home, 'provider = "ollama"\nmodel = "x"\nmax_retries = = 3\n')
    with pytest.raises(ConfigError, match=rf"^{path}:3: "):
        load_settings()
    for args in (("config", "show"), ("doctor",)):
        out = run_viva(*args)
        assert f"{path}:3:" in (out.stderr + out.stdout)
        assert "Traceback" not in out.stderr
    assert run_viva("config", "show").returncode == 2


def test_bad_value_names_line(viva_home):
    path = write_config(viva_home, 'provider = "ollama"\n\nmax_retries = "many"\n')
    with pytest.raises(ConfigError, match=rf"{path}:3: max_retries"):
        load_settings()


def test_unknown_key_is_refused(viva_home, run_viva):
    path = write_config(viva_home, 'modle = "typo"\n')
    out = run_viva("config", "show")
    assert out.returncode == 2
    assert f"{path}:1: modle" in out.stderr


def test_bad_env_value_is_named(run_viva):
    out = run_viva("config", "show", env={"VIVA_MAX_RETRIES": "lots"})
    assert out.returncode == 2
    assert "VIVA_MAX_RETRIES" in out.stderr and "Traceback" not in out.stderr


# --------------------------------------------------------------------------- viva config


def test_config_path_respects_viva_home(viva_home, run_viva):
    out = run_viva("config", "path")
    assert out.returncode == 0
    assert out.stdout.strip() == str(viva_home / "config" / "config.toml")


def test_config_show_masks_secrets(viva_home, run_viva):
    write_config(
        viva_home,
        '[grader]\nprovider = "custom"\nbase_url = "http://127.0.0.1:5/v1"\nmodel = "m"\napi_key = "sk-file-secret-999999"\n',
    )
    env = {"VIVA_API_KEY": "sk-env-secret-123456", "OPENAI_API_KEY": "sk-other-secret-777777"}
    for args in (("config", "show"), ("config", "show", "--json")):
        out = run_viva(*args, env=env)
        assert out.returncode == 0, out.stderr
        for secret in ("sk-env-secret-123456", "sk-file-secret-999999", "sk-other-secret-777777"):
            assert secret not in out.stdout + out.stderr
        assert "***" in out.stdout
    data = json.loads(run_viva("config", "show", "--json", env=env).stdout)
    assert data["settings"]["api_key"] == "***"
    assert data["settings"]["grader"]["api_key"] == "***"
    assert data["providers"] == {
        "interviewer": "offline",
        "grader": "custom m @ http://127.0.0.1:5/v1",
    }


def test_config_show_text_lists_roles(run_viva):
    out = run_viva("config", "show", "--provider", "llamacpp")
    assert out.returncode == 0
    assert "# interviewer: llamacpp local @ http://127.0.0.1:8080/v1" in out.stdout
    assert 'provider = "llamacpp"' in out.stdout


def test_config_init_writes_a_loadable_example(viva_home, run_viva):
    out = run_viva("config", "init")
    assert out.returncode == 0, out.stderr
    path = viva_home / "config" / "config.toml"
    assert path.exists() and "provider" in path.read_text()
    assert load_settings().provider is None  # everything in the example is commented out
    again = run_viva("config", "init")
    assert again.returncode == 2 and "--force" in again.stderr
    # Uncommenting the example provider lines gives a working config.
    text = path.read_text().replace('# provider = "llamacpp"', 'provider = "llamacpp"')
    path.write_text(text)
    assert load_settings().provider == "llamacpp"
