"""The offline grader: rubric cues matched on word stems, with negation, misconceptions,
buzzword and prompt-injection checks. Deterministic, pure, a few milliseconds per answer.

How a grade is made (the same steps `explain` in the rationale reports):
1. Pre-checks. Text that addresses the grader ("ignore the rubric", "SYSTEM:", fake closing tags)
   is cut out and never credited; when it was present every criterion is capped at 1. Empty
   answers, "can you repeat the question", "I don't know" and answers made only of denials of
   knowledge ("I don't know what X means, never heard of Y") score 0 (status empty /
   not_an_answer); answers sharing almost no vocabulary with the rubric are off_topic (0).
   Words inside a denial frame ("I'm not sure what X is") never count as evidence (text.py).
   Abbreviations are read as the words they stand for on both sides (BN = batch norm, LR =
   learning rate, OOM = out of memory; text.py `ABBREVIATIONS`).
2. Misconceptions. A claim's cues matched like key-point cues; a hit inside a negation, or in a
   sentence that rejects it ("that's a myth", "not true", "wrong"), is not a hit. Each hit takes
   `penalty` levels off its criterion, and the clause that states it (plus a verbless clause
   right after it) earns no key-point credit for that same criterion.
3. Key points. A key point is covered when one of its cues appears in a sentence: every content
   word of the cue, matched on stems, close together, in any order, with no negation over it
   ("not", "no", "never", "without", "instead of", "the opposite of"...). A cue that itself holds
   a negation ("no guarantee") needs a negation in the answer; `<num>` in a cue matches any
   number ("went from <num> to <num>"). Secondary evidence: a sentence that restates most of the
   key point's own text. Credit is scaled by how much the sentence reads as an explanation
   (function words, a verb or connective) rather than a list of terms. A key point with some
   credit but under half is "mentioned but not explained" (not covered; its quote is kept).
4. Criterion credit (0-4) = 4 x weighted coverage, lifted a little by the answer's overlap with
   the reference answer; at least a small relevance credit (`RELEVANCE_MAX`) when the answer
   names the question's subject and uses the criterion's vocabulary, and at least level 1-2 when
   it says a phrase the level descriptions quote ('Says "more threads is faster"'); minus
   penalties, clamped to 0-4. A bag of terms (or terms dressed up as "It has X." sentences) and
   text aimed at the grader cap every criterion at 1 and get no relevance credit.
   The criterion score shown is that credit rounded to an integer; the overall is the weighted
   mean of the UN-rounded credit (`FRACTIONAL_OVERALL`), so it can differ from the weighted mean
   of the shown integers by up to 0.5.
Reference-only rubrics use `agent.grading.reference.reference_similarity` when available.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.bank.models import Rubric
from agent.grading import text as tx
from agent.grading.models import CriterionScore, Grade, KeyPointResult, MisconceptionResult

# Words kept in cues although they are grammatical: they change what a cue means.
_MEANINGFUL = frozenset(
    "too always never not no more less most least only all each every per down up out off over "
    "under before after same both against toward towards without until instead rather between "
    "across within i my me myself".split()
)
_GENERIC = frozenset(
    tx.stem(w)
    for w in "model models training train data thing things use used using way ways example also "
    "really basically actually question answer think know say just one two get make".split()
)

_LIGHT_VERBS = frozenset(
    tx.stem(w) for w in "make makes made get gets do does be let become".split()
)
"""Glue verbs dropped from cues: 'sqrt makes the weights sum to one' ~ 'sqrt so the weights sum'."""

STRUCTURE_FULL = 0.25
"""A sentence whose share of function words reaches this reads as an explanation (full credit)."""
STRUCTURE_ZERO = 0.06
"""At or below this share it is a list of terms (no credit)."""
NO_PREDICATE_CAP = 0.35
"""Credit for a cue found in a sentence with no verb or connective."""
BAG_RATIO = 0.18
"""Whole answers with fewer function words than this (and enough terms) are a bag of terms."""
REFERENCE_LIFT = 0.2
"""How much the overlap with the reference answer can lift a criterion's coverage."""
LIST_MIN_SEGMENTS = 4
LIST_SHARE = 0.6
"""A sentence whose segments are at least this share bare terms is a list."""
LIST_CREDIT = 0.5
"""Credit for a point named inside a list (listing remedies is fine, but it explains nothing)."""
NAMED_ONLY_CREDIT = 0.4
"""Credit for a sentence that only names the cue ('It uses the learning rate.')."""
KP_TEXT_MIN_SHARE = 0.5
"""A sentence restating this share of a key point's own words covers it (secondary evidence)."""
KP_TEXT_CREDIT = 0.6
SINGLE_CUE_CREDIT = 0.8
"""A key point shown by a single cue gets this share of full credit; two independent cues (the
point named and explained) get full credit."""
CREDIT_NEG_REACH = 4
"""A key-point cue loses credit only when a negation sits at most this many words before it."""
CROSS_CLAUSE_WINDOW = 3
"""Cue words in different clauses of a sentence must sit within this many words per cue word."""
CLAIM_MIN_SHARE = 0.75
RELEVANCE_MAX = 0.25
"""A criterion with no key point found still gets up to this share of full credit (1 of 4
points) when the answer uses its vocabulary (key point texts, cues, level 1-4 descriptions) in
real sentences: vague but relevant ('more threads makes it faster') is not the same as nothing.
Never given to bags of terms, answers aimed at the grader, or off-topic answers."""
RELEVANCE_HITS = 3
"""Distinct on-topic words (not in the question) needed for the full relevance credit; a single
word earns none, two earn half."""
FRACTIONAL_OVERALL = True
"""Overall = weighted mean of the UN-rounded criterion credit (0-4 each, after penalties and
caps); the integer criterion scores shown are that credit rounded. So small credit on several
criteria still separates a weak answer from nothing."""
"""A sentence restating this share of a misconception's claim (not negated) states it."""


# ---------------------------------------------------------------------------------------------
# Compiled cues
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    phrase: str
    alternatives: tuple[tuple[str, ...], ...]
    """Stem sequences that each count as the cue ('mini-batch' also as 'minibatch')."""
    negative: bool
    """The cue itself holds a negation ('no guarantee'): it needs one in the answer."""
    contrastive: bool = False
    """The cue holds a contrast word ('opposite the gradient', 'instead of'): the negation that
    word opens in the answer is the cue's own meaning, so negation is not checked."""


def _joinable(a: str, b: str) -> bool:
    """Two words that may be written as one ('mini batch' / 'minibatch')."""
    return (
        len(a) >= 2
        and len(b) >= 2
        and a.isalpha()
        and b.isalpha()
        and a not in tx.FUNCTION_WORDS
        and b not in tx.FUNCTION_WORDS
    )


_NUM_MARK = "qqnumqq"


def _cue_stem(word: str) -> str:
    return tx.NUMBER_STEM if word == _NUM_MARK else tx.stem(word)


def compile_cue(phrase: str) -> Cue | None:
    """A cue phrase compiled to stem sequences. `<num>` in a cue stands for any number
    ('went from <num> to <num>' is a measured change)."""
    text = phrase.replace("<num>", f" {_NUM_MARK} ")
    toks = [t for s in tx.analyze(text) for t in s.tokens if not t.filler]
    words = [t.text for t in toks]
    keep = [w for w in words if w not in tx.FUNCTION_WORDS or w in _MEANINGFUL or w in tx.NEGATORS]
    light = [w for w in keep if tx.stem(w) not in _LIGHT_VERBS]
    if len(light) >= 2:
        keep = light
    if not keep:
        keep = words
    if not keep:
        return None
    stems = tuple(_cue_stem(w) for w in keep)
    alts = [stems]
    for i in range(len(keep) - 1):
        if not _joinable(keep[i], keep[i + 1]):
            continue
        joined = keep[:i] + [keep[i] + keep[i + 1]] + keep[i + 2 :]
        alts.append(tuple(_cue_stem(w) for w in joined))
    negative = "not" in stems
    contrastive = bool(_CONTRAST_STEMS & set(stems))
    return Cue(
        phrase=phrase,
        alternatives=tuple(dict.fromkeys(alts)),
        negative=negative and not contrastive,
        contrastive=contrastive,
    )


_CONTRAST_STEMS = frozenset(
    tx.stem(w)
    for w in "opposite instead rather contrary unlike opposed against negative reverse minus inverse".split()
)


@dataclass
class _Compiled:
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


_CACHE: dict[int, tuple[Rubric, _Compiled]] = {}


def _content(text: str) -> list[str]:
    return [s for s in tx.content_stems(text) if s not in _GENERIC]


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


def _compile(rubric: Rubric) -> _Compiled:
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
    for s in kp_text.values():
        vocab.update(s)
    ref_text = " ".join(x for x in (rubric.reference.short, rubric.reference.standard) if x)
    ref_counts: dict[str, float] = {}
    for s in _content(ref_text):
        if s in question or s == "not" or len(s) < 2:
            continue
        ref_counts[s] = 1.0
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
            w
            for w in words - question - _META - _GENERIC - _EVALUATIVE
            if len(w) >= 3 and w.isalpha()
        }
    level_cues: dict[str, list[tuple[int, Cue]]] = {}
    for crit in rubric.criteria:
        for level in (1, 2):
            for phrase in _quoted(crit.levels.for_score(level)):
                cue = compile_cue(phrase)
                if cue is None:
                    continue
                core = [w for w in cue.alternatives[0] if w not in _GENERIC and w != "not"]
                if len(core) >= 2 and not all(w in _EVALUATIVE for w in core) and not cue.negative:
                    level_cues.setdefault(crit.id, []).append((level, cue))
    topic = {
        w
        for w in question | set(_content(" ".join(rubric.tags)))
        if len(w) >= 3 and w.isalpha() and w not in _EVALUATIVE | _META | _LIGHT_VERBS
    }
    compiled = _Compiled(
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


# ---------------------------------------------------------------------------------------------
# Answer analysis
# ---------------------------------------------------------------------------------------------

_INJECTION_PATTERNS = [
    r"(?im)^[ \t>*#-]*(?:system|assistant|developer|grader|evaluator)\s*:.*$",
    r"(?i)</\s*[a-z_ -]{0,30}\s*>.*$",
    r"(?i)<\s*(?:system|instructions?|rubric|grader|assistant|user|candidate_answer|answer)\s*>",
    r"(?i)<\|[a-z_]+\|>|\[/?inst\]|###\s*(?:instruction|system)",
    r"(?i)\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(?:instructions?|rubrics?|rules|criteria|criterion|prompts?|guidelines?|grading)\b",
    r"(?i)\b(?:ignore|disregard|forget)\s+(?:everything|all(?: of)?(?: the)?|anything)\s+(?:above|before|previous|prior|else)\b",
    r"(?i)\b(?:give|award|assign|grant|mark|rate|score|grade)\b[^.!?\n]{0,30}\b(?:full|maximum|max|perfect|top|highest)\b[^.!?\n]{0,15}\b(?:marks?|score|points?|credit|grade|rating)",
    r"(?i)\b(?:give|award|assign|grant|score|grade|rate|mark|set)\s+(?:(?:me|this|it|us|the|my|that|every|each|all)\s+)?"
    r"(?:(?:answer|response|candidate|one|criterion|criteria|question)\s+)?(?:(?:a|an|as|at|with|to)\s+)?"
    r"(?<![\w.-])(?:4|four|10|ten|100)\b(?:\s*/\s*(?:4|10|100)|\s+out of \w+|\s+points?|\s+marks?)?"
    r"\s*(?:(?:on|for|across|in) (?:every|all|each) \w+\s*)?(?:[.!]|$)",
    r"(?i)\b(?:you are|act as|pretend to be|as) (?:now )?(?:the|a|an) (?:\w+ )?(?:grader|evaluator|examiner|scorer)\b",
    r"(?i)\b(?:dear|hey|hi|attention|note to(?: the)?) (?:ai |llm |automated )?(?:grader|evaluator|examiner|scorer)\b",
    r"(?i)\bnew instructions?\b|\bthe grader (?:must|should|will)\b|\b(?:candidate|answer) (?:deserves|gets|should get) (?:full|a perfect|the maximum)",
]
_INJECTION_RES = [re.compile(p) for p in _INJECTION_PATTERNS]

_NOT_AN_ANSWER_RES = [
    re.compile(p, re.I)
    for p in [
        r"\b(?:can|could|would) you (?:please )?(?:repeat|rephrase|say that again|clarify)",
        r"\brepeat the question\b|\bsay (?:that|it) again\b|\bwhat was the question\b",
        r"\bi (?:do not|don'?t|dunno|have no) (?:really )?(?:know|idea|remember|recall)\b|\bno idea\b|\bdunno\b",
        r"\bi(?:'m| am) not (?:really )?sure\b|\bi(?:'m| am) (?:not familiar|unfamiliar)\b",
        r"\b(?:pass|skip|next question)\b",
        r"\bsorry\b|\bpardon\b",
    ]
]


def injection_spans(answer: str) -> list[tuple[int, int]]:
    """Character spans of text addressed to the grader instead of the interviewer."""
    spans = []
    for rx in _INJECTION_RES:
        spans.extend((m.start(), m.end()) for m in rx.finditer(answer) if m.end() > m.start())
    return sorted(spans)


def _overlaps(a: int, b: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < b and a < e for s, e in spans)


@dataclass
class _Sent:
    sentence: tx.Sentence
    toks: list[tx.Token]
    """Non-filler tokens, plus joined adjacent pairs ('mini' 'batch' -> 'minibatch')."""
    index: dict[str, list[int]]
    quality: float
    text: str
    pos: list[int]
    """Word position of each token in `toks`."""
    clause: list[int]
    """Clause number of each token in `toks`."""
    plain: set[str]
    """Stems of the tokens outside any negation."""
    is_list: bool
    n_words: int
    """Number of real words (the joined pairs follow them in `toks`)."""
    """The sentence is mostly a list of bare terms ('Fixes: A, B, C and D.')."""


def _structure(tokens: list[tx.Token]) -> float:
    """1.0 for a sentence that reads as an explanation, down to 0 for a list of terms."""
    real = [t for t in tokens if not t.filler]
    if not real:
        return 0.0
    ratio = tx.function_word_ratio(real)
    q = (ratio - STRUCTURE_ZERO) / (STRUCTURE_FULL - STRUCTURE_ZERO)
    q = max(0.0, min(1.0, q))
    if len(real) >= 3 and not tx.has_predicate(real):
        q = min(q, NO_PREDICATE_CAP)
    return q


_SEGMENT_SPLIT = re.compile(r"[,;:/&()]|\s-\s|\b(?:and|or|plus|etc)\b", re.I)
_CONNECTIVES = tx.PREDICATE_WORDS | {
    "to",
    "because",
    "so",
    "which",
    "that",
    "when",
    "if",
    "than",
    "while",
}


def _is_list(text: str) -> bool:
    """A sentence made mostly of bare terms: at least four segments (split at commas, 'and',
    'or'...), most of them short and without a verb or connective."""
    segments = [seg for seg in _SEGMENT_SPLIT.split(text) if re.search(r"\w", seg)]
    if len(segments) < LIST_MIN_SEGMENTS:
        return False
    bare = 0
    for seg in segments:
        words = [w.lower() for w in re.findall(r"[A-Za-z0-9_]+", seg)]
        if len(words) <= 4 and not any(w in _CONNECTIVES for w in words):
            bare += 1
    return bare / len(segments) >= LIST_SHARE


def _prepare(answer: str, drop: list[tuple[int, int]]) -> list[_Sent]:
    out = []
    for s in tx.analyze(answer):
        if _overlaps(s.start, s.end, drop):
            continue
        real = [t for t in s.tokens if not t.filler]
        if not real:
            continue
        clause_of = {id(t): ci for ci, c in enumerate(s.clauses) for t in c.tokens}
        toks = list(real)
        pos = list(range(len(real)))
        clause = [clause_of.get(id(t), 0) for t in real]
        index: dict[str, list[int]] = {}
        for i, t in enumerate(real):
            if t.denied:  # named inside "I don't know what ... is": never evidence
                continue
            index.setdefault(t.stem, []).append(i)
            if tx._NUMBER_RE.match(t.text):
                index.setdefault(tx.NUMBER_STEM, []).append(i)
        # joined pairs ('mini' 'batch' -> 'minibatch') sit at the position of their first word
        for i in range(len(real) - 1):
            a, b = real[i], real[i + 1]
            if (
                _joinable(a.text, b.text)
                and clause[i] == clause[i + 1]
                and not (a.denied or b.denied)
            ):
                st = tx.stem(a.text + b.text)
                index.setdefault(st, []).append(len(toks))
                toks.append(
                    tx.Token(
                        text=a.text + b.text,
                        stem=st,
                        start=a.start,
                        end=b.end,
                        negated=a.negated or b.negated,
                        neg_distance=min(d for d in (a.neg_distance, b.neg_distance, 99) if d) % 99,
                    )
                )
                pos.append(i)
                clause.append(clause[i])
        out.append(
            _Sent(
                sentence=s,
                toks=toks,
                index=index,
                quality=_structure(s.tokens)
                * (LIST_CREDIT if _is_list(answer[s.start : s.end]) else 1.0),
                is_list=_is_list(answer[s.start : s.end]),
                n_words=len(real),
                text=answer[s.start : s.end].strip(),
                pos=pos,
                clause=clause,
                plain={t.stem for t in toks if not t.negated},
            )
        )
    return out


def _position(sent: _Sent, k: int) -> int:
    """Word position of token k (a joined pair sits at its first word)."""
    return sent.pos[k]


def _negated(tok: tx.Token, near: int | None) -> bool:
    if near == -1:  # contrastive cue: negation not checked
        return False
    if near is None:
        return tok.negated
    return 0 < tok.neg_distance <= near


def _match(cue: Cue, sent: _Sent, near: int | None = None) -> tuple[bool, bool] | None:
    """(found, negated) for the best occurrence of `cue` in the sentence, or None (see
    `_match_at`)."""
    m = _match_at(cue, sent, near)
    return None if m is None else (m[0], m[1])


def _match_at(
    cue: Cue, sent: _Sent, near: int | None = None
) -> tuple[bool, bool, list[int]] | None:
    """(found, negated, token indices) for the best occurrence of `cue` in the sentence, or None.

    `near`: only a negation at most this many words before a cue word counts (used for credit,
    so 'does not always reach the optimum on non-convex losses' still shows 'non-convex');
    None: the whole negation scope counts (used for misconceptions: deny a penalty readily)."""
    best_neg = None
    if cue.contrastive:
        near = -1
    for alt in cue.alternatives:
        if any(s not in sent.index for s in alt):
            continue
        if len(set(alt)) < len(alt) and any(len(sent.index[s]) < alt.count(s) for s in set(alt)):
            continue
        window = 4 * len(alt) + 4
        for allow_negated in (False, True):
            picks = []
            ok = True
            for s in alt:
                occ = [
                    k
                    for k in sent.index[s]
                    if allow_negated or cue.negative or not _negated(sent.toks[k], near)
                ]
                if not occ:
                    ok = False
                    break
                picks.append(occ)
            if not ok:
                continue
            # anchor on the rarest stem, take the nearest occurrence of every other stem
            anchor_list = min(picks, key=len)
            for a in anchor_list:
                pa = _position(sent, a)
                chosen: list[int] = []
                for occ in picks:  # nearest occurrence, a different word for a repeated stem
                    free = [
                        k
                        for k in occ
                        if _position(sent, k) not in {_position(sent, c) for c in chosen}
                    ]
                    chosen.append(min(free or occ, key=lambda k: abs(_position(sent, k) - pa)))
                pos = [_position(sent, k) for k in chosen]
                same_clause = len({sent.clause[k] for k in chosen}) == 1
                if max(pos) - min(pos) <= (
                    window if same_clause else CROSS_CLAUSE_WINDOW * len(alt)
                ):
                    if cue.negative and not _negation_binds(sent, alt, chosen):
                        continue
                    negated = (not cue.negative) and any(
                        _negated(sent.toks[k], near) for k in chosen
                    )
                    if near is None and not negated and not cue.contrastive:
                        # a claim matched across a contrast word ('the opposite direction of
                        # the gradient') is not the claim
                        lo, hi = min(pos) - 2, max(pos)
                        negated = any(
                            sent.toks[k].stem in _CONTRAST_STEMS
                            for k in range(sent.n_words)
                            if lo <= k <= hi
                        )
                    if not negated:
                        return (True, False, chosen)
                    best_neg = (True, True, chosen)
                    break
    return best_neg


def _negation_binds(sent: _Sent, alt: tuple[str, ...], chosen: list[int]) -> bool:
    """For a cue holding a negation ('no guarantee', 'costs nothing'): the answer's negation must
    bear on the cue word next to the negation in the cue (that word sits in its scope, or the
    negation follows it closely: 'is guaranteed? no' / 'costs nothing')."""
    if "not" not in alt or len(alt) < 2:
        return True
    i = alt.index("not")
    j = i + 1 if i == 0 else i - 1
    k = chosen[j]
    if sent.toks[k].negated:
        return True
    p = _position(sent, k)
    return any(0 < _position(sent, q) - p <= 2 for q in sent.index.get("not", []))


_DENIAL_AFTER = re.compile(
    r"\b(?:not|n't|never)\s+(?:\w+\s+){0,2}(?:true|correct|right|accurate|the case|so|really|quite|necessarily|guaranteed|always)\b"
    r"|\b(?:myth|misconception|fallacy|wrong|incorrect|false|untrue|mistaken|misleading)\b"
    r"|\b(?:people|some|many|folks|beginners|newcomers)\s+(?:often\s+|sometimes\s+|wrongly\s+|mistakenly\s+)?(?:think|believe|assume|say|claim)\b"
    r"|\b(?:common|popular|widespread|naive)\s+(?:belief|assumption|mistake|view|intuition)\b"
    r"|\btempting to (?:think|say|assume|believe)\b|\b(?:one|you) (?:might|may|could) (?:think|assume|expect)\b"
    r"|\b(?:is|are) (?:often|commonly|sometimes) (?:said|assumed|claimed|thought|believed)\b",
    re.I,
)
_SHORT_DENIAL = re.compile(
    r"^\s*(?:no|nope|not really|not at all|not true|wrong|false|that'?s (?:not|wrong|false|a myth))\b",
    re.I,
)


def _sentence_denies(sents: list[_Sent], i: int) -> bool:
    """True when sentence i rejects what it reports ('it's a myth that ...', '... not true')."""
    if _DENIAL_AFTER.search(sents[i].text):
        return True
    if i + 1 < len(sents):
        nxt = sents[i + 1]
        if len([t for t in nxt.sentence.tokens if not t.filler]) <= 6 and _SHORT_DENIAL.search(
            nxt.text
        ):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Grading
# ---------------------------------------------------------------------------------------------


def _status_check(answer: str, sents: list[_Sent], had_injection: bool) -> str | None:
    content = [
        t
        for s in sents
        for t in s.sentence.tokens
        if not t.filler and t.text not in tx.FUNCTION_WORDS
    ]
    if not content:
        if had_injection:
            return "not_an_answer"
        return "empty"
    if all(t.denied for t in content):
        return "not_an_answer"  # only "I don't know what X is" / "never heard of Y"
    kept_text = tx.normalize_chars(" ".join(s.text for s in sents))
    if any(rx.search(kept_text) for rx in _NOT_AN_ANSWER_RES):
        # "I don't know" with a real attempt after it is still an answer
        stripped = kept_text
        for rx in _NOT_AN_ANSWER_RES:
            stripped = rx.sub(" ", stripped)
        rest = [w for w in tx.content_stems(stripped) if w not in _GENERIC]
        if len(rest) < 4:
            return "not_an_answer"
    return None


def _distinct_count(cues: set[str]) -> int:
    """Cues that are not contained in one another ('learning rate' and 'learning rate too
    large' are one piece of evidence, 'learning rate' and 'diverge' are two)."""
    sets = [set(c.split()) for c in cues]
    return sum(
        1 for i, a in enumerate(sets) if not any(i != j and a < b for j, b in enumerate(sets))
    )


_LIGHT = frozenset(
    tx.stem(w)
    for w in "have has had use uses used involve involves relate relates related include includes "
    "contain contains mention mentions concern concerns matter matters exist exists there thing "
    "things concept concepts stuff topic topics key important basically about part parts "
    "term terms idea ideas aspect aspects".split()
)


def _support(sent: _Sent, cue: Cue, question: set[str]) -> float:
    """1.0 when the sentence says something besides the cue itself; NAMED_ONLY_CREDIT when its
    only content is the cue plus empty verbs ('It has saddle points.')."""
    cue_stems = set().union(*cue.alternatives)
    for t in sent.toks[: sent.n_words]:  # the real words, not the joined pairs after them
        if t.filler or t.text in tx.FUNCTION_WORDS or t.stem in cue_stems or t.stem in _LIGHT:
            continue
        if t.stem in question or t.stem in _GENERIC:
            continue
        return 1.0
    return NAMED_ONLY_CREDIT


_QUOTED = re.compile(
    r"(?<![A-Za-z])'([^']{3,80})'(?![A-Za-z])|\"([^\"]{3,80})\"|\u2018([^\u2019]{3,80})\u2019|\u201c([^\u201d]{3,80})\u201d"
)


def _quoted(text: str) -> list[str]:
    """Phrases a level description quotes ('Says "more threads is faster" with no mechanism')."""
    return [next(g for g in m.groups() if g) for m in _QUOTED.finditer(text or "")]


def _level_floor(
    comp: _Compiled, crit_id: str, sents: list[_Sent], wrong: dict[int, set[int]]
) -> tuple[int, str]:
    """The highest level (1-2) whose quoted phrase the answer says, outside negations and
    misconception clauses of this criterion, with the phrase; (0, '') when none."""
    best, phrase = 0, ""
    for level, cue in comp.level_cues.get(crit_id, []):
        if level <= best:
            continue
        for si, s in enumerate(sents):
            m = _match_at(cue, s, near=CREDIT_NEG_REACH)
            if m is None or m[1]:
                continue
            if any(s.clause[k] in wrong.get(si, set()) for k in m[2]):
                continue
            best, phrase = level, cue.phrase
            break
    return best, phrase


_EVALUATIVE = frozenset(
    tx.stem(w)
    for w in "good bad better worse best worst fast faster slow slower big bigger small smaller "
    "large larger high higher low lower many much few lot lots often happen happens work works "
    "speed quick quickly easy hard why how".split()
)
"""Judgement and quantity words: a question's 'better' or 'faster' does not make an answer that
says 'better' on-topic."""

_META = frozenset(
    tx.stem(w)
    for w in "say says name names named state states explain explains explained explanation "
    "mention mentions mentioned give gives given reason reasons concrete partial without "
    "candidate answer level levels adds add describe describes point points clear clearly "
    "specific correct correctly wrong vague only".split()
)
"""Words of the level descriptions that talk about the answer, not the subject."""


def _relevance(
    comp: _Compiled,
    crit_id: str,
    sents: list[_Sent],
    wrong: dict[int, set[int]],
    quality: float,
) -> float:
    """Small credit (0-RELEVANCE_MAX) for an answer that uses a criterion's vocabulary outside
    negations, denials and misconception clauses, scaled by how much it reads as sentences."""
    vocab = comp.crit_vocab.get(crit_id) or set()
    if not vocab:
        return 0.0
    hits: set[str] = set()
    on_topic = False
    for si, s in enumerate(sents):
        bad = wrong.get(si, set())
        for k, t in enumerate(s.toks):
            if t.negated or t.filler or s.clause[k] in bad or t.text in tx.FUNCTION_WORDS:
                continue
            if t.stem in comp.topic and t.stem not in _GENERIC:
                on_topic = True
            if k < s.n_words and t.stem in vocab and t.stem not in _GENERIC:
                hits.add(t.stem)
    if not on_topic:  # never names what the question is about: related words by chance
        return 0.0
    return RELEVANCE_MAX * min(1.0, len(hits) / RELEVANCE_HITS) * quality


def _round2(x: float) -> float:
    return float(f"{x + 1e-9:.2f}")


def grade_offline(rubric: Rubric, answer: str) -> Grade:
    """Grade one answer against a rubric without any model. Deterministic and explained."""
    answer = answer or ""
    if rubric.reference_only or rubric.derived:
        return _grade_reference(rubric, answer)
    return _grade_rubric(rubric, answer)


def _grade_rubric(rubric: Rubric, answer: str) -> Grade:
    comp = _compile(rubric)
    inj = injection_spans(answer)
    sents = _prepare(answer, inj)
    notes: list[str] = []
    if inj:
        notes.append(
            "text addressed to the grader (instructions, role labels or tags) was ignored; "
            "scores are capped at 1"
        )

    status = _status_check(answer, sents, bool(inj))
    if status is None and not answer.strip():
        status = "empty"

    # ---- misconceptions (first: a clause stating one earns no key-point credit for its criterion)
    mc_hits: dict[str, list[str]] = {}
    wrong_clauses: dict[str, dict[int, set[int]]] = {}
    """criterion id -> sentence index -> clauses that state a misconception of that criterion."""
    for mc in rubric.misconceptions:
        ev = []
        parts = comp.mc_claim[mc.id]
        for si, s in enumerate(sents):
            clauses: set[int] = set()
            for cue in comp.mc_cues[mc.id]:
                m = _match_at(cue, s)
                if m is not None and not m[1]:
                    lo, hi = min(s.clause[k] for k in m[2]), max(s.clause[k] for k in m[2])
                    clauses.update(range(lo, hi + 1))
            if not clauses:
                for p in parts:
                    common = p & s.plain
                    if len(common) >= max(3, CLAIM_MIN_SHARE * len(p)):
                        clauses.update(
                            s.clause[k]
                            for k, t in enumerate(s.toks)
                            if t.stem in common and not t.negated
                        )
            if clauses:
                # a verbless clause right after ('..., exactly like FP16') belongs to the claim
                nxt = max(clauses) + 1
                cl = s.sentence.clauses
                while nxt < len(cl) and not tx.has_predicate(cl[nxt].tokens):
                    clauses.add(nxt)
                    nxt += 1
            if clauses and not _sentence_denies(sents, si):
                if s.text not in ev:
                    ev.append(s.text)
                wrong_clauses.setdefault(mc.criterion, {}).setdefault(si, set()).update(clauses)
        if ev:
            mc_hits[mc.id] = ev

    # ---- key points
    explained_any = False
    """Some cue sat in a sentence that says more than the cue ('It has saddle points.' does not)."""
    kp_credit: dict[str, float] = {}
    kp_evidence: dict[str, list[str]] = {}
    kp_negated: dict[str, bool] = {}
    for kp in rubric.key_points:
        best = 0.0
        ev: list[str] = []
        neg_seen = False
        distinct: set[str] = set()
        wrong_here = wrong_clauses.get(kp.criterion, {})
        for si, s in enumerate(sents):
            wrong = wrong_here.get(si, set())
            found_here = 0.0
            for cue in comp.kp_cues[kp.id]:
                m = _match_at(cue, s, near=CREDIT_NEG_REACH)
                if m is None:
                    continue
                if wrong and any(s.clause[k] in wrong for k in m[2]):
                    continue  # these words state a misconception of the same criterion
                if m[1]:
                    neg_seen = True
                    continue
                support = _support(s, cue, comp.question)
                if support >= 1.0:
                    explained_any = True
                found_here = max(found_here, s.quality * support)
                distinct.add(" ".join(sorted(set(cue.alternatives[0]))))
            if found_here == 0.0 and comp.kp_text[kp.id]:
                words = comp.kp_text[kp.id]
                have = (
                    {
                        t.stem
                        for k, t in enumerate(s.toks)
                        if not t.negated and s.clause[k] not in wrong
                    }
                    if wrong
                    else s.plain
                )
                share = len(words & have) / len(words)
                if share >= KP_TEXT_MIN_SHARE and len(words & have) >= 3:
                    found_here = KP_TEXT_CREDIT * s.quality
                    explained_any = True
            if found_here > 0:
                if found_here > best:
                    best = found_here
                if s.text not in ev and len(ev) < 2:
                    ev.append(s.text)
        if _distinct_count(distinct) < 2:
            best *= SINGLE_CUE_CREDIT
        kp_credit[kp.id] = best
        kp_evidence[kp.id] = ev if best > 0 else []
        kp_negated[kp.id] = neg_seen and best == 0

    # ---- off topic: nothing matched and little shared vocabulary
    if status is None:
        answer_stems = [
            t.stem
            for s in sents
            for t in s.sentence.tokens
            if not t.filler and t.text not in tx.FUNCTION_WORDS and t.stem not in _GENERIC
        ]
        shared = sum(1 for st in answer_stems if st in comp.vocabulary)
        share = shared / max(1, len(answer_stems))
        any_kp = any(v > 0 for v in kp_credit.values())
        if not any_kp and not mc_hits and (share < 0.2 or shared < 2):
            status = "off_topic"

    # ---- answer-level structure: a bag of terms
    all_real = [t for s in sents for t in s.sentence.tokens if not t.filler]
    ratio = tx.function_word_ratio(all_real)
    listed = sum(len(s.toks) for s in sents if s.is_list)
    explained = sum(len(s.toks) for s in sents if not s.is_list and s.quality >= 0.5)
    bag = len(all_real) >= 6 and (ratio < BAG_RATIO or (listed >= 6 and explained < 8))
    # terms dressed up as sentences: several points named, none said anything about
    named_only = sum(1 for v in kp_credit.values() if v > 0) >= 2 and not explained_any
    bag = bag or named_only
    if bag and status is None:
        notes.append("reads as a list of terms without explanation; each criterion capped at 1")

    # ---- reference overlap (secondary evidence)
    ref_recall = 0.0
    if comp.reference:
        have = set().union(*(s.plain for s in sents))
        ref_recall = sum(w for st, w in comp.reference.items() if st in have) / sum(
            comp.reference.values()
        )
    avg_quality = (
        (sum(s.quality * len(s.toks) for s in sents) / max(1, sum(len(s.toks) for s in sents)))
        if sents
        else 0.0
    )
    ref_boost = min(1.0, ref_recall / 0.5) * avg_quality

    # ---- criteria
    criteria: list[CriterionScore] = []
    total_w = sum(c.weight for c in rubric.criteria) or 1.0
    overall = 0.0
    for crit in rubric.criteria:
        kps = [k for k in rubric.key_points if k.criterion == crit.id]
        wsum = sum(k.weight for k in kps)
        coverage = sum(k.weight * kp_credit[k.id] for k in kps) / wsum if wsum else 0.0
        if wsum == 0:
            coverage = ref_boost * 0.75
        lifted = coverage + REFERENCE_LIFT * ref_boost * (1 - coverage) if coverage > 0 else 0.0
        vague = 0.0
        floor, floor_phrase = 0, ""
        if status is None and not bag and not inj:
            vague = _relevance(comp, crit.id, sents, wrong_clauses.get(crit.id, {}), avg_quality)
            floor, floor_phrase = _level_floor(comp, crit.id, sents, wrong_clauses.get(crit.id, {}))
        raw = max(4.0 * max(lifted, vague), float(floor))
        found = [k.id for k in kps if kp_credit[k.id] >= 0.5]
        weak = [k.id for k in kps if 0 < kp_credit[k.id] < 0.5]
        missed = [k.id for k in kps if kp_credit[k.id] == 0]
        parts = []
        if found:
            parts.append("covered: " + ", ".join(found))
        if weak:
            parts.append("mentioned but not explained: " + ", ".join(weak))
        if floor and floor > 4.0 * max(lifted, vague):
            parts.append(f"says what a level-{floor} answer says ('{floor_phrase}')")
        elif vague > lifted and vague > 0:
            parts.append("on-topic words without a key point (small credit)")
        if missed:
            negs = [m for m in missed if kp_negated[m]]
            parts.append(
                "missed: "
                + ", ".join(missed)
                + (f" (negated in the answer: {', '.join(negs)})" if negs else "")
            )
        evidence: list[str] = []
        for k in kps:
            for e in kp_evidence[k.id]:
                if e not in evidence:
                    evidence.append(e)
        penalty = 0
        for mc in rubric.misconceptions:
            if mc.criterion == crit.id and mc.id in mc_hits:
                penalty += mc.penalty
                parts.append(f"wrong claim '{mc.id}' (-{mc.penalty})")
                for e in mc_hits[mc.id]:
                    if e not in evidence:
                        evidence.append(e)
        raw = max(0.0, min(4.0, raw - penalty))
        if bag and raw > 1:
            raw = 1.0
            parts.append("capped at 1: terms listed without explanation")
        if inj and raw > 1:
            raw = 1.0
            parts.append("capped at 1: the answer addresses the grader")
        if status is not None:
            raw = 0.0
            evidence = []
            parts = [_STATUS_TEXT[status]]
        score = int(round(raw + 1e-9))
        criteria.append(
            CriterionScore(
                id=crit.id,
                score=score,
                rationale="; ".join(parts) if parts else "no key point of this criterion was found",
                evidence=evidence,
            )
        )
        overall += crit.weight * (raw if FRACTIONAL_OVERALL else score)
    overall = overall / total_w if rubric.criteria else 0.0
    if status is not None:
        overall = 0.0
        notes.append(_STATUS_TEXT[status])

    return Grade(
        question_id=rubric.id,
        overall=_round2(max(0.0, min(4.0, overall))),
        criteria=criteria,
        key_points=[
            KeyPointResult(
                id=k.id,
                covered=status is None and kp_credit[k.id] >= 0.5,
                # not covered but with evidence = mentioned without being explained
                evidence=kp_evidence[k.id] if status is None and kp_credit[k.id] > 0 else [],
            )
            for k in rubric.key_points
        ],
        misconceptions=[
            MisconceptionResult(
                id=m.id,
                detected=status is None and m.id in mc_hits,
                evidence=mc_hits.get(m.id, []) if status is None else [],
            )
            for m in rubric.misconceptions
        ],
        grader="offline",
        status=status or "graded",
        notes=notes,
    )


_STATUS_TEXT = {
    "empty": "no answer was given",
    "not_an_answer": "not an answer (a request to repeat, 'I don't know', or text aimed at the grader)",
    "off_topic": "the answer does not address this question",
}


# ---------------------------------------------------------------------------------------------
# Reference-answer mode
# ---------------------------------------------------------------------------------------------


def token_recall(question: str, reference: str, answer: str) -> float:
    """Share of the reference's content stems (question words demoted) found in the answer."""
    q = set(tx.content_stems(question))
    ref = [s for s in dict.fromkeys(tx.content_stems(reference)) if s != "not"]
    if not ref:
        return 0.0
    have = set(tx.content_stems(answer))
    weights = {s: (0.2 if s in q else 1.0) for s in ref}
    return sum(w for s, w in weights.items() if s in have) / sum(weights.values())


def _similarity(question: str, reference: str, answer: str) -> tuple[float, str]:
    try:
        from agent.grading.reference import reference_similarity  # type: ignore[attr-defined]
    except ImportError:
        return token_recall(question, reference, answer), "token recall"
    return float(reference_similarity(question, reference, answer)), "reference similarity"


def _grade_reference(rubric: Rubric, answer: str) -> Grade:
    """Reference-answer mode: the score is the similarity to the reference answer (0-1, x4);
    key points derived from the reference are still reported as covered or missed."""
    inj = injection_spans(answer)
    sents = _prepare(answer, inj)
    status = _status_check(answer, sents, bool(inj))
    if status is None and not answer.strip():
        status = "empty"
    reference = "\n".join(x for x in (rubric.reference.standard, rubric.reference.short) if x)
    notes = ["graded against the reference answer only"]
    kept = " ".join(s.text for s in sents)
    sim, method = (0.0, "none") if status else _similarity(rubric.question, reference, kept)
    sim = max(0.0, min(1.0, sim))
    overall = 4.0 * sim
    if inj:
        overall = min(overall, 1.0)
        notes.append("text addressed to the grader was ignored; score capped at 1")
    if status:
        overall = 0.0
        notes.append(_STATUS_TEXT[status])
    by_cues = _grade_rubric(rubric, answer) if rubric.criteria else None
    evidence = [s.text for s in sents][:3] if not status else []
    criteria = [
        CriterionScore(
            id=rubric.criteria[0].id if len(rubric.criteria) == 1 else "reference",
            score=int(round(overall + 1e-9)),
            rationale=f"{method} with the reference answer: {sim:.2f}",
            evidence=evidence,
        )
    ]
    if len(rubric.criteria) > 1:
        # Derived criteria (e.g. main idea / coverage) each cover part of the reference: each is
        # scored on its own part, with the quotes that matched its points. The overall stays
        # the similarity with the whole reference.
        criteria = []
        cue_crit = {c.id: c for c in by_cues.criteria} if by_cues else {}
        for crit in rubric.criteria:
            part = "\n".join(k.text for k in rubric.key_points if k.criterion == crit.id)
            csim, _ = (
                (0.0, method) if status or not part else _similarity(rubric.question, part, kept)
            )
            csim = max(0.0, min(1.0, csim))
            cscore = 4.0 * csim if not inj else min(1.0, 4.0 * csim)
            cev = list(cue_crit[crit.id].evidence) if crit.id in cue_crit and not status else []
            criteria.append(
                CriterionScore(
                    id=crit.id,
                    score=int(round(cscore + 1e-9)),
                    rationale=f"{method} with this criterion's part of the reference "
                    f"({sum(1 for k in rubric.key_points if k.criterion == crit.id)} points): "
                    f"{csim:.2f}",
                    evidence=cev,
                )
            )
    return Grade(
        question_id=rubric.id,
        overall=_round2(overall),
        criteria=criteria,
        key_points=by_cues.key_points
        if by_cues and not status
        else [KeyPointResult(id=k.id, covered=False) for k in rubric.key_points],
        misconceptions=by_cues.misconceptions
        if by_cues and not status
        else [MisconceptionResult(id=m.id, detected=False) for m in rubric.misconceptions],
        grader="offline",
        status=status or "graded",
        notes=notes,
    )
