"""Which bank question an imported question asks, when the transcript does not say.

An interviewer words a question their own way ("So your run dies with an OOM the moment you
bump the batch, what do you try?"), and often asks only part of it. So each bank question is
known by everything it asks about: its text, its follow-up probes and its key points. The
question is compared with each of those by meaning (the grader's all-MiniLM-L6-v2, when it is
installed) and by the content words they share, weighted 2:1 (0-1); the best text stands for
its rubric. A terse question the meaning model reads too little of ("Explain self-attention.")
is then matched by name: the content words of a bank question's text and id, each weighted by
how rare it is among the names, so that 'time' and 'happen' alone do not make "What happens to
dropout at inference time?" the behavioral "Tell me about a time you failed". With no meaning
model, by name and then by the words of any of its texts. `bench/import_matching.py` measures
it on questions written blind.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.bank.loader import Bank
    from agent.bank.models import Rubric

MATCH_THRESHOLD = 0.46
"""The similarity a question needs to be graded against a bank rubric, set on the 176 questions
of `tests/data/import_matching_dev.jsonl` and `import_matching_sealed.jsonl` (the second after
its one sealed run): at 0.41, 18% of the questions the bank does not cover matched something;
at 0.46, 9%, with 74% of reworded bank questions found instead of 83%."""
WORDS_WEIGHT = 0.5
"""The weight of the share of content words, against 1 for the meaning."""
WORDS_THRESHOLD = 0.35
"""The share of content words (cosine of their stem sets) a question needs to be a bank
question by name, or, with no meaning model, by any of its texts (then sharing at least two)."""


def asked_texts(rubric: Rubric) -> list[str]:
    """Everything a bank question asks about: its text, its probes and its key points."""
    return [
        rubric.question,
        *(p.question for p in rubric.probes),
        *(k.text for k in rubric.key_points),
    ]


class QuestionIndex:
    """The bank's questions, ready to compare imported questions with (built once per import;
    the texts are encoded on the first question)."""

    def __init__(self, bank: Bank):
        from agent.text import content_stems

        self.rubrics = list(bank.rubrics.values())
        self._texts = [asked_texts(r) for r in self.rubrics]
        self._stems = [[content_stems(t) for t in texts] for texts in self._texts]
        self._names = [
            content_stems(f"{r.question} {r.id.replace('-', ' ')}") for r in self.rubrics
        ]
        named = Counter(stem for name in self._names for stem in name)
        self._rarity = {
            s: math.log((len(self.rubrics) + 1) / (n + 1)) + 1 for s, n in named.items()
        }
        self._rarest = math.log(len(self.rubrics) + 1) + 1
        """A word in no name weighs most: the question is about something no name says."""
        self._name_mass = [self._mass(name) for name in self._names]
        self._encoder: Any = None
        self._vectors: list[Any] = []  # per rubric, its texts' sentence embeddings
        self._loaded = False

    def closest(self, question: str) -> tuple[Rubric, float] | None:
        """The bank question `question` asks and the similarity, or None when none is close:
        by meaning, else by name, else (with no meaning model) by the words of any text."""
        from agent.text import content_stems, set_cosine

        if not self.rubrics:
            return None
        stems = content_stems(question)
        meaning = self._meaning(question)
        if meaning is not None:
            words = [max(set_cosine(stems, s) for s in texts) for texts in self._stems]
            blended = [
                (m + WORDS_WEIGHT * w) / (1 + WORDS_WEIGHT)
                for m, w in zip(meaning, words, strict=True)
            ]
            if found := self._best(blended, MATCH_THRESHOLD):
                return found
        if found := self._best(self._by_name(stems), WORDS_THRESHOLD):
            return found
        if meaning is None:
            shared = [max(_shared_words(stems, s) for s in texts) for texts in self._stems]
            return self._best(shared, WORDS_THRESHOLD)
        return None

    def _by_name(self, question: set[str]) -> list[float]:
        """Per rubric, the cosine of the question's content-word stems with its name's, each
        stem weighted by its rarity among the bank's names (squared, as in a tf-idf cosine)."""
        asked = self._mass(question)
        return [
            self._mass(question & name) / math.sqrt(asked * mass) if asked and mass else 0.0
            for name, mass in zip(self._names, self._name_mass, strict=True)
        ]

    def _mass(self, stems: set[str]) -> float:
        return sum(self._rarity.get(s, self._rarest) ** 2 for s in stems)

    def _best(self, scores: list[float], threshold: float) -> tuple[Rubric, float] | None:
        best = max(range(len(scores)), key=scores.__getitem__)
        return (self.rubrics[best], round(scores[best], 4)) if scores[best] >= threshold else None

    @property
    def uses_meaning(self) -> bool:
        """Whether questions are compared by meaning (known once the first one is matched)."""
        return self._encoder is not None

    def _meaning(self, question: str) -> list[float] | None:
        """Per rubric, the best cosine of `question` with its texts; None with no model. The
        bank's texts go through the grader's encoding cache as rubric texts: encoded once per
        process, and shared with the grader that grades the matched answers."""
        from agent.grading.encodings import cache, sentence_vectors

        if not self._loaded:
            from agent.grading.semantic import get_encoder

            self._loaded = True
            self._encoder = get_encoder()
            if self._encoder is not None:
                flat = [t for texts in self._texts for t in texts]
                cache.keep(flat)
                sentence_vectors(self._encoder, flat)  # in one pass, sorted by length
                self._vectors = [sentence_vectors(self._encoder, t) for t in self._texts]
        if self._encoder is None:
            return None
        query = sentence_vectors(self._encoder, [question])[0]
        return [float((vectors @ query).max()) for vectors in self._vectors]


def _shared_words(question: set[str], text: set[str]) -> float:
    """Cosine of the two sets of content-word stems, 0 when they share fewer than two (one
    shared word is no evidence: 'Can you hear me?' is not about speech)."""
    from agent.text import set_cosine

    return set_cosine(question, text) if len(question & text) >= 2 else 0.0
