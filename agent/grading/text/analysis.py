"""Sentences and clauses with negation scope: `analyze(text)` is the one entry point."""

from __future__ import annotations

import re

from agent.grading.text.stemming import stem
from agent.grading.text.tokens import (
    _CLAUSE_BREAK,
    _SENTENCE_END,
    Clause,
    Sentence,
    Token,
    _apply_abbreviations,
    _apply_asr_fixes,
    _denial_frames,
    _mark_fillers,
    _negating_phrase_at,
    _raw_words,
    normalize_chars,
)
from agent.grading.text.wordlists import (
    FUNCTION_WORDS,
    NEG_WINDOW,
    NEGATORS,
    PREDICATE_WORDS,
    SCOPE_BREAKERS,
)


def analyze(text: str) -> list[Sentence]:
    """Sentences of `text`, each with its tokens and clauses; negation scope marked per token."""
    src = normalize_chars(text)
    words = _apply_abbreviations(_apply_asr_fixes(_raw_words(src)), src)
    fillers = _mark_fillers(words)
    plain = [w for w, _, _ in words]
    denied = _denial_frames(plain)

    sentences: list[Sentence] = []
    current: list[Token] = []
    clause_toks: list[Token] = []
    clauses: list[Clause] = []
    neg_left = 0
    neg_since = 0
    sent_start = None
    last_end = 0

    def close_clause() -> None:
        nonlocal clause_toks
        if clause_toks:
            clauses.append(Clause(tokens=clause_toks, sentence=len(sentences)))
        clause_toks = []

    def close_sentence(end: int) -> None:
        nonlocal current, clauses, sent_start, neg_left
        close_clause()
        if current:
            sentences.append(
                Sentence(
                    index=len(sentences),
                    start=sent_start or 0,
                    end=end,
                    tokens=current,
                    clauses=clauses,
                )
            )
        current, clauses, sent_start, neg_left = [], [], None, 0

    # Newlines end sentences too (transcripts and pasted notes often lack punctuation).
    newline_positions = [m.start() for m in re.finditer(r"\n", src)]
    nl_idx = 0
    i = 0
    n = len(words)
    while i < n:
        w, start, end = words[i]
        while nl_idx < len(newline_positions) and newline_positions[nl_idx] < start:
            if current:
                close_sentence(last_end)
            nl_idx += 1
        if w in _SENTENCE_END:
            if current:
                close_sentence(end)
            i += 1
            continue
        if w in _CLAUSE_BREAK or not w:
            close_clause()
            neg_left = 0
            i += 1
            continue
        if sent_start is None:
            sent_start = start
        if w in SCOPE_BREAKERS:
            neg_left = 0
            if w in ("but", "however", "although", "though", "whereas", "instead", "yet"):
                close_clause()
        phrase_len = _negating_phrase_at(plain, i)
        is_filler = fillers[i]
        tok = Token(
            text=w,
            stem=stem(w),
            start=start,
            end=end,
            negated=neg_left > 0 or denied[i],
            neg_distance=1 if denied[i] else (neg_since + 1 if neg_left > 0 else 0),
            filler=is_filler,
            denied=denied[i],
        )
        current.append(tok)
        clause_toks.append(tok)
        last_end = end
        if not is_filler and neg_left > 0:
            neg_left -= 1
            neg_since += 1
        if w in NEGATORS:
            neg_left, neg_since = NEG_WINDOW, 0
        elif w == "non":  # "non-convex": negates the next word only
            neg_left, neg_since = max(neg_left, 1), 0
        elif phrase_len:
            # mark the rest of the phrase itself, then negate what follows
            for k in range(1, phrase_len):
                if i + k < n:
                    w2, s2, e2 = words[i + k]
                    t2 = Token(
                        text=w2,
                        stem=stem(w2),
                        start=s2,
                        end=e2,
                        negated=denied[i + k],
                        neg_distance=1 if denied[i + k] else 0,
                        denied=denied[i + k],
                    )
                    current.append(t2)
                    clause_toks.append(t2)
                    last_end = e2
            i += phrase_len
            neg_left, neg_since = NEG_WINDOW, 0
            continue
        i += 1
    close_sentence(last_end)
    return sentences


def content_stems(text: str) -> list[str]:
    """Stems of the non-function, non-filler words of `text` (for cue and similarity matching).
    An expanded abbreviation ('SGD' -> stochastic gradient descent) gives only its last word, so
    it weighs as one word."""
    out = []
    for s in analyze(text):
        toks = s.tokens
        for i, t in enumerate(toks):
            if t.filler or t.text in FUNCTION_WORDS:
                continue
            if i + 1 < len(toks) and (toks[i + 1].start, toks[i + 1].end) == (t.start, t.end):
                continue  # an expanded abbreviation counts once, by its last word ('SGD')
            out.append(t.stem)
    return out


def words(text: str) -> list[str]:
    """Lowercased words of `text` (contractions expanded, ASR slips fixed), fillers dropped."""
    return [t.text for s in analyze(text) for t in s.tokens if not t.filler]


def function_word_ratio(tokens: list[Token]) -> float:
    real = [t for t in tokens if not t.filler]
    if not real:
        return 0.0
    return sum(1 for t in real if t.text in FUNCTION_WORDS) / len(real)


def has_predicate(tokens: list[Token]) -> bool:
    """A rough check that a stretch of words says something (a verb or connective), not a list."""
    for t in tokens:
        if t.filler:
            continue
        if t.text in PREDICATE_WORDS:
            return True
        if (
            len(t.text) > 4
            and t.text.endswith(("es", "ed", "izes", "ates"))
            and t.text not in FUNCTION_WORDS
        ):
            return True
    return False
