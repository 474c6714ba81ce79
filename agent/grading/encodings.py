"""The process's one cache of MiniLM encodings, by text: every stage that reads meaning (the
grader's judge and reference recall, the check for an answer to another question, the import
matcher) encodes through `cache`, so a text is encoded once per process whichever stage asks
first, and a bank text one stage encoded is there for the others."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from agent.grading.semantic import Encoded, MiniLMEncoder


class EncodingCache:
    """LRU of encodings by text. Rubric texts (a question's claims and reference answer) are kept
    apart from answer texts, in a larger LRU, so grading a run of answers to many questions does
    not re-encode every rubric after a few answers (`keep`)."""

    def __init__(self, size: int = 256, rubric_size: int = 2048):
        self.size = size
        self.rubric_size = rubric_size
        self.items: OrderedDict[str, Encoded] = OrderedDict()
        self.rubric_items: OrderedDict[str, Encoded] = OrderedDict()
        self.rubric_texts: set[str] = set()
        self.lock = threading.Lock()

    def keep(self, texts: Iterable[str]) -> None:
        """Mark `texts` as rubric texts: held in the larger LRU once encoded."""
        with self.lock:
            if len(self.rubric_texts) > 4 * self.rubric_size:  # forget marks long evicted
                self.rubric_texts = set(self.rubric_items)
            self.rubric_texts.update(texts)

    def get(self, encoder: MiniLMEncoder, texts: list[str]) -> list[Encoded]:
        with self.lock:  # one encoding at a time: the forward pass uses one BLAS thread anyway
            missing = [
                t
                for t in dict.fromkeys(texts)
                if t not in self.items and t not in self.rubric_items
            ]
            if missing:
                for t, e in zip(missing, encoder.encode(missing), strict=True):
                    (self.rubric_items if t in self.rubric_texts else self.items)[t] = e
            out = []
            for t in texts:
                store = self.rubric_items if t in self.rubric_items else self.items
                store.move_to_end(t)
                out.append(store[t])
            for store, size in ((self.items, self.size), (self.rubric_items, self.rubric_size)):
                while len(store) > max(size, len(texts)):
                    store.popitem(last=False)
            return out

    def join(self, encoder: MiniLMEncoder, joins: list[list[str]]) -> None:
        """Make the encodings of texts that are sentences joined by spaces (a window of two
        passages) from their sentences' encodings instead of running the encoder again: each
        sentence is read in its own context, the token vectors are laid end to end and the
        sentence vectors averaged by token count. The windows then cost no encoder pass of their
        own (the whole kept answer is still encoded as one text: joining it cost accuracy)."""
        import numpy as np

        from agent.grading.semantic import Encoded

        wanted = [j for j in joins if len(j) > 1 and " ".join(j) not in self.items]
        if not wanted:
            return
        sentences = list(dict.fromkeys(p for j in wanted for p in j))
        by_text = dict(zip(sentences, self.get(encoder, sentences), strict=True))
        with self.lock:
            for j in wanted:
                encs = [by_text[p] for p in j]
                shifts, at = [], 0
                for p in j:
                    shifts.append(at)
                    at += len(p) + 1
                sizes = np.array([len(e.tokens) + 2 for e in encs], dtype=np.float32)
                pooled = (np.stack([e.sentence for e in encs]) * sizes[:, None]).sum(0)
                pooled = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
                self.items[" ".join(j)] = Encoded(
                    tokens=[t for e in encs for t in e.tokens],
                    offsets=[
                        (a + d, b + d)
                        for e, d in zip(encs, shifts, strict=True)
                        for a, b in e.offsets
                    ],
                    vectors=np.concatenate([e.vectors for e in encs]),
                    sentence=pooled.astype(np.float32),
                )


cache = EncodingCache()


def sentence_vectors(encoder: Any, texts: list[str]) -> Any:
    """The texts' unit sentence embeddings (one row a text), through `cache`."""
    import numpy as np

    return np.stack([e.sentence for e in cache.get(encoder, texts)])
