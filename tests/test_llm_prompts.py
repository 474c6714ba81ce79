"""Prompt templates: files loaded by name, strict `$var` rendering, content-hash versions."""

from __future__ import annotations

import re

import pytest

from agent import locations, prompts
from agent.errors import VivaError
from agent.prompts import load_prompt


def test_shipped_prompt_loads_with_a_short_version():
    prompt = load_prompt("structured_output")
    assert prompt.name == "structured_output"
    assert re.fullmatch(r"[0-9a-f]{8}", prompt.version)
    assert prompt.variables == ["schema"]
    assert '{"type": "object"}' in prompt.render(schema='{"type": "object"}')


def test_missing_variable_names_template_and_variable():
    with pytest.raises(ValueError, match=r"'reask'.*\$error"):
        load_prompt("reask").render()


def test_unknown_prompt_is_a_clear_error():
    with pytest.raises(
        VivaError, match=r"unknown prompt 'no_such_prompt'.*shipped prompts: .*reask"
    ):
        load_prompt("no_such_prompt")
    with pytest.raises(VivaError, match="invalid prompt name"):
        load_prompt("../etc/passwd")


def test_version_follows_content_and_values_are_not_reinterpreted(tmp_path, monkeypatch):
    monkeypatch.setattr(locations, "shipped_prompts_dir", lambda: tmp_path)
    (tmp_path / "t.md").write_text("Costs $$5. Answer:\n<answer>$answer</answer>\n")
    first = prompts.load_prompt("t")
    # Candidate text that looks like a placeholder stays literal text.
    assert first.render(answer="I used $answer and ${x}") == (
        "Costs $5. Answer:\n<answer>I used $answer and ${x}</answer>\n"
    )
    (tmp_path / "t.md").write_text("Changed: $answer\n")
    second = prompts.load_prompt("t")
    assert second.version != first.version


def test_malformed_template_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(locations, "shipped_prompts_dir", lambda: tmp_path)
    (tmp_path / "bad.md").write_text("Price: $5\n")
    with pytest.raises(ValueError, match=r"'bad'.*\$\$"):
        prompts.load_prompt("bad").render()
