"""Streaming structured output: one call whose "question" text reaches the caller as it is
generated, then the full reply validated as usual.

The fake server (tests/llm_server.FakeOpenAI) sends real SSE over HTTP, so the `openai` package,
tenacity and our re-ask loop run for real; the last test uses the REAL llama.cpp server.
"""

from __future__ import annotations

import json
import time

import pytest
from interview_helpers import FakeClock, MiniBank
from pydantic import BaseModel, Field

from agent.config import load_settings
from agent.errors import ProviderError
from agent.interview import policy_llm
from agent.interview.engine import Interview
from agent.interview.text import sentences
from agent.llm.client import LLMClient
from agent.llm.presets import resolve_provider

QUESTION = (
    'Why does "L1" give sparse\nweights? Explain it geometrically \u2014 caf\u00e9 \U0001f600.'
)
USER = [{"role": "user", "content": "next step?"}]
WEAK = "You use the gradient to update the weights."


class Step(BaseModel):
    action: str = Field(pattern="^(follow_up|next)$")
    question: str = ""
    targets: list[str] = Field(default_factory=list)


def _json(**fields) -> str:
    base = {"targets": ["kp-1", "{not}"], "action": "follow_up", "question": QUESTION}
    return json.dumps({**base, **fields})


def _chunks(text: str, size: int = 3) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _client(base_url: str, *, mode: str = "json_object", **limits) -> LLMClient:
    settings = load_settings(
        provider="custom",
        base_url=base_url,
        model="fake-model",
        structured_mode=mode,
        request_timeout=limits.get("timeout", 5.0),
        call_budget=limits.get("budget", 20.0),
        max_retries=limits.get("retries", 2),
        max_reasks=limits.get("reasks", 2),
    )
    return LLMClient(resolve_provider(settings, "interviewer"))


class Recorder:
    """Collects on_delta / on_reset calls with the time they arrived."""

    def __init__(self):
        self.events: list[tuple[str, str, float]] = []

    def delta(self, text: str) -> None:
        self.events.append(("delta", text, time.monotonic()))

    def reset(self) -> None:
        self.events.append(("reset", "", time.monotonic()))

    @property
    def deltas(self) -> list[str]:
        return [t for kind, t, _ in self.events if kind == "delta"]

    @property
    def resets(self) -> int:
        return sum(1 for kind, _, _ in self.events if kind == "reset")

    def shown(self) -> str:
        """What a front end following the contract displays now."""
        text = ""
        for kind, piece, _ in self.events:
            text = "" if kind == "reset" else text + piece
        return text


# --------------------------------------------------------------------------- the client


@pytest.mark.parametrize("mode", ["json_schema", "json_object", "prompt"])
def test_question_streams_in_order_while_the_one_call_runs(fake_llm, mode):
    raw = _json()
    fake_llm.push({"content": raw, "chunks": _chunks(raw), "delay": 0.02})
    rec = Recorder()
    out = _client(fake_llm.base_url, mode=mode).structured(
        USER, Step, stream_field="question", on_delta=rec.delta, on_reset=rec.reset
    )
    returned = time.monotonic()
    assert out.question == QUESTION and out.action == "follow_up"
    assert rec.resets == 0 and len(rec.deltas) > 10
    assert "".join(rec.deltas) == QUESTION  # escapes decoded, order kept
    # genuinely streamed: the question's ~40 chunks are 20 ms apart on the wire, and the first
    # words reach the caller that long before the call returns
    assert returned - rec.events[0][2] > 0.4
    (body,) = fake_llm.chat_requests()  # ONE request, streamed, same response_format as before
    assert body["stream"] is True
    if mode == "json_schema":
        assert body["response_format"]["type"] == "json_schema"
    elif mode == "json_object":
        assert body["response_format"]["schema"]["title"] == "Step"
    else:
        assert "response_format" not in body


def test_invalid_reply_is_reasked_and_the_front_end_told_to_reset(fake_llm):
    bad = _json(action="dance", question="What do you think about dancing in general?")
    good = _json()
    fake_llm.push(
        {"content": bad, "chunks": _chunks(bad, 4)}, {"content": good, "chunks": _chunks(good, 4)}
    )
    rec = Recorder()
    out = _client(fake_llm.base_url).structured(
        USER, Step, stream_field="question", on_delta=rec.delta, on_reset=rec.reset
    )
    assert out.question == QUESTION
    kinds = [k for k, _, _ in rec.events]
    cut = kinds.index("reset")
    assert rec.resets == 1 and cut > 1  # the bad question was shown, then retracted
    assert (
        "".join(t for _, t, _ in rec.events[:cut]) == "What do you think about dancing in general?"
    )
    assert rec.shown() == QUESTION
    first, second = fake_llm.chat_requests()
    assert second["stream"] is True and second["messages"][-2]["content"] == bad
    assert "action" in second["messages"][-1]["content"]  # the re-ask names the problem


def test_stream_broken_mid_way_is_retried_with_a_reset(fake_llm):
    raw = _json()
    fake_llm.push(
        {"content": raw, "chunks": _chunks(raw), "break_after": 35},
        {"content": raw, "chunks": _chunks(raw)},
    )
    rec = Recorder()
    out = _client(fake_llm.base_url).structured(
        USER, Step, stream_field="question", on_delta=rec.delta, on_reset=rec.reset
    )
    assert out.question == QUESTION
    assert rec.resets == 1 and rec.events[0][0] == "delta"
    assert rec.shown() == QUESTION
    first, second = fake_llm.chat_requests()  # a retry of the transient failure, not a re-ask
    assert second["messages"] == first["messages"]


def test_stream_that_keeps_breaking_fails_clearly_and_leaves_nothing_shown(fake_llm):
    raw = _json()
    fake_llm.push(*[{"content": raw, "chunks": _chunks(raw), "break_after": 35}] * 3)
    rec = Recorder()
    with pytest.raises(ProviderError) as info:
        _client(fake_llm.base_url, retries=1).structured(
            USER, Step, stream_field="question", on_delta=rec.delta, on_reset=rec.reset
        )
    assert "cut short" in str(info.value) and fake_llm.base_url in str(info.value)
    assert rec.deltas and rec.events[-1][0] == "reset" and rec.shown() == ""


def test_without_on_reset_the_pieces_stop_instead_of_repeating(fake_llm):
    bad = _json(action="dance", question="Something else entirely, shown first")
    good = _json()
    fake_llm.push(
        {"content": bad, "chunks": _chunks(bad)}, {"content": good, "chunks": _chunks(good)}
    )
    rec = Recorder()
    out = _client(fake_llm.base_url).structured(
        USER, Step, stream_field="question", on_delta=rec.delta
    )
    assert out.question == QUESTION
    assert "".join(rec.deltas) == "Something else entirely, shown first"


def test_duplicate_key_is_reconciled_with_the_parsed_value(fake_llm):
    raw = '{"action": "follow_up", "question": "first draft", "question": "' + "final one" + '"}'
    fake_llm.push({"content": raw, "chunks": _chunks(raw, 2)})
    rec = Recorder()
    out = _client(fake_llm.base_url).structured(
        USER, Step, stream_field="question", on_delta=rec.delta, on_reset=rec.reset
    )
    assert out.question == "final one" and rec.shown() == "final one"
    assert "".join(rec.deltas).startswith("first draft") and rec.resets == 1


def test_a_failing_callback_never_breaks_the_call(fake_llm):
    raw = _json()
    fake_llm.push({"content": raw, "chunks": _chunks(raw)})

    def boom(_text):
        raise RuntimeError("ui bug")

    out = _client(fake_llm.base_url).structured(USER, Step, stream_field="question", on_delta=boom)
    assert out.question == QUESTION


# --------------------------------------------------------------------------- the interview


def _settings(base_url):
    return load_settings(
        provider="custom",
        base_url=base_url,
        model="fake-model",
        structured_mode="json_object",
        policy_mode="llm",
        grader_mode="offline",
        max_retries=1,
        request_timeout=20,
        call_budget=60,
    )


def _policy_reply(question, action="follow_up", targets=("nonconvex-no-guarantee",)):
    raw = json.dumps(
        {"action": action, "question": question, "targets": list(targets), "reason": "probe"}
    )
    return {"content": raw, "chunks": _chunks(raw, 5)}


def _start(fake_llm, rec, bank):
    return Interview.start(
        _settings(fake_llm.base_url),
        "test-track",
        bank=bank,
        clock=FakeClock(),
        on_text_delta=rec.delta,
        on_text_reset=rec.reset,
    )


def test_interview_streams_an_accepted_llm_follow_up(fake_llm):
    bank = MiniBank(["gradient-descent", "batch-size-tradeoffs"])
    asked = "What does the loss surface of a deep network look like, and why does it matter here?"
    fake_llm.push(_policy_reply(asked))
    rec = Recorder()
    iv = _start(fake_llm, rec, bank)
    assert rec.events == []  # the first question is authored, not streamed
    reply = iv.answer(WEAK)
    assert reply.prompt.kind == "follow_up" and reply.prompt.text == asked
    assert len(rec.deltas) > 3 and rec.resets == 0
    assert rec.shown() == reply.prompt.text
    assert len(fake_llm.chat_requests()) == 1


def test_interview_retracts_a_streamed_question_it_rejects(fake_llm):
    bank = MiniBank(["gradient-descent", "batch-size-tradeoffs"])
    rubric = bank.rubric("gradient-descent")
    leak = sentences(rubric.reference.standard)[0]
    fake_llm.push(_policy_reply(f"Right. {leak} Do you agree?"))
    rec = Recorder()
    iv = _start(fake_llm, rec, bank)
    reply = iv.answer(WEAK)
    offline = next(p for p in rubric.probes if p.id == "global-guarantee")
    assert reply.prompt.text == offline.question  # the offline choice replaces it
    assert rec.deltas and rec.events[-1][0] == "reset" and rec.shown() == ""


def test_interview_retracts_when_the_model_moves_on_or_the_provider_fails(fake_llm):
    bank = MiniBank(["gradient-descent", "batch-size-tradeoffs", "gpu-memory-hierarchy"])
    fake_llm.push(_policy_reply("I would rather move on to the next topic now.", action="next"))
    broken = _policy_reply("What happens to the loss surface when the network is deep?")
    fake_llm.push(*[{**broken, "break_after": 8}] * 2)
    rec = Recorder()
    iv = _start(fake_llm, rec, bank)
    reply = iv.answer(WEAK)
    assert reply.prompt.question_id == "batch-size-tradeoffs" and reply.prompt.kind == "question"
    assert rec.deltas and rec.shown() == ""
    before = len(rec.events)
    reply = iv.answer("Full batch uses all the data, mini-batch uses part of it.")
    assert len(reply.notices) == 1 and reply.notices[0].endswith("continuing offline.")
    assert len(rec.events) > before and rec.events[-1][0] == "reset" and rec.shown() == ""


# --------------------------------------------------------------------------- the real server


@pytest.mark.llm
@pytest.mark.slow
def test_real_llama_server_streams_the_question_field(llama_server):
    """Structure only (tiny model): several pieces, and what they show is the parsed field."""
    settings = load_settings(
        provider="llamacpp",
        base_url=llama_server,
        structured_mode="json_object",
        max_retries=1,
        max_reasks=1,
        request_timeout=240,
        call_budget=300,
    )
    client = LLMClient(resolve_provider(settings, "interviewer"))
    rubric = MiniBank(["gradient-descent"]).rubric("gradient-descent")
    messages, _ = policy_llm.build_messages(
        rubric,
        covered=[],
        missed=[k.id for k in rubric.key_points],
        detected=[],
        probes_asked=[],
        conversation=[("interviewer", rubric.question), ("candidate", WEAK)],
        follow_ups_left=2,
        minutes_left=20,
    )

    class Probe(BaseModel):  # the policy's fields, with the question required and non-trivial
        reason: str = Field(max_length=300)
        question: str = Field(min_length=12, max_length=400)

    rec = Recorder()
    out = client.structured(
        messages,
        Probe,
        max_tokens=120,
        stream_field="question",
        on_delta=rec.delta,
        on_reset=rec.reset,
    )
    assert isinstance(out, Probe)
    assert len(rec.deltas) > 1
    assert rec.shown() == out.question
    last_reset = max([i for i, e in enumerate(rec.events) if e[0] == "reset"], default=-1)
    since = [t for k, t, _ in rec.events[last_reset + 1 :] if k == "delta"]
    assert len(since) > 1 or rec.resets > 0  # streamed, or reconciled after a reset
