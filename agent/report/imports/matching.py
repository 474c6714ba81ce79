"""Matching imported questions to the bank: by id, by a given reference answer (a derived rubric),
by the closest bank question, as a follow-up of the question before, or to nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.errors import UsageError
from agent.report.imports.closest import QuestionIndex
from agent.report.imports.model import ImportedTranscript, TranscriptError

if TYPE_CHECKING:
    from agent.bank.loader import Bank
    from agent.bank.models import Rubric

FOLLOW_UP_THRESHOLD = 0.3
"""Similarity to the previous rubric's probes or key points that makes a question a follow-up."""


@dataclass
class Match:
    question_id: str
    rubric: Rubric | None
    by: str
    """id, closest, follow_up, reference or none."""
    similarity: float | None = None
    follow_up: bool = False
    derived: bool = False


def _slug(text: str, n: int) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:6]
    return "-".join(["imported", str(n), *words])[:60].rstrip("-")


def match_turns(transcript: ImportedTranscript, bank: Bank) -> list[Match]:
    """Match every turn to a rubric: by id, by a given reference answer (derived rubric), by the
    closest bank question, as a follow-up of the question before it, or to nothing."""
    from agent.bank.derive import DeriveError, derive_rubric
    from agent.text import content_stems, set_cosine

    index = QuestionIndex(bank)
    matches: list[Match] = []
    seen: dict[str, Match] = {}
    for n, turn in enumerate(transcript.turns, 1):
        prev = matches[-1] if matches else None
        m: Match | None = None
        if turn.question_id and turn.reference is None:
            if turn.question_id not in bank.rubrics:
                try:
                    bank.rubric(turn.question_id)
                except UsageError as exc:
                    raise TranscriptError(transcript.path, turn.line, str(exc)) from None
            m = Match(turn.question_id, bank.rubrics[turn.question_id], "id")
        elif turn.reference is not None and not (turn.follow_up and prev):
            qid = turn.question_id or _slug(turn.question, n)
            try:
                rubric = derive_rubric(
                    qid, turn.question, turn.reference, topic=turn.topic or "custom"
                )
            except (DeriveError, ValueError) as exc:
                raise TranscriptError(
                    transcript.path, turn.line, f"cannot use the reference answer: {exc}"
                ) from None
            m = Match(qid, rubric, "reference", derived=True)
        elif turn.follow_up and prev is not None:
            m = Match(prev.question_id, prev.rubric, "follow_up", follow_up=True)
        else:
            found = index.closest(turn.question)
            if found is not None:
                m = Match(found[0].id, found[0], "closest", similarity=found[1])
            elif prev is not None and prev.rubric is not None:
                rubric = prev.rubric
                stems = content_stems(turn.question)
                texts = [p.question for p in rubric.probes] + [k.text for k in rubric.key_points]
                best = max((set_cosine(stems, content_stems(t)) for t in texts), default=0.0)
                if best >= FOLLOW_UP_THRESHOLD:
                    m = Match(prev.question_id, rubric, "follow_up", round(best, 4), follow_up=True)
            if m is None:
                m = Match(_slug(turn.question, n), None, "none")
        if not m.follow_up and m.question_id in seen:
            # asked again later in the transcript: one question, graded on everything said
            m = Match(
                m.question_id, seen[m.question_id].rubric, m.by, m.similarity, True, m.derived
            )
        seen.setdefault(m.question_id, m)
        matches.append(m)
    return matches
