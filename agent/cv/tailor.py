"""The project deep dive tailored to the candidate's own project: the opening question names it,
and probes built from its bullets (a metric, their own part, a technology choice, scale) come
before the authored ones. Templates are data (`prompts/cv_deep_dive.yaml`).

The resume is data, never instructions: a bullet is quoted only as a short clause without
question marks, quotes or text aimed at the grader or interviewer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from agent.bank.models import Probe, Rubric
from agent.cv.model import Profile, Project

CV_FACTS_MARK = "From the candidate's resume, "
"""Opens the resume facts appended to the reference answer: the grader compares the answer with
them; the interviewer's no-leak guard ignores them (they are the candidate's own words)."""

DEEP_DIVE_TOPIC = "project"

_BASELINE = re.compile(
    r"\breplac\w*\s+(?:an?\s+|the\s+)?(.+?)\s+(?:with|by)\b"
    r"|\binstead of\s+(.+?)(?:[,;.]|$)"
    r"|\b(?:compared|against)\s+(?:to|with)?\s*(.+?)(?:[,;.]|$)"
    r"|\bbaseline\s+(?:was|of|:)\s*(.+?)(?:[,;.]|$)",
    re.I,
)
"""What a bullet says the project replaced or was compared with."""

_RESULT = re.compile(
    r"%|\bfrom\b.+\bto\b|\d\s*x\b|\b(?:improv|reduc|cut|rais|increas|decreas|boost|lower|"
    r"halv|doubl|sav)\w*",
    re.I,
)
"""A bullet that reports a result (a change), preferred over one that states a size."""

_CHANGE = re.compile(r"%|\bfrom\b.*\d.*\bto\b|\d\s*x\b|\d\.\d", re.I)
"""A number that measures a change."""


@lru_cache(maxsize=1)
def templates() -> dict[str, Any]:
    import yaml

    from agent import locations

    path = locations.shipped_prompts_dir() / "cv_deep_dive.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def tailor_rubrics(rubrics: dict[str, Rubric], profile: Profile | None) -> dict[str, Rubric]:
    """`rubrics` with every project deep-dive question asked about the profile's main project."""
    project = profile.main_project() if profile is not None else None
    if project is None:
        return rubrics
    return {
        qid: tailor(r, project) if r.topic == DEEP_DIVE_TOPIC else r for qid, r in rubrics.items()
    }


def tailor(rubric: Rubric, project: Project) -> Rubric:
    t = templates()
    name = _safe(project.name) or "that project"
    role = f", as {_safe(project.role)}" if _safe(project.role) else ""
    known = {k.id for k in rubric.key_points} | {m.id for m in rubric.misconceptions}
    probes: list[Probe] = []
    for spec in t["probes"]:
        fill = _fill(spec["kind"], project)
        if fill is None:
            continue
        targets = [x for x in spec["targets"] if x in known]
        if not targets:
            continue
        question = spec["question"].format(name=name, **fill)
        probes.append(Probe(id=spec["id"], question=question, targets=targets, depth=spec["depth"]))
    covered = {t for p in probes for t in p.targets}
    authored = [
        p for p in rubric.probes if not {t for t in p.targets if rubric.key_point(t)} <= covered
    ]
    bullets = "; ".join(_safe(c, 40) for c in project.claims[:6] if _safe(c, 40))
    reference = rubric.reference.model_copy(
        update={
            "standard": f"{rubric.reference.standard.strip()}\n\n{CV_FACTS_MARK}{name}: {bullets}."
            if bullets
            else rubric.reference.standard
        }
    )
    facts = project_facts(project)
    key_points = [
        kp.model_copy(update={"text": t["key_points"][kp.id].format(**facts)})
        if kp.id in t["key_points"] and _needs(t["key_points"][kp.id]) <= facts.keys()
        else kp
        for kp in rubric.key_points
    ]
    return rubric.model_copy(
        update={
            "question": t["opening"].format(name=name, role=role).strip(),
            "probes": probes + authored,
            "reference": reference,
            "key_points": key_points,
        }
    )


def project_facts(project: Project) -> dict[str, str]:
    """The project's goal, baseline, result and own part, where its bullets say them."""
    facts = {"goal": _safe(project.name)} if _safe(project.name) else {}
    for claim in project.claims:
        m = _BASELINE.search(claim)
        if m and "baseline" not in facts:
            facts["baseline"] = _safe(next(g for g in m.groups() if g), 8)
    for claim in _by_result(project.metrics):
        part = next((p for p in _clauses(claim) if _CHANGE.search(p)), "")
        if _safe(part):
            facts["result"] = _safe(part)
            break
    own = next(
        (p for c in project.claims for p in _clauses(c) if re.search(r"\b(?:I|my)\b", p)), ""
    )
    if _safe(own):
        facts["own"] = _safe(own)
    return {k: v for k, v in facts.items() if v}


def _clauses(claim: str) -> list[str]:
    return [p for p in re.split(r"[;,]\s+", claim) if p.strip()]


def _by_result(metrics: list[str]) -> list[str]:
    """Bullets that report a change first: a percentage or before/after number, then a verb."""
    return sorted(metrics, key=lambda c: (not _CHANGE.search(c), not _RESULT.search(c)))


def _needs(template: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", template))


def _fill(kind: str, project: Project) -> dict[str, str] | None:
    if kind == "metric":
        claim = next((c for c in map(_safe, _by_result(project.metrics)) if c), "")
        return {"claim": claim} if claim else None
    if kind == "technology":
        tech = _choice_to_probe(project)
        return {"tech": tech} if tech else None
    return {}


_REPLACED = re.compile(
    r"\b(?:replac\w*|instead of|rather than|than|over|vs\.?|versus|against|baseline\s+(?:was|of|:)?)"
    r"\s+(?:an?\s+|the\s+|plain\s+)?([\w@.+#-]+(?:[\s-]\w+)?)",
    re.I,
)
"""The words right after 'replacing', 'instead of', 'over' ...: what the project was compared
with, not what it chose."""


def _choice_to_probe(project: Project) -> str:
    """The technology a "why X rather than the alternatives?" probe asks about: not the baseline
    the project replaced, and a method or system before a general framework or language."""
    from agent.cv.extract import GENERAL_TOOLS

    replaced = " ".join(m.group(1).lower() for c in project.claims for m in _REPLACED.finditer(c))
    options = [
        t
        for t in project.technologies
        if _safe(t) and not re.search(r"(?<!\w)" + re.escape(t.lower()) + r"(?!\w)", replaced)
    ]
    options.sort(key=lambda t: t.lower() in GENERAL_TOOLS)
    return _safe(options[0]) if options else ""


def _safe(text: str, max_words: int = 16) -> str:
    """A resume fragment fit to be read out: no instructions, quotes or questions; a clause."""
    from agent.grading.screening import injection_spans

    text = " ".join(text.replace('"', "").split()).strip(" .;,")
    if not text or "?" in text or injection_spans(text) or _addresses_the_interviewer(text):
        return ""
    words = text.split()
    return " ".join(words[:max_words]) + ("..." if len(words) > max_words else "")


def _addresses_the_interviewer(text: str) -> bool:
    low = text.lower()
    return any(
        w in low
        for w in ("ignore previous", "ignore all", "instruction", "system prompt", "you must")
    )
