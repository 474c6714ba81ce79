"""Text analysis shared by the graders, pure and deterministic.

Word stems (stemming), word lists (wordlists), tokens with offsets, fillers and denial frames
(tokens), and sentences, clauses and negation scope (analysis)."""

from agent.grading.text.analysis import (
    analyze,
    content_stems,
    function_word_ratio,
    has_predicate,
    words,
)
from agent.grading.text.stemming import stem
from agent.grading.text.tokens import (
    _NUMBER_RE,
    NUMBER_STEM,
    Clause,
    Sentence,
    Token,
    normalize_chars,
)
from agent.grading.text.wordlists import (
    ABBREVIATIONS,
    DENIAL_WORDS,
    FILLERS,
    FUNCTION_WORDS,
    NEGATORS,
    PREDICATE_WORDS,
)

__all__ = [
    "ABBREVIATIONS",
    "DENIAL_WORDS",
    "FILLERS",
    "FUNCTION_WORDS",
    "NEGATORS",
    "NUMBER_STEM",
    "PREDICATE_WORDS",
    "_NUMBER_RE",
    "Clause",
    "Sentence",
    "Token",
    "analyze",
    "content_stems",
    "function_word_ratio",
    "has_predicate",
    "normalize_chars",
    "stem",
    "words",
]
