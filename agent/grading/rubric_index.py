"""A rubric compiled once for the offline grader: its cues as stem sequences, the words of each
key point, misconception and criterion, the question's topic words, and the reference's words.
Cached per rubric object."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.bank.models import Rubric
from agent.grading import text as tx
from agent.grading.cues import Cue, compile_cue
from agent.grading.vocab import EVALUATIVE, GENERIC, LIGHT_VERBS, META


@dataclass
class RubricIndex:
    topic: set[str]
    """Content stems of the question and the rubric's tags: what the question is about."""
    crit_vocab: dict[str, set[str]]
    level_cues: dict[str, list[tuple[int, Cue]]]
    """criterion id -> (level, cue) for phrases quoted in its level 1-2 descriptions."""
    kp_cues: dict[str, list[Cue]]
    kp_text: dict[str, set[str]]
    mc_cues: dict[str, list[Cue]]
    mc_claim: dict[str, list[set[str]]]
    vocabulary: set[str]
    question: set[str]
    reference: dict[str, float]


_CACHE: dict[int, tuple[Rubric, RubricIndex]] = {}


def _content(text: str) -> list[str]:
    return [s for s in tx.content_stems(text) if s not in GENERIC]


_CLAIM_SPLIT = re.compile(r"[,;:]|\b(?:so|because|since|which|and so|therefore|hence)\b", re.I)


def _claim_parts(claim: str) -> list[set[str]]:
    """Content-word sets of a misconception's claim and of each of its clauses ('X, so Y': saying
    X is already the claim). Parts with fewer than 3 content words are too weak to use."""
    parts = [set(_content(claim))] + [set(_content(p)) for p in _CLAIM_SPLIT.split(claim)]
    out: list[set[str]] = []
    for p in parts:
        if len(p) >= 3 and p not in out:
            out.append(p)
    return out


_QUOTED = re.compile(
    r"(?<![A-Za-z])'([^']{3,80})'(?![A-Za-z])|\"([^\"]{3,80})\"|\u2018([^\u2019]{3,80})\u2019|\u201c([^\u201d]{3,80})\u201d"
)


def _quoted(text: str) -> list[str]:
    """Phrases a level description quotes ('Says "more threads is faster" with no mechanism')."""
    return [next(g for g in m.groups() if g) for m in _QUOTED.finditer(text or "")]


def compile_rubric(rubric: Rubric) -> RubricIndex:
    hit = _CACHE.get(id(rubric))
    if hit is not None and hit[0] is rubric:
        return hit[1]
    question = set(_content(rubric.question))
    kp_cues = {kp.id: [c for c in map(compile_cue, kp.cues) if c] for kp in rubric.key_points}
    kp_text = {kp.id: set(_content(kp.text)) - question for kp in rubric.key_points}
    mc_cues = {m.id: [c for c in map(compile_cue, m.cues) if c] for m in rubric.misconceptions}
    mc_claim = {m.id: _claim_parts(m.claim) for m in rubric.misconceptions}
    vocab: set[str] = set(question)
    for cues in list(kp_cues.values()) + list(mc_cues.values()):
        for c in cues:
            vocab.update(c.alternatives[0])
    for kp_stems in kp_text.values():
        vocab.update(kp_stems)
    ref_text = " ".join(x for x in (rubric.reference.short, rubric.reference.standard) if x)
    ref_counts: dict[str, float] = {}
    for stem in _content(ref_text):
        if stem in question or stem == "not" or len(stem) < 2:
            continue
        ref_counts[stem] = 1.0
    vocab.update(_content(rubric.reference.deep or ""))
    vocab.update(ref_counts)
    crit_vocab: dict[str, set[str]] = {}
    for crit in rubric.criteria:
        words: set[str] = set()
        for kp in rubric.key_points:
            if kp.criterion == crit.id:
                words |= kp_text[kp.id]
                for c in kp_cues[kp.id]:
                    words.update(c.alternatives[0])
        for level in (1, 2, 3, 4):
            words.update(_content(crit.levels.for_score(level)))
        crit_vocab[crit.id] = {
            w for w in words - question - META - GENERIC - EVALUATIVE if len(w) >= 3 and w.isalpha()
        }
    level_cues: dict[str, list[tuple[int, Cue]]] = {}
    for crit in rubric.criteria:
        for level in (1, 2):
            for phrase in _quoted(crit.levels.for_score(level)):
                cue = compile_cue(phrase)
                if cue is None:
                    continue
                core = [w for w in cue.alternatives[0] if w not in GENERIC and w != "not"]
                if len(core) >= 2 and not all(w in EVALUATIVE for w in core) and not cue.negative:
                    level_cues.setdefault(crit.id, []).append((level, cue))
    topic = {
        w
        for w in question | set(_content(" ".join(rubric.tags)))
        if len(w) >= 3 and w.isalpha() and w not in EVALUATIVE | META | LIGHT_VERBS
    }
    compiled = RubricIndex(
        topic,
        crit_vocab,
        level_cues,
        kp_cues,
        kp_text,
        mc_cues,
        mc_claim,
        vocab,
        question,
        ref_counts,
    )
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[id(rubric)] = (rubric, compiled)
    return compiled
