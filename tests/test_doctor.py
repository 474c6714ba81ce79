"""`viva doctor`: each check, the table and JSON output, exit codes, remembered structured mode."""

from __future__ import annotations

import json
import sys
import time
import types

import pytest

from agent.doctor import check_audio
from agent.state import remembered_mode

KEYS = {"check", "status", "detail", "hint"}


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def doctor(capsys):
    """`viva doctor ARGS` in this process (faster than a subprocess; same code path)."""
    from agent.cli import main

    def _run(*args: str) -> Result:
        code = main(["doctor", *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def skip_whisper(monkeypatch):
    """For provider-focused tests: the whisper check (seconds of model loading) reports skip."""
    import agent.doctor as doctor_module

    monkeypatch.setattr(
        doctor_module,
        "check_whisper",
        lambda settings: doctor_module.CheckResult("whisper model", "skip", "test"),
    )


def rows(out) -> dict[str, dict]:
    data = json.loads(out.stdout)
    assert isinstance(data, list) and all(set(r) == KEYS for r in data)
    return {r["check"]: r for r in data}


def test_offline_doctor_passes(run_viva):
    out = run_viva("doctor")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "offline (no provider configured)" in out.stdout
    for check in ("config", "data dir", "llm provider", "whisper model", "audio input"):
        assert check in out.stdout
    assert "FAIL" not in out.stdout


def test_json_output_has_one_row_per_check(doctor):
    out = doctor("--json")
    assert out.returncode == 0, out.stderr
    checks = rows(out)
    assert checks["llm provider"]["status"] == "pass"
    assert checks["whisper model"]["status"] == "pass"
    assert "loaded" in checks["whisper model"]["detail"]
    # No sound card here is a warning, never a failure: text mode works.
    assert checks["audio input"]["status"] in ("pass", "warn")


def test_closed_port_names_url_and_exits_1_quickly(run_viva):
    from llm_server import closed_port_url

    url = closed_port_url()
    started = time.monotonic()
    out = run_viva("doctor", "--provider", "llamacpp", "--base-url", url)
    elapsed = time.monotonic() - started
    assert out.returncode == 1
    assert url in out.stdout and "connection refused" in out.stdout
    assert "fix: start the server" in out.stdout
    assert "Traceback" not in out.stderr
    assert elapsed < 20, elapsed  # includes loading the whisper model


def _closed_port_among(ports: range) -> int:
    import socket

    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {ports}")


@pytest.mark.parametrize("ports", [range(40100, 40200), range(40400, 40500)])
def test_a_port_with_401_or_404_in_it_still_gets_start_the_server(
    doctor, skip_whisper, viva_home, ports
):
    # The hint once looked for a bare "401" (or "404") anywhere in the cause, URL included: a
    # refused connection to port 40123 was told to set an API key.
    url = f"http://127.0.0.1:{_closed_port_among(ports)}/v1"
    out = doctor("--json", "--provider", "llamacpp", "--base-url", url)
    assert out.returncode == 1
    provider = rows(out)["provider (interviewer, grader)"]
    assert url in provider["detail"] and "connection refused" in provider["detail"]
    assert provider["hint"].startswith("start the server"), provider["hint"]


@pytest.mark.parametrize(("status", "hint"), [(401, "API key"), (404, "base URL")])
def test_a_refused_key_or_a_wrong_path_gets_its_own_hint(
    doctor, fake_llm, skip_whisper, status, hint
):
    fake_llm.models_status = status
    out = doctor("--json", "--provider", "custom", "--base-url", fake_llm.base_url, "--model", "m")
    assert out.returncode == 1
    provider = rows(out)["provider (interviewer, grader)"]
    assert f"HTTP {status}" in provider["detail"]
    assert hint in provider["hint"], provider["hint"]


def test_detects_and_remembers_the_structured_mode(doctor, fake_llm, skip_whisper):
    # json_schema refused like llama-cpp-python does; json_object then works.
    fake_llm.push(
        {"status": 500, "message": "not supported"}, {"content": '{"word": "red", "letters": 3}'}
    )
    out = doctor(
        "--json", "--provider", "custom", "--base-url", fake_llm.base_url, "--model", "fake-model"
    )
    assert out.returncode == 0, out.stdout
    checks = rows(out)
    assert checks["provider (interviewer, grader)"]["status"] == "pass"
    assert checks["model (interviewer, grader)"]["status"] == "pass"
    structured = checks["structured output (interviewer, grader)"]
    assert structured["status"] == "pass"
    assert (
        "mode json_object works" in structured["detail"] and "json_schema" in structured["detail"]
    )
    assert remembered_mode(fake_llm.base_url, "fake-model") == "json_object"
    # Providers are checked once per distinct endpoint: 1 /models + 2 chat calls in all.
    assert [p for p, _ in fake_llm.requests].count("/v1/models") == 1
    assert len(fake_llm.chat_requests()) == 2


def test_separate_grader_endpoint_is_checked_too(doctor, fake_llm, monkeypatch, skip_whisper):
    from llm_server import closed_port_url

    dead = closed_port_url()
    env = {
        "VIVA_GRADER__PROVIDER": "custom",
        "VIVA_GRADER__BASE_URL": dead,
        "VIVA_GRADER__MODEL": "g",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    fake_llm.push({"content": '{"word": "red", "letters": 3}'})
    out = doctor(
        "--json", "--provider", "custom", "--base-url", fake_llm.base_url, "--model", "fake-model"
    )
    assert out.returncode == 1
    checks = rows(out)
    assert checks["provider (interviewer)"]["status"] == "pass"
    assert (
        checks["provider (grader)"]["status"] == "fail"
        and dead in checks["provider (grader)"]["detail"]
    )


def test_model_not_listed_fails_with_the_list(doctor, fake_llm, skip_whisper):
    out = doctor(
        "--json", "--provider", "custom", "--base-url", fake_llm.base_url, "--model", "gpt-9"
    )
    assert out.returncode == 1
    model = rows(out)["model (interviewer, grader)"]
    assert (
        model["status"] == "fail"
        and "'gpt-9'" in model["detail"]
        and "fake-model" in model["detail"]
    )
    assert model["hint"]


def test_broken_config_fails_with_file_and_line(viva_home, doctor, skip_whisper):
    path = viva_home / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("provider = \n")
    out = doctor("--json")
    assert out.returncode == 1
    config = rows(out)["config"]
    assert config["status"] == "fail" and config["detail"].startswith(f"{path}:1:")


def test_unwritable_data_dir_fails(viva_home, doctor, skip_whisper):
    (viva_home / "data").write_text("a file where the data folder should be")
    out = doctor("--json")
    assert out.returncode == 1
    data = rows(out)["data dir"]
    assert data["status"] == "fail" and "VIVA_HOME" in data["hint"]


def test_missing_whisper_model_fails(doctor, tmp_path, monkeypatch):
    monkeypatch.setenv("VIVA_WHISPER_MODEL", str(tmp_path / "nowhere"))
    out = doctor("--json")
    assert out.returncode == 1
    whisper = rows(out)["whisper model"]
    assert whisper["status"] == "fail" and "nowhere" in whisper["detail"] and whisper["hint"]


def test_audio_without_portaudio_is_a_warning(monkeypatch):
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import fails like a missing module
    result = check_audio(None)
    assert result.status == "warn" and "text mode" in result.detail

    fake = types.ModuleType("sounddevice")

    def query_devices(*args, **kwargs):
        raise RuntimeError("Error querying device -1")

    fake.query_devices = query_devices
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    result = check_audio(None)
    assert result.status == "warn" and "Error querying device -1" in result.detail and result.hint

    fake.query_devices = lambda *a, **k: (
        [
            {"name": "HDMI out", "index": 0, "max_input_channels": 0},
            {"name": "USB Mic", "index": 1, "max_input_channels": 1},
        ]
        if not k
        else {"name": "USB Mic"}
    )
    result = check_audio(None)
    assert result.status == "pass" and "USB Mic" in result.detail


def test_doctor_names_the_grader_model_and_says_when_grading_is_lexical(monkeypatch):
    from conftest import need

    from agent.doctor import check_grader_model
    from agent.grading import semantic

    need(semantic.find_model_dir() is not None, "the all-MiniLM-L6-v2 package (scripts/setup.sh)")
    ok = check_grader_model()
    assert ok.status == "pass" and "semantic" in ok.detail
    monkeypatch.setenv("VIVA_SEMANTIC", "0")
    off = check_grader_model()
    assert off.status == "warn" and "lexical" in off.detail
