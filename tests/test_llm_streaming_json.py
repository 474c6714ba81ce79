"""The incremental field extractor: the streamed text must decode exactly as json.loads would,
however the model's output is split into chunks."""

from __future__ import annotations

import json
import random

import pytest

from agent.llm.streaming_json import FieldStream


def _feed_all(
    text: str, pieces: list[str], field: str = "question"
) -> tuple[list[str], FieldStream]:
    fs = FieldStream(field)
    deltas = [fs.feed(p) for p in pieces]
    return [d for d in deltas if d], fs


def _expected(text: str, field: str = "question") -> str:
    start, end = text.index("{"), text.rindex("}") + 1
    return json.loads(text[start:end])[field]


ESCAPES = json.dumps(
    {
        "action": "follow_up",
        "question": 'Why "L1"?\\ A/B\n\ttabs\b\f\r caf\u00e9 \U0001f600 \u2028 end',
        "targets": ["a"],
    }
)
NESTED_FIRST = (
    '{"meta": {"question": "not this one", "x": [1, {"question": "nor this"}], "s": "}{\\"["},'
    ' "targets": ["question", "}"], "n": -1.5e3, "ok": true, "nothing": null,'
    ' "question": "Where does \\"the\\" {brace} go?", "reason": "r"}'
)
SAMPLES = {
    "escapes": ESCAPES,
    "ascii escapes": json.dumps(
        {"question": "caf\u00e9 \U0001f600 \x01 \u2028"}, ensure_ascii=True
    ),
    "nested objects first": NESTED_FIRST,
    "pretty printed": json.dumps({"reason": "x", "question": "What is\nnew?"}, indent=2),
    "prose and fence": 'Sure! Here it is:\n```json\n{"action": "next", "question": "Why?"}\n```\n',
}


@pytest.mark.parametrize("name", list(SAMPLES))
def test_split_at_every_boundary_decodes_like_json_loads(name):
    text = SAMPLES[name]
    want = _expected(text)
    assert want  # the sample has something to stream
    for cut in range(len(text) + 1):
        deltas, fs = _feed_all(text, [text[:cut], text[cut:]])
        assert "".join(deltas) == fs.value == want, f"split at {cut}: {text[:cut]!r}"
        assert fs.complete
    # one character at a time: the text grows piece by piece
    deltas, fs = _feed_all(text, list(text))
    assert "".join(deltas) == want and fs.complete
    assert len(deltas) > 1


def test_utf8_bytes_decoded_incrementally_at_every_byte_boundary():
    import codecs

    text = json.dumps(
        {"targets": [], "question": "Qu'est-ce qu'un café ☕ 😀 ?"}, ensure_ascii=False
    )
    data = text.encode("utf-8")
    for cut in range(len(data) + 1):
        decoder = codecs.getincrementaldecoder("utf-8")()
        pieces = [decoder.decode(data[:cut]), decoder.decode(data[cut:], final=True)]
        deltas, fs = _feed_all(text, pieces)
        assert "".join(deltas) == _expected(text)


def test_only_the_top_level_key_counts_wherever_it_comes():
    deltas, fs = _feed_all(NESTED_FIRST, [NESTED_FIRST[i : i + 3] for i in range(0, 400, 3)])
    assert "".join(deltas) == 'Where does "the" {brace} go?'


def test_partial_input_gives_the_text_so_far():
    fs = FieldStream("question")
    assert fs.feed('{"action": "follow_up", "quest') == ""
    assert fs.feed('ion": "Why does L1 give') == "Why does L1 give"
    assert not fs.complete
    assert fs.feed(" sparse\\") == " sparse"  # the escape is held until it is complete
    assert fs.feed("nsolutions?\\u00") == "\nsolutions?"
    assert fs.feed('e9", "targets": []}') == "\u00e9"
    assert fs.complete and fs.value == "Why does L1 give sparse\nsolutions?\u00e9"


def test_surrogate_pair_split_between_chunks():
    fs = FieldStream("question")
    got = fs.feed('{"question": "smile \\ud83d')
    got += fs.feed("\\ud")
    got += fs.feed('e00 done"}')
    assert got == "smile \U0001f600 done"
    lone = '{"question": "a\\ud83d\\n b\\ud83dx\\ud83d"}'
    deltas, _ = _feed_all(lone, list(lone))
    assert "".join(deltas) == json.loads(lone)["question"]


def test_escaped_key_names_and_non_string_values():
    text = '{"ques\\u0074ion": "decoded key"}'
    assert "".join(_feed_all(text, list(text))[0]) == "decoded key"
    for value in ("null", "42", '["a"]', '{"question": "inner"}', "true"):
        deltas, fs = _feed_all("x", ['{"question": ' + value + ', "reason": "r"}'])
        assert deltas == [] and not fs.started


def test_first_occurrence_is_streamed_and_the_rest_ignored():
    text = '{"question": "first", "reason": "r", "question": "second"} trailing "question": "x"'
    deltas, fs = _feed_all(text, list(text))
    assert "".join(deltas) == "first" and fs.complete


def test_random_objects_and_random_chunking_match_json_loads():
    rng = random.Random(7)
    alphabet = list('ab "\\\n\t{}[],:é😀\u2028\x01') + ["\ud800"]

    def rstr():
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))

    def rval(depth=0):
        kind = rng.randint(0, 5 if depth < 3 else 2)
        if kind == 0:
            return rstr()
        if kind == 1:
            return rng.randint(-9, 9)
        if kind == 2:
            return None
        if kind == 3:
            return {rstr(): rval(depth + 1) for _ in range(rng.randint(0, 3))}
        if kind == 4:
            return [rval(depth + 1) for _ in range(rng.randint(0, 3))]
        return {"question": rstr()}  # the same key, nested: must be ignored

    for _ in range(400):
        items = [(rstr(), rval()) for _ in range(rng.randint(0, 4))]
        items.insert(rng.randint(0, len(items)), ("question", rstr()))
        text = json.dumps(dict(items), ensure_ascii=rng.random() < 0.5)
        pieces, pos = [], 0
        while pos < len(text):
            step = rng.randint(1, 5)
            pieces.append(text[pos : pos + step])
            pos += step
        deltas, fs = _feed_all(text, pieces)
        assert "".join(deltas) == json.loads(text)["question"], text
