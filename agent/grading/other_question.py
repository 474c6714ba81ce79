"""Does an answer address a different bank question than the one asked?

A candidate who misheard or misread a question answers a neighbouring one in good faith: asked
for the GPU memory hierarchy, they explain threads, blocks and warps. The offline grader finds
the shared vocabulary and gives partial credit; a real interviewer says so and asks again.

Every bank question is known by its text joined with its short reference answer, and by its key
points. An answer's closeness to a question is the mean of its three best cosines with those
texts (the grader's all-MiniLM-L6-v2). The answer addresses another question when it is far from
the one asked (below OWN_MAX), close to another (at least OTHER_MIN), and closer to it by more
than MARGIN. Open questions (a project deep dive, a behavioral story) can be answered with any
technical content: they are never judged, and never taken for the other question. With no
meaning model installed, nothing is judged. `bench/wrong_question.py` measures it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.bank.models import Rubric

OWN_MAX = 0.35
"""Closeness to the asked question below which an answer may be about another one."""
OTHER_MIN = 0.40
"""Closeness another question needs to be the one answered."""
MARGIN = 0.10
"""How much closer to the other question than to the asked one the answer must be. The three
thresholds were set on the development sets' answers (`bench/wrong_question.py`): none of the
163 answers to the question asked in dev_blind and dev_hard is taken for another question."""
OPEN_TOPICS = frozenset({"project", "behavioral"})
BEST_OF = 3


def known_by(rubric: Rubric) -> list[str]:
    """The texts a bank question is known by: its text with its short reference answer, and its
    key points."""
    head = f"{rubric.question} {rubric.reference.short}".strip()
    return [head, *(k.text for k in rubric.key_points)]


CHUNK = 64
"""Bank texts encoded at a time in the background: between chunks the warm-up stops if the program
is exiting (Python waits for the thread, and onnxruntime aborts the process when the interpreter
is torn down under a thread still inside it). The texts go by length, so a chunk pads little: the
bank's 266 texts take about 2 s here, against 5.7 s in chunks of 32 in bank order."""


class OtherQuestions:
    """The bank's closed questions, ready to compare answers with (`warm()` encodes them in the
    background, so a first answer does not wait)."""

    def __init__(self, rubrics: Iterable[Rubric]):
        self.rubrics = [r for r in rubrics if r.topic not in OPEN_TOPICS]
        self._encoder: Any = None
        self._known: dict[tuple[str, ...], Any] = {}  # texts -> their sentence embeddings
        self._loading = threading.Lock()
        self._loaded = False

    def warm(self) -> threading.Thread:
        # not a daemon: see CHUNK
        thread = threading.Thread(target=self._load, name="viva-other-questions")
        thread.start()
        return thread

    def addressed_instead(self, asked: Rubric, answer: str) -> Rubric | None:
        """The bank question `answer` addresses instead of `asked`, or None (it answers the
        question asked, or addresses nothing in the bank more closely, or `asked` is open)."""
        if asked.topic in OPEN_TOPICS or not answer.strip():
            return None
        self._load()
        if self._encoder is None:
            return None
        from agent.grading.encodings import cache, sentence_vectors

        cache.keep(known_by(asked))  # the bank's are kept: `asked` may be a resume's or custom
        query = sentence_vectors(self._encoder, [answer])[0]
        own = self._closeness(asked, query)
        if own >= OWN_MAX:
            return None
        others = [(self._closeness(r, query), r) for r in self.rubrics if r.id != asked.id]
        if not others:
            return None
        best, rubric = max(others, key=lambda pair: pair[0])
        return rubric if best >= OTHER_MIN and best - own > MARGIN else None

    def _closeness(self, rubric: Rubric, query: Any) -> float:
        import numpy as np

        from agent.grading.encodings import sentence_vectors

        texts = tuple(known_by(rubric))
        if (vectors := self._known.get(texts)) is None:  # stacked once per question's texts
            vectors = self._known[texts] = sentence_vectors(self._encoder, list(texts))
        cosines = np.sort(vectors @ query)[-BEST_OF:]
        return float(cosines.mean())

    def _load(self) -> None:
        with self._loading:
            if self._loaded:
                return
            from agent.grading.encodings import cache, sentence_vectors
            from agent.grading.semantic import get_encoder

            self._encoder = get_encoder()
            if self._encoder is not None:
                texts = sorted({t for r in self.rubrics for t in known_by(r)}, key=len)
                cache.keep(texts)
                for start in range(0, len(texts), CHUNK):
                    if not threading.main_thread().is_alive():
                        break  # the program is exiting: the rest is encoded when needed
                    sentence_vectors(self._encoder, texts[start : start + CHUNK])
            self._loaded = True
