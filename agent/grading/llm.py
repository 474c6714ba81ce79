"""The LLM grader: per-criterion scores from a model, quotes checked.

The rubric and the answer go to a model through the one LLM client; the model's per-criterion
scores come back as structured output and every quote is checked.

Policy (what the issue calls "never credited"):
* The model never gives an overall score; `overall` is the weighted mean of criterion scores.
* A criterion scored above 0 whose quotes are all missing from the answer is marked
  `supported=False` and scored 0 (not the offline score: an unbacked claim earns nothing, and
  mixing graders inside one grade would make the rationale misleading).
* A key point claimed covered without a verified quote is not covered; a misconception claimed
  without a verified quote is not detected.
* Answers the offline pre-check finds empty, off topic or not an answer are not sent; their
  offline grade (0) is returned with a note.
* Text aimed at the grader (found by the offline pre-check) caps every criterion at 1, as offline.
* On a provider failure the offline grade is returned with `fallback` naming the failure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from agent.bank.models import Rubric
from agent.errors import ProviderError
from agent.grading.evidence import neutralize_delimiters, verify_quotes
from agent.grading.models import (
    CriterionScore,
    Grade,
    KeyPointResult,
    MisconceptionResult,
    Verdict,
)
from agent.grading.offline import grade_offline, injection_spans

if TYPE_CHECKING:
    from agent.llm.client import LLMClient

SYSTEM_PROMPT = "grader_system"
USER_PROMPT = "grader_user"


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


# Bounded so a schema-constrained server cannot ramble for minutes inside one string.
Quote = Annotated[str, StringConstraints(max_length=400)]
Quotes = Annotated[list[Quote], Field(default_factory=list, max_length=4)]
Rationale = Annotated[str, StringConstraints(max_length=600)]
MAX_TOKENS = 1500
"""Output budget for one grading call (a full grade is a few hundred tokens)."""


class LLMCriterion(_Out):
    """Rationale and evidence come before the score, so the model reasons before it scores."""

    id: str
    rationale: Rationale = ""
    evidence: Quotes
    score: int = Field(ge=0, le=4)


def _legacy_flag(data: object, flag: str) -> object:
    """Accept the older {"covered"/"detected": bool} shape some models still answer with."""
    if isinstance(data, dict) and "judgement" not in data and flag in data:
        data = dict(data)
        data["judgement"] = "entails" if data.pop(flag) else "neither"
    return data


class _Judged(_Out):
    id: str
    evidence: Quotes
    judgement: Verdict = "neither"
    legacy_flag: ClassVar[str] = "covered"
    """The boolean an older reply may carry instead of `judgement`."""

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: object) -> object:
        return _legacy_flag(data, cls.legacy_flag)


class LLMKeyPoint(_Judged):
    """The judge stage's contract: does the answer state the point, or assert its opposite?"""


class LLMMisconception(_Judged):
    """'entails' when the answer asserts the wrong claim."""

    legacy_flag: ClassVar[str] = "detected"


def _inline_refs(schema: dict) -> dict:
    """The schema with every local $ref replaced by its definition (no $defs): simpler for
    servers that turn schemas into grammars (llama.cpp) and for small models reading it."""
    defs = schema.get("$defs", {})

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                target = dict(defs[ref.split("/")[-1]])
                target.update({k: v for k, v in node.items() if k != "$ref"})
                return walk(target)
            return {k: walk(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


# What the model returns. Deliberately no overall score: that is computed from the criteria.
class LLMGradeOutput(_Out):
    criteria: list[LLMCriterion]
    key_points: list[LLMKeyPoint] = Field(default_factory=list)
    misconceptions: list[LLMMisconception] = Field(default_factory=list)

    @classmethod
    def model_json_schema(cls, *args, **kwargs):  # type: ignore[override]
        return _inline_refs(super().model_json_schema(*args, **kwargs))


def output_model(rubric: Rubric) -> type[LLMGradeOutput]:
    """LLMGradeOutput whose ids are restricted to this rubric's ids (an enum in the JSON schema,
    so a schema-constrained server cannot invent ids)."""
    from typing import Literal

    from pydantic import create_model

    crit_ids = tuple(c.id for c in rubric.criteria) or ("reference",)
    kp_ids = tuple(k.id for k in rubric.key_points)
    mc_ids = tuple(m.id for m in rubric.misconceptions)
    key = (crit_ids, kp_ids, mc_ids)
    cached = _MODELS.get(key)
    if cached is not None:
        return cached
    crit = create_model("Criterion", __base__=LLMCriterion, id=(Literal[crit_ids], ...))  # type: ignore[valid-type, arg-type]
    fields: dict = {"criteria": (list[crit], ...)}  # type: ignore[valid-type]
    if kp_ids:
        kp = create_model("KeyPoint", __base__=LLMKeyPoint, id=(Literal[kp_ids], ...))  # type: ignore[valid-type, arg-type]
        fields["key_points"] = (list[kp], Field(default_factory=list))  # type: ignore[valid-type]
    if mc_ids:
        mc = create_model("Misconception", __base__=LLMMisconception, id=(Literal[mc_ids], ...))  # type: ignore[valid-type, arg-type]
        fields["misconceptions"] = (list[mc], Field(default_factory=list))  # type: ignore[valid-type]
    model = create_model("GradeOutput", __base__=LLMGradeOutput, **fields)
    if len(_MODELS) > 128:
        _MODELS.clear()
    _MODELS[key] = model
    return model


_MODELS: dict[tuple, type[LLMGradeOutput]] = {}


def prompt_version() -> str:
    from agent.prompts import load_prompt

    return f"{load_prompt(SYSTEM_PROMPT).version}-{load_prompt(USER_PROMPT).version}"


def build_messages(rubric: Rubric, answer: str) -> list[dict[str, str]]:
    """The system and user messages for one answer (the answer delimited and neutralised)."""
    from agent.prompts import load_prompt

    if rubric.criteria:
        criteria = "\n".join(
            f"- {c.id} (weight {c.weight:g}): {c.name}\n"
            + "\n".join(f"    {lvl}: {c.levels.for_score(lvl)}" for lvl in range(5))
            for c in rubric.criteria
        )
    else:
        criteria = (
            "- reference (weight 1): agreement with the reference answer\n"
            "    0: nothing of the reference\n    1: a fragment\n    2: about half\n"
            "    3: most of it\n    4: all of it, correctly"
        )
    key_points = (
        "\n".join(f"- {k.id} ({k.criterion}): {k.text}" for k in rubric.key_points) or "(none)"
    )
    misconceptions = (
        "\n".join(f"- {m.id} ({m.criterion}): {m.claim}" for m in rubric.misconceptions) or "(none)"
    )
    reference = rubric.reference.standard
    system = load_prompt(SYSTEM_PROMPT).render()
    user = load_prompt(USER_PROMPT).render(
        question=rubric.question,
        criteria=criteria,
        key_points=key_points,
        misconceptions=misconceptions,
        reference=reference,
        answer=neutralize_delimiters(answer),
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


SAMPLE_TEMPERATURE = 0.5
"""With grader_samples > 1 the gradings must differ to be worth a median: sampled, not greedy."""


def grade_llm(
    rubric: Rubric,
    answer: str,
    client: LLMClient,
    *,
    max_tokens: int = MAX_TOKENS,
    samples: int = 1,
) -> Grade:
    """Grade with the model behind `client` (`samples` times, median per criterion), then
    cross-check against the offline judgement; the offline grade (marked) when the model fails."""
    from agent.grading.crosscheck import combine_samples, cross_check

    answer = answer or ""
    offline = grade_offline(rubric, answer)
    if offline.status != "graded":
        offline.notes.append("the LLM grader was not called: the answer has nothing to grade")
        return offline
    grades: list[Grade] = []
    messages = build_messages(rubric, answer)
    temperature = 0.0 if samples <= 1 else SAMPLE_TEMPERATURE
    for _ in range(max(1, samples)):
        try:
            out = client.structured(
                messages, output_model(rubric), temperature=temperature, max_tokens=max_tokens
            )
        except ProviderError as exc:
            if not grades:
                offline.fallback = f"LLM grader unavailable, offline grade used: {exc}"
                return offline
            break  # keep the gradings already made
        grades.append(
            apply_output(rubric, answer, out, model=client.provider.model, version=prompt_version())
        )
    grade = combine_samples(rubric, grades)
    if len(grades) < samples:
        grade.notes.append(f"{len(grades)} of {samples} gradings succeeded; medians over those")
    return cross_check(grade, offline)


def _checked(answer: str, said: _Judged | None) -> tuple[Verdict, list[str], int, float]:
    """(verdict, verified quotes, quotes dropped, confidence) of one judged item: a verdict other
    than 'neither' stands only with a quote that is really in the answer."""
    if said is None:
        return "neither", [], 0, 0.0
    kept, dropped = verify_quotes(answer, said.evidence)
    return (said.judgement if kept else "neither"), kept, len(dropped), 1.0


def apply_output(
    rubric: Rubric, answer: str, out: LLMGradeOutput, *, model: str | None, version: str | None
) -> Grade:
    """Turn the model's output into a Grade: verify every quote, withdraw unbacked credit,
    compute the overall score."""
    notes: list[str] = []
    capped = bool(injection_spans(answer))
    dropped_total = 0

    by_id = {c.id: c for c in out.criteria}
    crit_defs = [(c.id, c.weight) for c in rubric.criteria] or [("reference", 1.0)]
    criteria: list[CriterionScore] = []
    for cid, _w in crit_defs:
        got = by_id.get(cid)
        if got is None:
            criteria.append(
                CriterionScore(
                    id=cid,
                    score=0,
                    rationale="the grader returned no score for this criterion",
                    supported=False,
                )
            )
            continue
        kept, dropped = verify_quotes(answer, got.evidence)
        dropped_total += len(dropped)
        score = got.score
        supported = True
        rationale = got.rationale.strip()
        if score > 0 and not kept:
            supported = False
            score = 0
            rationale = (rationale + " " if rationale else "") + (
                "[unsupported: none of the quoted evidence appears in the answer; no credit]"
            )
        if capped and score > 1:
            score = 1
            rationale += " [capped at 1: the answer addresses the grader]"
        criteria.append(
            CriterionScore(
                id=cid, score=score, rationale=rationale, evidence=kept, supported=supported
            )
        )

    kp_out = {k.id: k for k in out.key_points}
    key_points = []
    for kp in rubric.key_points:
        verdict, kept, n_dropped, confidence = _checked(answer, kp_out.get(kp.id))
        dropped_total += n_dropped
        key_points.append(
            KeyPointResult(
                id=kp.id,
                covered=verdict == "entails",
                evidence=kept if verdict != "neither" else [],
                judgement=verdict,
                confidence=confidence,
            )
        )

    mc_out = {m.id: m for m in out.misconceptions}
    misconceptions = []
    for mc in rubric.misconceptions:
        verdict, kept, n_dropped, confidence = _checked(answer, mc_out.get(mc.id))
        dropped_total += n_dropped
        detected = verdict == "entails"  # saying the opposite of a wrong claim is no error
        misconceptions.append(
            MisconceptionResult(
                id=mc.id,
                detected=detected,
                evidence=kept if detected else [],
                judgement="entails" if detected else "neither",
                confidence=confidence,
            )
        )

    if dropped_total:
        notes.append(
            f"{dropped_total} quote(s) from the grader were not in the answer and were dropped"
        )
    if capped:
        notes.append("text addressed to the grader was found; scores are capped at 1")
    unsupported = [c.id for c in criteria if not c.supported]
    if unsupported:
        notes.append("credit withheld (no verified evidence): " + ", ".join(unsupported))

    total_w = sum(w for _, w in crit_defs) or 1.0
    overall = sum(w * c.score for (_, w), c in zip(crit_defs, criteria, strict=True)) / total_w
    return Grade(
        question_id=rubric.id,
        overall=round(max(0.0, min(4.0, overall)), 2),
        criteria=criteria,
        key_points=key_points,
        misconceptions=misconceptions,
        grader="llm",
        model=model,
        prompt_version=version,
        notes=notes,
    )
