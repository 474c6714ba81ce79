"""Structured output without the network: the three modes, the request each one makes, and
turning a reply into a validated pydantic object (or a short, model-readable reason why not).

Modes: `json_schema` (response_format json_schema), `json_object` with a `schema` field
(llama-cpp-python's server), and `prompt` (schema in the system message, then parse). `auto` uses
what `viva doctor` remembered for the base URL + model, else the preset's usual mode, else tries
json_schema -> json_object -> prompt and keeps the first that the server accepts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

    from agent.llm.presets import ResolvedProvider

T = TypeVar("T", bound="BaseModel")
Message = dict[str, str]

MODES = ("json_schema", "json_object", "prompt")

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


def extract_json(text: str) -> Any:
    """The first JSON object in `text` (also inside ``` fences or after some prose)."""
    if text is None:
        raise ValueError("the reply was empty")
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        start = candidate.find("{")
        while start != -1:
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except ValueError:
                start = candidate.find("{", start + 1)
                continue
            if isinstance(value, dict):
                return value
            start = candidate.find("{", start + 1)
    snippet = " ".join(text.split())[:120]
    if not snippet:
        raise ValueError("the reply was empty; expected a JSON object")
    raise ValueError(f"the reply contains no complete JSON object (it starts: {snippet!r})")


def parse_structured(text: str, output_model: type[T]) -> T:
    """Parse and validate a reply; ValueError with a short, model-readable explanation."""
    from pydantic import ValidationError

    data = extract_json(text)
    try:
        return output_model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:8]:
            where = ".".join(str(p) for p in err.get("loc", ())) or "(object)"
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        raise ValueError("the JSON does not match the schema: " + "; ".join(problems)) from None


def reply_text(completion: Any) -> str:
    """The assistant's text in a (non-streamed) chat completion; '' when there is none."""
    choices = getattr(completion, "choices", None) or [None]
    message = getattr(choices[0], "message", None)
    return getattr(message, "content", None) or ""


def modes_to_try(provider: ResolvedProvider, in_use: str | None) -> tuple[list[str], bool]:
    """Modes to try in order, and whether the first one is known to work.

    The configured mode wins, then the one that worked in this process (`in_use`), then the one
    `viva doctor` remembered, then the preset's hint followed by the others."""
    configured = provider.structured_mode
    if configured in MODES:
        return [configured], True
    if in_use:
        return [in_use], True
    from agent.state import remembered_mode

    remembered = remembered_mode(provider.base_url, provider.model)
    if remembered:
        return [remembered], True
    hint = provider.mode_hint if provider.mode_hint in MODES else None
    order: list[str] = [hint] if hint else []
    order += [m for m in MODES if m != hint]
    return order, False


def mode_request(
    mode: str, messages: Sequence[Message], output_model: type[BaseModel]
) -> tuple[list[Message], dict[str, Any]]:
    """The conversation and the extra request parameters that ask for `output_model` in `mode`."""
    schema = output_model.model_json_schema()
    convo = _describe_schema(messages, mode, schema)
    extra: dict[str, Any] = {}
    if mode == "json_schema":
        extra["response_format"] = {
            "type": "json_schema",
            "json_schema": {
                "name": _schema_name(output_model),
                "schema": schema,
                "strict": _strict_ok(schema),
            },
        }
    elif mode == "json_object":
        # llama-cpp-python turns `schema` into a grammar; other servers ignore it.
        extra["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}
    return convo, extra


def _strict_ok(schema: Any) -> bool:
    """True when OpenAI's strict json_schema rules hold (all properties required, no extras)."""
    if isinstance(schema, dict):
        if schema.get("type") == "object" or "properties" in schema:
            props = schema.get("properties", {})
            if schema.get("additionalProperties") is not False:
                return False
            if set(schema.get("required", [])) != set(props):
                return False
        return all(_strict_ok(v) for v in schema.values())
    if isinstance(schema, list):
        return all(_strict_ok(v) for v in schema)
    return True


def _schema_name(model: type) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]", "_", getattr(model, "__name__", "output"))
    return name[:64] or "output"


def _describe_schema(
    messages: Sequence[Message], mode: str, schema: dict[str, Any]
) -> list[Message]:
    """For json_object and prompt modes, describe the schema in the system message."""
    convo = [dict(m) for m in messages]
    if mode == "json_schema":
        return convo
    from agent.prompts import load_prompt

    instruction = load_prompt("structured_output").render(
        schema=json.dumps(schema, separators=(",", ":"))
    )
    if convo and convo[0].get("role") == "system":
        convo[0]["content"] = f"{convo[0].get('content', '').rstrip()}\n\n{instruction}"
    else:
        convo.insert(0, {"role": "system", "content": instruction})
    return convo
