"""Basic word handling shared by the bank, the report importer and the interviewer.

Pure functions, stdlib only (cheap to import, so `viva --help` stays fast). The grader has its
own, much fuller analyzer in agent/grading/text/ (offsets, Porter stems from PyStemmer, clauses, negation,
abbreviations); this module is the plain layer: one tokenizer, one stopword list, one light
stemmer, sentences and set similarity.

Two deliberately different variants live here too, named for what they are:
- `prefix_stem`: a crude 6-character prefix, the interviewer's coarse match for its leak check
  and off-topic test ('converges' meets 'convergence');
- `plain_words`: words split at hyphens and dots (no decimals kept), the interviewer's tokens
  for word runs and intents.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+(?:[-'’][a-z0-9]+|\.[0-9]+)*")
_PLAIN_WORD = re.compile(r"[a-z0-9]+(?:['_][a-z0-9]+)*")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each either else even ever every few for from further get
    gets getting give given go goes going got had hadn't has hasn't have haven't having he her
    here hers herself him himself his how however i if in into is isn't it it's its itself just
    let's like ll make makes many may me might more most much must mustn't my myself need no
    nor not now of off often on once one only or other others our ours ourselves out over own
    per quite rather really re s same say says she should shouldn't so some such t than that
    that's the their theirs them themselves then there there's these they they're thing things
    this those though through thus to too under until up upon us use used uses using usually ve
    very via was wasn't we we're well were weren't what what's when where whether which while
    who whom whose why will with within without won't would wouldn't yes yet you you'd you'll
    you're you've your yours yourself yourselves
    briefly explain describe tell walk talk think know want mean means example e g i e etc
    let's okay ok sure maybe kind sort basically actually simply way ways something someone
    """.split()
)
"""Function words and interview filler ('explain', 'basically'): not content."""

_SUFFIXES = (
    ("izations", "iz"),
    ("ization", "iz"),
    ("isations", "is"),
    ("isation", "is"),
    ("ational", ""),
    ("ations", ""),
    ("ation", ""),
    ("ies", "y"),
    ("ing", ""),
    ("ed", ""),
    ("ers", ""),
    ("er", ""),
    ("ly", ""),
    ("ss", "ss"),
    ("s", ""),
)

# Words the suffix rules would mangle inconsistently with their plural.
_KEEP = {"bias": "bias", "biases": "bias", "alias": "alias", "aliases": "alias", "axis": "axis"}


def normalize(text: str) -> str:
    """Lowercase, unify apostrophes and dashes, collapse whitespace."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2014", " ").lower()
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """Lowercase word tokens (hyphenated words, contractions and decimals kept whole)."""
    return _WORD.findall(text.lower().replace("’", "'"))


def plain_words(text: str) -> list[str]:
    """Lowercase word tokens of the normalized text, split at hyphens and dots."""
    return _PLAIN_WORD.findall(normalize(text))


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light suffix-stripping stemmer: 'converges', 'converged', 'converging' -> 'converg'."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    if "-" in w:
        return "-".join(stem(part) for part in w.split("-"))
    if len(w) <= 3 or not w.isalpha():
        return w
    if w in _KEEP:
        return _KEEP[w]
    for suffix, repl in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and (w.endswith("us") or w.endswith("is")):
                break
            if suffix in ("er", "ers") and len(w) <= 5:
                break
            w = w[: -len(suffix)] + repl
            if suffix in ("ing", "ed") and len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def prefix_stem(word: str) -> str:
    """A crude stem, the first 6 characters: enough to match 'converges' with 'convergence'."""
    return word[:6] if len(word) > 6 else word


def is_content(word: str) -> bool:
    return word not in STOPWORDS and (len(word) > 1 or word.isdigit())


def content_stems(text: str) -> set[str]:
    """Stems of the content words of `text` (stopwords and filler dropped)."""
    return {stem(w) for w in words(text) if is_content(w)}


def sentences(text: str) -> list[str]:
    """Sentences (split after . ! ? ; : and at line breaks), stripped, empty ones dropped."""
    return [s.strip() for s in _SENTENCE.split(text or "") if s.strip()]


def set_cosine(a: set[str], b: set[str]) -> float:
    """Cosine similarity of two sets seen as binary vectors: |a & b| / sqrt(|a| |b|)."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))
