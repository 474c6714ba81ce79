"""The LLM grader's judge contract (entails / contradicts / neither), `grader_samples` medians,
and the cross-check against the offline judgement, over a scriptable local endpoint."""

from __future__ import annotations

import json

import pytest
from test_grading_llm import ANSWER, llm_grader

from agent.bank.loader import load_bank
from agent.grading.offline import grade_offline


@pytest.fixture(scope="module")
def gd():
    return load_bank().rubric("gradient-descent")


def output(gd, score: int, quote: str, *, judgement: str = "entails") -> str:
    return json.dumps(
        {
            "criteria": [
                {"id": c.id, "rationale": "r", "evidence": [quote], "score": score}
                for c in gd.criteria
            ],
            "key_points": [
                {"id": k.id, "evidence": [quote], "judgement": judgement} for k in gd.key_points
            ],
            "misconceptions": [
                {"id": m.id, "evidence": [], "judgement": "neither"} for m in gd.misconceptions
            ],
        }
    )


def test_schema_asks_for_the_rationale_before_the_score(fake_llm, gd):
    fake_llm.push({"content": output(gd, 2, "scaled by the learning rate")})
    llm_grader(fake_llm.base_url, structured_mode="json_schema").grade(gd, ANSWER)
    (request,) = fake_llm.chat_requests()
    schema = json.dumps(request["response_format"])
    assert schema.index('"rationale"') < schema.index('"score"')
    assert '"judgement"' in schema and "contradicts" in schema


def test_a_contradicted_key_point_keeps_its_quote_and_is_not_covered(fake_llm, gd):
    fake_llm.push(
        {"content": output(gd, 1, "scaled by the learning rate", judgement="contradicts")}
    )
    grade = llm_grader(fake_llm.base_url).grade(gd, ANSWER)
    for k in grade.key_points:
        assert k.judgement == "contradicts" and not k.covered
        assert k.evidence == ["scaled by the learning rate"]


def test_samples_take_the_median_per_criterion(fake_llm, gd):
    quote = "scaled by the learning rate"
    fake_llm.push(
        {"content": output(gd, 1, quote)},
        {"content": output(gd, 4, quote)},
        {"content": output(gd, 2, quote, judgement="neither")},
    )
    grader = llm_grader(fake_llm.base_url)
    grader.samples = 3
    grade = grader.grade(gd, ANSWER)
    requests = fake_llm.chat_requests()
    assert len(requests) == 3 and all(r["temperature"] > 0 for r in requests)
    assert grade.samples == 3
    assert all(c.score == 2 for c in grade.criteria)
    assert grade.overall == 2
    # two of three gradings said every key point is stated
    assert all(k.covered and k.confidence == pytest.approx(0.67) for k in grade.key_points)


def test_grader_samples_setting_reaches_the_grader(fake_llm):
    from agent.config import load_settings
    from agent.grading.service import make_grader

    settings = load_settings(provider="custom", base_url=fake_llm.base_url, model="m")
    assert make_grader(settings.model_copy(update={"grader_samples": 3})).samples == 3


def test_a_large_difference_from_the_offline_judgement_is_reported(fake_llm, gd):
    offline = grade_offline(gd, ANSWER)
    fake_llm.push({"content": output(gd, 4, "scaled by the learning rate")})
    grade = llm_grader(fake_llm.base_url).grade(gd, ANSWER)
    off = {c.id: c for c in offline.criteria}
    expected = {c.id for c in grade.criteria if abs(c.score - off[c.id].score) >= 1.5}
    assert expected, "the answer is partial offline; an all-4 LLM grade must differ somewhere"
    assert {d.criterion for d in grade.disagreement} == expected
    for d in grade.disagreement:
        assert d.llm_score == 4 and d.offline_score == off[d.criterion].score
        assert d.llm_evidence == ["scaled by the learning rate"]
        assert d.offline_evidence == off[d.criterion].evidence
    assert any("offline judgement differs" in n for n in grade.notes)


def test_agreeing_grades_carry_no_disagreement(fake_llm, gd):
    offline = {c.id: c.score for c in grade_offline(gd, ANSWER).criteria}
    body = json.loads(output(gd, 0, "scaled by the learning rate"))
    for c in body["criteria"]:
        c["score"] = offline[c["id"]]
    fake_llm.push({"content": json.dumps(body)})
    grade = llm_grader(fake_llm.base_url).grade(gd, ANSWER)
    assert {c.id: c.score for c in grade.criteria} == offline
    assert grade.disagreement == []
