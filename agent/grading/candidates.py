"""Stage 2 of the offline grader: candidate evidence for each target.

A target is what the answer may state: a key point (its text, split into its separate claims
at ';') or a misconception's claim. A window is a stretch of the answer that may state it: one
passage, or two neighbouring passages read together (an explanation often runs across a
sentence break). Windows are ranked per target by meaning (sentence-embedding cosine, when the
embedding model is installed) and by authored cues found in them (fast lexical evidence); only
the best few go to the judge, which keeps the judge's cost per answer bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from agent.bank.models import Rubric
from agent.grading.analyze import AnalyzedAnswer
from agent.grading.cues import Cue, match_at
from agent.grading.rubric_index import compile_rubric

MAX_WINDOWS = 3
MAX_PAIRED_PASSAGES = 6
"""Neighbouring passages are also read together only in answers up to this many sentences."""
"""Windows per target claim sent to the judge."""
CREDIT_NEG_REACH = 4
"""A cue counts as negated only when a negation sits at most this many words before it."""


@dataclass(frozen=True)
class Target:
    id: str
    kind: Literal["key_point", "misconception"]
    criterion: str
    claims: tuple[str, ...]
    """The sentences the answer must state (a key point's separate claims, or one claim)."""


@dataclass(frozen=True)
class Window:
    passages: tuple[int, ...]
    text: str
    """What the judge reads (fillers dropped)."""
    quality: float
    denies: bool
    """A passage in it rejects what it reports ('it's a myth that ...')."""


@dataclass(frozen=True)
class CueHit:
    passage: int
    negated: bool


@dataclass(frozen=True)
class Candidates:
    """For each target, the windows worth judging for each of its claims."""

    target: Target
    windows: tuple[tuple[Window, ...], ...]
    """One tuple of windows per claim, best first."""
    cue_hits: tuple[CueHit, ...]
    similarity: tuple[float, ...]
    """Best embedding cosine per claim (0 when the embedding model is absent)."""


_CLAIM_SPLIT = re.compile(r";\s+")


def targets(rubric: Rubric) -> list[Target]:
    out = [
        Target(
            k.id,
            "key_point",
            k.criterion,
            tuple(p.strip() for p in _CLAIM_SPLIT.split(k.text) if len(p.split()) >= 3)
            or (k.text,),
        )
        for k in rubric.key_points
    ]
    out += [Target(m.id, "misconception", m.criterion, (m.claim,)) for m in rubric.misconceptions]
    return out


def windows(answer: AnalyzedAnswer) -> list[Window]:
    ps = answer.passages
    out = [Window((p.index,), p.plain, p.quality, p.denies) for p in ps]
    if len(ps) > MAX_PAIRED_PASSAGES:
        return out  # long answers: sentences alone (the encoder's cost grows with every window)
    for a, b in zip(ps, ps[1:], strict=False):
        out.append(
            Window(
                (a.index, b.index),
                f"{a.plain} {b.plain}",
                min(a.quality, b.quality),
                a.denies or b.denies,
            )
        )
    return out


def cue_hits(answer: AnalyzedAnswer, cues: list[Cue], *, claim: bool) -> tuple[CueHit, ...]:
    """Passages where one of the cues appears; for a claim (misconception) the whole negation
    scope counts, for a key point only a negation close before the cue."""
    hits: list[CueHit] = []
    near = None if claim else CREDIT_NEG_REACH
    for i, sent in enumerate(answer.lexical):
        found = [m for c in cues if (m := match_at(c, sent, near=near)) is not None]
        if found:
            hits.append(CueHit(i, negated=all(m[1] for m in found)))
    return tuple(hits)


def find_candidates(rubric: Rubric, answer: AnalyzedAnswer, embed=None) -> list[Candidates]:
    """Candidates for every target. `embed(texts) -> unit vectors` (or None: cues and order)."""
    index = compile_rubric(rubric)
    wins = windows(answer)
    tgts = targets(rubric)
    sims = None
    if embed is not None and wins:
        claims = [c for t in tgts for c in t.claims]
        vecs = embed([w.text for w in wins] + claims)
        sims = vecs[len(wins) :] @ vecs[: len(wins)].T  # claims x windows
    out: list[Candidates] = []
    row = 0
    for t in tgts:
        cues = index.kp_cues[t.id] if t.kind == "key_point" else index.mc_cues[t.id]
        hits = cue_hits(answer, cues, claim=t.kind == "misconception")
        hit_passages = {h.passage for h in hits}
        per_claim: list[tuple[Window, ...]] = []
        best: list[float] = []
        for _claim in t.claims:
            if sims is None:
                ranked = sorted(
                    range(len(wins)),
                    key=lambda k: (not (set(wins[k].passages) & hit_passages), k),
                )
                best.append(0.0)
            else:
                s = sims[row]
                ranked = sorted(
                    range(len(wins)),
                    key=lambda k: -(s[k] + (0.15 if set(wins[k].passages) & hit_passages else 0)),
                )
                best.append(float(max(s)) if len(s) else 0.0)
            row += 1
            per_claim.append(tuple(wins[k] for k in ranked[:MAX_WINDOWS]))
        out.append(Candidates(t, tuple(per_claim), hits, tuple(best)))
    return out
