"""The LLM client: retry policy, parsing, prompts, and fault injection against a local fake server.

The fake server (tests/llm_server.FakeOpenAI) speaks the OpenAI wire format over real HTTP on
127.0.0.1, so these tests exercise the real `openai` package, tenacity and our error mapping.
"""

from __future__ import annotations

import logging
import time

import openai  # noqa: F401 - imported up front so elapsed-time asserts measure retries only
import pytest
from pydantic import BaseModel, Field

from agent.config import load_settings
from agent.errors import ProviderError
from agent.llm.client import LLMClient, client_for
from agent.llm.presets import resolve_provider
from agent.llm.retry import RetryPolicy
from agent.llm.structured import extract_json, parse_structured
from agent.state import remember_mode, remembered_mode

SECRET = "sk-test-VERYSECRET-0123456789"


class Verdict(BaseModel):
    label: str
    score: int = Field(ge=0, le=3)


def make_client(
    base_url: str, *, preset: str = "custom", mode: str = "auto", **limits
) -> LLMClient:
    settings = load_settings(
        provider=preset,
        base_url=base_url,
        model="fake-model",
        api_key=SECRET,
        structured_mode=mode,
        request_timeout=limits.get("timeout", 2.0),
        call_budget=limits.get("budget", 8.0),
        max_retries=limits.get("retries", 3),
        max_reasks=limits.get("reasks", 2),
    )
    return LLMClient(resolve_provider(settings, "grader"))


USER = [{"role": "user", "content": "grade this"}]


# --------------------------------------------------------------------------- retry policy (pure)


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    policy = RetryPolicy(max_retries=10, budget=100, initial=0.5, maximum=4.0)
    low = [policy.delay(n, rng=lambda: 0.0) for n in range(1, 7)]
    high = [policy.delay(n, rng=lambda: 1.0) for n in range(1, 7)]
    assert high == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert low == [h / 2 for h in high]


def test_retry_after_wins_over_backoff():
    assert RetryPolicy(3, 60).delay(1, retry_after=7.0) == 7.0


def test_give_up_on_attempts_and_on_budget():
    policy = RetryPolicy(max_retries=2, budget=10)
    assert policy.give_up(1, 1.0, elapsed=0.0) is None
    assert policy.give_up(3, 1.0, elapsed=0.0) == "attempts"
    # The next wait would end past the budget: stop now rather than sleep into it.
    assert policy.give_up(1, 5.0, elapsed=6.0) == "budget"
    assert policy.give_up(1, 30.0, elapsed=0.0) == "budget"


def test_client_for_offline_is_none():
    assert client_for(load_settings(), "grader") is None
    assert client_for(load_settings(provider="llamacpp"), "interviewer").label.startswith(
        "llamacpp local @"
    )


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "text",
    [
        '{"label": "ok", "score": 2}',
        'Sure! Here it is:\n```json\n{"label": "ok", "score": 2}\n```\nAnything else?',
        '```\n{"label": "ok", "score": 2}\n```',
        'The answer {not json} then {"label": "ok", "score": 2} trailing',
    ],
)
def test_extract_first_json_object(text):
    assert parse_structured(text, Verdict) == Verdict(label="ok", score=2)


def test_unparseable_and_invalid_output_explain_why():
    with pytest.raises(ValueError, match="no complete JSON object"):
        extract_json('{"label": "ok", "sco')
    with pytest.raises(ValueError, match="empty"):
        extract_json("   ")
    with pytest.raises(ValueError, match=r"score: Input should be less than or equal to 3"):
        parse_structured('{"label": "x", "score": 9}', Verdict)


# --------------------------------------------------------------------------- fault injection


def test_chat_and_models_round_trip(fake_llm):
    fake_llm.push({"content": "Hello there"})
    client = make_client(fake_llm.base_url)
    assert client.chat(USER) == "Hello there"
    assert client.list_models() == ["fake-model"]
    body = fake_llm.chat_requests()[-1]
    assert body["model"] == "fake-model" and body["messages"] == USER


def test_429_with_retry_after_then_success(fake_llm):
    fake_llm.push({"status": 429, "headers": {"Retry-After": "1"}}, {"content": "after the wait"})
    client = make_client(fake_llm.base_url)
    started = time.monotonic()
    assert client.chat(USER) == "after the wait"
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 4, elapsed  # honoured the 1 s Retry-After, not the 0.25-0.5 s backoff
    assert len(fake_llm.chat_requests()) == 2


def test_retry_after_longer_than_budget_gives_up_at_once(fake_llm):
    fake_llm.push({"status": 429, "headers": {"Retry-After": "30"}}, {"content": "too late"})
    client = make_client(fake_llm.base_url, budget=5)
    started = time.monotonic()
    with pytest.raises(ProviderError) as info:
        client.chat(USER)
    assert time.monotonic() - started < 2
    message = str(info.value)
    assert "HTTP 429" in message and "retry after 30 s" in message and "call budget" in message
    assert fake_llm.base_url in message and "fake-model" in message
    assert len(fake_llm.chat_requests()) == 1


def test_500_then_success(fake_llm):
    fake_llm.push({"status": 500}, {"status": 503}, {"content": "recovered"})
    assert make_client(fake_llm.base_url).chat(USER) == "recovered"
    assert len(fake_llm.chat_requests()) == 3


def test_persistent_500_ends_in_one_clear_error(fake_llm):
    fake_llm.push(*[{"status": 500, "message": "model crashed"}] * 10)
    client = make_client(fake_llm.base_url, retries=2)
    started = time.monotonic()
    with pytest.raises(ProviderError) as info:
        client.chat(USER)
    assert time.monotonic() - started < 5
    assert "HTTP 500" in str(info.value) and "model crashed" in str(info.value)
    assert "gave up after 3 attempts" in str(info.value)
    assert info.value.attempts == 3
    assert len(fake_llm.chat_requests()) == 3


def test_hang_past_timeout_then_success(fake_llm):
    fake_llm.push({"hang": 10, "content": "slow"}, {"content": "fast"})
    client = make_client(fake_llm.base_url, timeout=0.5, budget=6)
    started = time.monotonic()
    assert client.chat(USER) == "fast"
    assert time.monotonic() - started < 4


def test_hang_forever_stays_within_budget(fake_llm):
    fake_llm.push(*[{"hang": 20}] * 10)
    client = make_client(fake_llm.base_url, timeout=0.5, budget=2.5, retries=10)
    started = time.monotonic()
    with pytest.raises(ProviderError) as info:
        client.chat(USER)
    elapsed = time.monotonic() - started
    assert elapsed < 2.5 + 2.0, elapsed  # the budget, plus slack for a loaded 2-core machine
    assert "no answer within the 0.5 s request timeout" in str(info.value)
    assert "call budget" in str(info.value)


@pytest.mark.parametrize("fault", ["truncate", "cut"])
def test_truncated_body_is_retried(fake_llm, fault):
    fake_llm.push({fault: True, "content": "first"}, {"content": "whole"})
    assert make_client(fake_llm.base_url).chat(USER) == "whole"
    assert len(fake_llm.chat_requests()) == 2


def test_truncated_body_every_time_is_one_clear_error(fake_llm):
    fake_llm.push(*[{"truncate": True, "content": "x"}] * 5)
    with pytest.raises(ProviderError, match="cut short or garbled"):
        make_client(fake_llm.base_url, retries=1).chat(USER)


def test_connection_refused_names_the_url(fake_llm):
    from llm_server import closed_port_url

    url = closed_port_url()
    client = make_client(url, retries=2, budget=5)
    started = time.monotonic()
    with pytest.raises(ProviderError) as info:
        client.chat(USER)
    assert time.monotonic() - started < 5
    assert f"connection refused: is the server running at {url}?" in str(info.value)


def test_401_is_not_retried_and_never_shows_the_key(fake_llm, caplog):
    caplog.set_level(logging.DEBUG)
    fake_llm.push({"status": 401, "message": f"Incorrect API key provided: {SECRET}"})
    client = make_client(fake_llm.base_url)
    with pytest.raises(ProviderError) as info:
        client.chat(USER)
    assert "HTTP 401" in str(info.value) and "API key" in str(info.value)
    assert SECRET not in str(info.value) and "VERYSECRET" not in str(info.value)
    assert "VERYSECRET" not in caplog.text
    assert len(fake_llm.chat_requests()) == 1


def test_404_model_not_found_names_the_model(fake_llm):
    fake_llm.push({"status": 404, "message": "model 'fake-model' not found"})
    with pytest.raises(ProviderError) as info:
        make_client(fake_llm.base_url).chat(USER)
    assert "HTTP 404" in str(info.value) and "'fake-model'" in str(info.value)
    assert len(fake_llm.chat_requests()) == 1


def test_stream_yields_deltas_and_retries_opening(fake_llm):
    fake_llm.push({"status": 502}, {"content": "one two three four"})
    chunks = list(make_client(fake_llm.base_url).stream(USER))
    assert len(chunks) > 1
    assert "".join(chunks) == "one two three four"


# --------------------------------------------------------------------------- structured output


def test_schema_violation_is_reasked_with_the_error(fake_llm):
    fake_llm.push(
        {"content": '{"label": "good", "score": 7}'},
        {"content": '```json\n{"label": "good", "score": 2}\n```'},
    )
    client = make_client(fake_llm.base_url, mode="json_schema")
    assert client.structured(USER, Verdict) == Verdict(label="good", score=2)
    first, second = fake_llm.chat_requests()
    assert first["response_format"]["type"] == "json_schema"
    assert first["response_format"]["json_schema"]["schema"]["properties"]["score"]["maximum"] == 3
    # The re-ask carries the model's own reply and the validation error.
    assert second["messages"][-2] == {
        "role": "assistant",
        "content": '{"label": "good", "score": 7}',
    }
    assert "score: Input should be less than or equal to 3" in second["messages"][-1]["content"]


def test_reasks_are_bounded(fake_llm):
    fake_llm.push(*[{"content": "I think it is fine."}] * 5)
    client = make_client(fake_llm.base_url, mode="prompt", reasks=1)
    with pytest.raises(ProviderError) as info:
        client.structured(USER, Verdict)
    assert "after 2 attempt(s)" in str(info.value) and "Verdict" in str(info.value)
    assert info.value.last_output == "I think it is fine."
    assert len(fake_llm.chat_requests()) == 2


def test_prompt_mode_puts_schema_in_system_message(fake_llm):
    fake_llm.push({"content": 'Here: {"label": "a", "score": 1}'})
    client = make_client(fake_llm.base_url, mode="prompt")
    messages = [{"role": "system", "content": "You grade."}, *USER]
    assert client.structured(messages, Verdict).score == 1
    body = fake_llm.chat_requests()[0]
    assert "response_format" not in body
    system = body["messages"][0]
    assert system["role"] == "system" and system["content"].startswith("You grade.")
    assert '"score"' in system["content"] and "JSON" in system["content"]
    assert len(body["messages"]) == 2


def test_json_object_mode_sends_the_schema_field(fake_llm):
    fake_llm.push({"content": '{"label": "a", "score": 0}'})
    make_client(fake_llm.base_url, mode="json_object").structured(USER, Verdict)
    fmt = fake_llm.chat_requests()[0]["response_format"]
    assert fmt["type"] == "json_object" and fmt["schema"]["title"] == "Verdict"


def test_auto_mode_falls_over_from_json_schema_and_keeps_what_worked(fake_llm):
    # Like llama-cpp-python: json_schema answered with HTTP 500 (no retries spent on it).
    fake_llm.push(
        {"status": 500, "message": "json_schema not supported"},
        {"content": '{"label": "a", "score": 1}'},
        {"content": '{"label": "b", "score": 2}'},
    )
    client = make_client(fake_llm.base_url, mode="auto")  # custom preset: no mode hint
    assert client.structured(USER, Verdict).label == "a"
    assert client.structured(USER, Verdict).label == "b"
    kinds = [body["response_format"]["type"] for body in fake_llm.chat_requests()]
    assert kinds == ["json_schema", "json_object", "json_object"]
    assert client.structured_mode_in_use() == "json_object"


def test_auto_mode_uses_the_remembered_mode(fake_llm):
    remember_mode(fake_llm.base_url, "fake-model", "prompt")
    assert remembered_mode(fake_llm.base_url + "/", "fake-model") == "prompt"
    fake_llm.push({"content": '{"label": "a", "score": 1}'})
    make_client(fake_llm.base_url, mode="auto").structured(USER, Verdict)
    assert "response_format" not in fake_llm.chat_requests()[0]


def test_auto_mode_starts_with_the_preset_hint(fake_llm):
    fake_llm.push({"content": '{"label": "a", "score": 1}'})
    make_client(fake_llm.base_url, preset="llamacpp", mode="auto").structured(USER, Verdict)
    assert fake_llm.chat_requests()[0]["response_format"]["type"] == "json_object"


def test_explicit_json_schema_on_a_server_without_it_suggests_auto(fake_llm):
    fake_llm.push(*[{"status": 500}] * 5)
    with pytest.raises(ProviderError, match="structured_mode = 'auto'"):
        make_client(fake_llm.base_url, mode="json_schema", retries=1).structured(USER, Verdict)


def test_structured_call_respects_budget_across_reasks(fake_llm):
    fake_llm.push(*[{"hang": 0.8, "content": "not json"}] * 10)
    client = make_client(fake_llm.base_url, mode="prompt", budget=2.0, reasks=10, timeout=5)
    started = time.monotonic()
    with pytest.raises(ProviderError):
        client.structured(USER, Verdict)
    assert time.monotonic() - started < 3.5


def test_tenacity_is_the_only_retry_point(fake_llm):
    # With max_retries=0 nothing retries: the openai package's own retries are off.
    fake_llm.push({"status": 503}, {"content": "never reached"})
    with pytest.raises(ProviderError, match="HTTP 503"):
        make_client(fake_llm.base_url, retries=0).chat(USER)
    assert len(fake_llm.chat_requests()) == 1


def test_state_file_is_private_and_a_corrupt_one_is_ignored(viva_home):
    from agent import locations

    path = locations.state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert remembered_mode("http://127.0.0.1:1/v1", "m") is None
    remember_mode("http://127.0.0.1:1/v1", "m", "json_object")
    assert remembered_mode("http://127.0.0.1:1/v1", "m") == "json_object"
    assert remembered_mode("http://127.0.0.1:1/v1", "other") is None
    assert path.stat().st_mode & 0o777 == 0o600
