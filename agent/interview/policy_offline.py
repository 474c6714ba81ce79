"""The offline interviewer policy: which authored probe to ask next, or move on. Deterministic.

Given the offline grade of everything the candidate has said on a question, it picks an authored
probe that targets a key point the answer MISSED or a misconception it STATED:

1. a probe targeting a detected misconception comes first (whatever its depth);
2. otherwise probes targeting missed key points, shallowest depth first, authored order within a
   depth; a probe of depth d is only asked after one of depth d-1 was asked on this question
   (the seed chain: explain GD -> any global-optimum guarantee? -> which loss surfaces?), or
   once nothing is left to ask at the shallower level (the answer covers what it targets, or
   its probes would ask again for something already stated); a probe one level
   deeper on the same criterion as the probe just asked goes first, so a line of questioning is
   followed through before another starts;
3. a probe already asked, or whose text was already asked anywhere in the session, is never
   asked again, and neither is a probe that also targets a key point the answer already states,
   nor one whose main ask (its first target) an earlier probe on this question already put to
   the candidate (they had their chance at it; asking again in other words is not listening);
4. nothing left to probe (everything covered, or no probe for what is missing): move on.

A follow-up opens with a short bridge quoting what the candidate said (`bridge.py`), so it is
grounded in their answer rather than asked out of the blue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from agent.bank.models import Probe, Rubric
from agent.interview.bridge import Said, bridged

Action = Literal["follow_up", "next", "wrap_up"]


@dataclass(frozen=True)
class Choice:
    action: Action
    question: str = ""
    targets: list[str] = field(default_factory=list)
    reason: str = ""
    probe_id: str | None = None
    policy: str = "offline"


def choose(
    rubric: Rubric,
    *,
    missed: list[str],
    detected: list[str],
    probes_asked: list[str],
    was_asked=lambda text: False,
    follow_ups_left: int = 1,
    said: Sequence[Said] = (),
    said_before: Sequence[str] = (),
) -> Choice:
    """The next step for one question. `missed` / `detected` come from the offline grade;
    `said` and `said_before` open a follow-up with a quote (see bridge.bridged)."""
    if follow_ups_left <= 0:
        return Choice("next", reason="follow-up limit reached")
    if not missed and not detected:
        return Choice("next", reason="all key points covered")
    asked = set(probes_asked)
    depth_asked = {p.depth for p in rubric.probes if p.id in asked}
    depths = sorted({p.depth for p in rubric.probes})

    def open_(p: Probe) -> bool:
        return p.id not in asked and not was_asked(p.question)

    def unlocked(p: Probe) -> bool:
        # The level just above must be done: a probe there was asked, or none is left to ask
        # there (the answer covers what that level targets, or its probes would ask again).
        shallower = [d for d in depths if d < p.depth]
        if not shallower:
            return True
        level = max(shallower)
        if level in depth_asked:
            return True
        return not any(askable(q) for q in rubric.probes if q.depth == level)

    detected_set, missed_set = set(detected), set(missed)

    probed = {t for q in rubric.probes if q.id in asked for t in q.targets}

    def asks_again(p: Probe) -> bool:
        # a probe that also asks for a key point the candidate already stated asks again, and so
        # does one whose main ask (its first target) an earlier probe on this question asked for
        stated = any(rubric.key_point(t) is not None and t not in missed_set for t in p.targets)
        return stated or bool(p.targets and p.targets[0] in probed)

    def askable(p: Probe) -> bool:
        return open_(p) and bool(set(p.targets) & missed_set) and not asks_again(p)

    for p in rubric.probes:
        hit = [t for t in p.targets if t in detected_set]
        if hit and open_(p):
            return Choice(
                "follow_up",
                bridged(p, rubric, said, said_before=said_before),
                hit + [t for t in p.targets if t in missed_set],
                f"probe misconception {', '.join(hit)}",
                p.id,
            )

    candidates = [p for p in rubric.probes if askable(p) and unlocked(p)]
    if candidates:
        best = min(
            candidates,
            key=lambda p: (
                not _continues(rubric, p, probes_asked),
                p.depth,
                rubric.probes.index(p),
            ),
        )
        hit = [t for t in best.targets if t in missed_set]
        return Choice(
            "follow_up",
            bridged(best, rubric, said, said_before=said_before),
            hit,
            f"probe missed {', '.join(hit)}",
            best.id,
        )
    if detected:
        return Choice("next", reason="no probe left for the misconception stated")
    return Choice("next", reason="no probe left for the missed points")


def _criteria(rubric: Rubric, probe: Probe) -> set[str]:
    out = set()
    for t in probe.targets:
        item = rubric.key_point(t) or rubric.misconception(t)
        if item is not None:
            out.add(item.criterion)
    return out


def _continues(rubric: Rubric, probe: Probe, probes_asked: list[str]) -> bool:
    """True when `probe` digs one level deeper into what the last probe asked about."""
    if not probes_asked:
        return False
    last = next((p for p in rubric.probes if p.id == probes_asked[-1]), None)
    return (
        last is not None
        and probe.depth == last.depth + 1
        and bool(_criteria(rubric, probe) & _criteria(rubric, last))
    )
