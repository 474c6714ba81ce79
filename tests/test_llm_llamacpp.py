"""Integration with a REAL OpenAI-compatible server: llama-cpp-python serving SmolLM2-135M.

The model is tiny: these tests assert structure (non-empty text, several stream chunks, a valid
pydantic object, the mode detected), never the quality of what it says.
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from agent.config import load_settings
from agent.llm.client import LLMClient, client_for
from agent.llm.presets import resolve_provider
from agent.state import remembered_mode

pytestmark = [pytest.mark.llm, pytest.mark.slow]

HELLO = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Say hello in one short sentence."},
]


class Colour(BaseModel):
    name: str
    letters: int


ASK = [
    {
        "role": "user",
        "content": 'Name a colour as "name" and the number of letters in it as "letters".',
    }
]


def llama(base_url: str, **flags) -> LLMClient:
    settings = load_settings(
        provider="llamacpp", base_url=base_url, request_timeout=60, call_budget=120, **flags
    )
    return client_for(settings, "grader")


def test_chat_returns_text(llama_server):
    text = llama(llama_server).chat(HELLO, max_tokens=24)
    assert isinstance(text, str) and text.strip()


def test_stream_yields_several_chunks(llama_server):
    chunks = list(llama(llama_server).stream(HELLO, max_tokens=24))
    assert len(chunks) > 1
    assert all(isinstance(c, str) for c in chunks)
    assert "".join(chunks).strip()


def test_lists_its_model(llama_server):
    models = llama(llama_server).list_models()
    assert len(models) >= 1 and all(isinstance(m, str) and m for m in models)


def test_structured_output_is_a_valid_object(llama_server):
    client = llama(llama_server)  # llamacpp preset: auto starts with json_object + schema
    colour = client.structured(ASK, Colour, max_tokens=64)
    assert isinstance(colour, Colour)
    assert isinstance(colour.name, str) and isinstance(colour.letters, int)
    assert client.structured_mode_in_use() == "json_object"


def test_auto_mode_falls_over_from_json_schema(llama_server):
    # A custom preset has no hint, so auto tries json_schema first: llama-cpp-python refuses it
    # (HTTP 500) and the client moves on to json_object.
    settings = load_settings(
        provider="custom", base_url=llama_server, model="smollm2", call_budget=120
    )
    client = LLMClient(resolve_provider(settings, "grader"))
    colour = client.structured(ASK, Colour, max_tokens=64)
    assert isinstance(colour, Colour)
    assert client.structured_mode_in_use() == "json_object"


def test_doctor_passes_against_llama_cpp(llama_server, run_viva):
    out = run_viva("doctor", "--provider", "llamacpp", "--base-url", llama_server)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "FAIL" not in out.stdout
    status = {}
    for line in out.stdout.splitlines():
        for check in ("provider", "model", "structured output"):
            if line.startswith(f"{check} (interviewer, grader)"):
                status[check] = line
    assert len(status) == 3 and all("  PASS  " in line for line in status.values()), out.stdout
    assert "mode json_object works" in status["structured output"]
    assert llama_server in status["provider"]
    assert remembered_mode(llama_server, "local") == "json_object"


def test_doctor_against_closed_port_names_it(run_viva):
    from llm_server import closed_port_url

    url = closed_port_url()
    out = run_viva("doctor", "--provider", "llamacpp", "--base-url", url)
    assert out.returncode == 1 and url in out.stdout
