"""Text utilities shared by the graders: tokens with offsets, a Porter stemmer, sentences and
clauses, speech fillers, common speech-recognition slips, and negation scope.

Everything here is pure and deterministic. Tokens keep their character span in the ORIGINAL
text, so evidence quoted from an answer is always an exact substring of what the candidate said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# ---------------------------------------------------------------------------------------------
# Porter stemmer (M. F. Porter, 1980), written out here to avoid a dependency.
# ---------------------------------------------------------------------------------------------

_VOWELS = frozenset("aeiou")


def _is_cons(word: str, i: int) -> bool:
    ch = word[i]
    if ch in _VOWELS:
        return False
    if ch == "y":
        return i == 0 or not _is_cons(word, i - 1)
    return True


def _measure(stem: str) -> int:
    """m in [C](VC)^m[V]."""
    m = 0
    i = 0
    n = len(stem)
    while i < n and _is_cons(stem, i):
        i += 1
    while i < n:
        while i < n and not _is_cons(stem, i):
            i += 1
        if i >= n:
            break
        while i < n and _is_cons(stem, i):
            i += 1
        m += 1
    return m


def _has_vowel(stem: str) -> bool:
    return any(not _is_cons(stem, i) for i in range(len(stem)))


def _ends_double_cons(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _is_cons(word, len(word) - 1)


def _cvc(word: str) -> bool:
    if len(word) < 3:
        return False
    return (
        _is_cons(word, len(word) - 3)
        and not _is_cons(word, len(word) - 2)
        and _is_cons(word, len(word) - 1)
        and word[-1] not in "wxy"
    )


_STEP2 = [
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("bli", "ble"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
    ("logi", "log"),
]
_STEP3 = [
    ("icate", "ic"),
    ("ative", ""),
    ("alize", "al"),
    ("iciti", "ic"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
]
_STEP4 = [
    "al",
    "ance",
    "ence",
    "er",
    "ic",
    "able",
    "ible",
    "ant",
    "ement",
    "ment",
    "ent",
    "ion",
    "ou",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
]


def _porter(word: str) -> str:
    if len(word) <= 2:
        return word
    # Step 1a
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ies"):
        word = word[:-2]
    elif word.endswith("ss"):
        pass
    elif word.endswith("s"):
        word = word[:-1]
    # Step 1b
    extra = False
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    elif word.endswith("ed") and _has_vowel(word[:-2]):
        word = word[:-2]
        extra = True
    elif word.endswith("ing") and _has_vowel(word[:-3]):
        word = word[:-3]
        extra = True
    if extra:
        if word.endswith(("at", "bl", "iz")):
            word += "e"
        elif _ends_double_cons(word) and word[-1] not in "lsz":
            word = word[:-1]
        elif _measure(word) == 1 and _cvc(word):
            word += "e"
    # Step 1c
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    # Step 2
    for suffix, repl in _STEP2:
        if word.endswith(suffix):
            if _measure(word[: -len(suffix)]) > 0:
                word = word[: -len(suffix)] + repl
            break
    # Step 3
    for suffix, repl in _STEP3:
        if word.endswith(suffix):
            if _measure(word[: -len(suffix)]) > 0:
                word = word[: -len(suffix)] + repl
            break
    # Step 4
    for suffix in _STEP4:
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if _measure(stem) > 1:
                if suffix == "ion":
                    if stem.endswith(("s", "t")):
                        word = stem
                else:
                    word = stem
            break
    # Step 5a
    if word.endswith("e"):
        stem = word[:-1]
        m = _measure(stem)
        if m > 1 or (m == 1 and not _cvc(stem)):
            word = stem
    # Step 5b
    if _measure(word) > 1 and _ends_double_cons(word) and word.endswith("l"):
        word = word[:-1]
    return word


# Irregular forms the suffix rules cannot see, and spelling variants.
_IRREGULAR = {
    "went": "go",
    "goes": "go",
    "does": "do",
    "did": "do",
    "done": "do",
    "has": "have",
    "had": "have",
    "was": "be",
    "were": "be",
    "been": "be",
    "being": "be",
    "is": "be",
    "are": "be",
    "am": "be",
    "uses": "use",
    "used": "use",
    "using": "use",
    "gone": "go",
    "took": "take",
    "taken": "take",
    "found": "find",
    "got": "get",
    "gotten": "get",
    "ran": "run",
    "fell": "fall",
    "fallen": "fall",
    "grew": "grow",
    "grown": "grow",
    "chose": "choose",
    "chosen": "choose",
    "led": "lead",
    "held": "hold",
    "left": "leave",
    "made": "make",
    "minima": "minimum",
    "maxima": "maximum",
    "optima": "optimum",
    "data": "data",
    "bias": "bias",
    "biases": "bias",
    "biased": "bias",
    "loss": "loss",
    "losses": "loss",
    "gpus": "gpu",
    "generalisation": "generalization",
    "generalise": "generalize",
    "generalises": "generalizes",
    "optimise": "optimize",
    "optimiser": "optimizer",
    "optimisers": "optimizers",
    "optimisation": "optimization",
    "regularisation": "regularization",
    "normalisation": "normalization",
    "normalise": "normalize",
    "utilisation": "utilization",
    "behaviour": "behavior",
    "better": "good",
    "best": "good",
    "worse": "bad",
    "worst": "bad",
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one lowercase word: 'converges', 'converged', 'converging' -> 'converg'.

    Every negator stems to 'not', so a cue 'no guarantee' matches 'not guaranteed'."""
    word = word.lower().replace("'", "")
    if word in NEGATORS or word == "non":
        return "not"
    word = _IRREGULAR.get(word, word)
    if not word.isalpha() or len(word) <= 3:
        return word
    out = _porter(word)
    # Light extras so that adjective/noun and comparative forms meet: noisy/noise -> nois,
    # larger/large -> larg, flatter/flat -> flat.
    if len(out) > 4 and out.endswith("i"):
        out = out[:-1]
    if len(out) >= 5 and out.endswith("er") and _measure(out[:-2]) == 1:
        out = out[:-2]
        if _ends_double_cons(out) and out[-1] not in "lsz":
            out = out[:-1]
    return out


# ---------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------

NEGATORS = frozenset(
    "not no never neither nor without cannot none nothing nobody nowhere hardly barely".split()
)
"""Words that open a negation scope (contractions are expanded to 'not' first)."""

_NEGATING_PHRASES = [
    ("opposite", "of"),
    ("instead", "of"),
    ("rather", "than"),
    ("contrary", "to"),
    ("as", "opposed", "to"),
    ("unlike",),
    ("fail", "to"),
    ("fails", "to"),
    ("failed", "to"),
    ("unable", "to"),
    ("far", "from"),
]
"""Phrases that negate what follows them ('the opposite of', 'instead of', 'rather than')."""

DENIAL_WORDS = frozenset(
    "myth misconception fallacy wrong incorrect false untrue mistaken misleading naive".split()
)
"""Words that mark a claim as reported in order to reject it ('it's a myth that ...')."""

SCOPE_BREAKERS = frozenset(
    "but however although though whereas instead while yet so because since which whereby "
    "therefore thus hence and then".split()
)
"""Words that end a negation scope."""

NEG_WINDOW = 8
"""A negator reaches at most this many words ahead (commas and scope breakers end it sooner)."""

FILLERS = frozenset("um umm uh uhh uhm erm er ah ahh hmm mm mhm okay ok".split())

FUNCTION_WORDS = frozenset(
    """
a an the this that these those it its it's they them their there here he she we you i me my our
your is are was were be been being am has have had having do does did doing will would shall
should can could may might must to of in on at by for with from into onto over under about as
than then so because since when while if whether which who whom whose what where why how also
too very more most less least only just not no and or but nor yet both either each every all any
some such same other another up down out off again further once even still already often usually
always sometimes never per via against through across toward towards between among along
around within without until after before during like instead rather
""".split()
)
"""Grammatical words. Real explanations are full of them; a salad of buzzwords is not."""

PREDICATE_WORDS = frozenset(
    """
is are was were be been being am has have had do does did will would shall should can could may
might must because so since when if which that means mean lets let makes make causes cause gives
give helps help reduces reduce increases increase uses use takes take needs need depends depend
leads lead allows allow keeps keep moves move goes go gets get find finds tends tend
i you we it they he she this these those there one compute computes update updates take takes
run runs store stores save saves split splits divide divides multiply multiplies add adds
subtract apply applies avoid avoids fit fits learn learns push pushes shrink shrinks grow grows
scale scales stay stays check checks look looks see try start stop drop drops turn turns pick
picks choose want need would
""".split()
)
"""Words that signal a predicate or a connection between ideas."""

# Speech-recognition slips and spoken spellings, as token sequences -> replacement tokens.
ASR_FIXES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("sed",): ("sgd",),
    ("s", "g", "d"): ("sgd",),
    ("ess", "gee", "dee"): ("sgd",),
    ("mini", "match"): ("mini", "batch"),
    ("mini", "matches"): ("mini", "batches"),
    ("mini", "bat"): ("mini", "batch"),
    ("many", "batch"): ("mini", "batch"),
    ("low", "array"): ("lora",),
    ("laura",): ("lora",),
    ("cooter",): ("cuda",),
    ("could", "a", "kernel"): ("cuda", "kernel"),
    ("atom", "optimizer"): ("adam", "optimizer"),
    ("add", "them", "optimizer"): ("adam", "optimizer"),
    ("drop", "out"): ("dropout",),
    ("back", "prop"): ("backprop",),
    ("back", "propagation"): ("backpropagation",),
    ("over", "fitting"): ("overfitting",),
    ("over", "fit"): ("overfit",),
    ("over", "fits"): ("overfits",),
    ("under", "fitting"): ("underfitting",),
    ("gradient", "decent"): ("gradient", "descent"),
    ("radiant", "descent"): ("gradient", "descent"),
    ("great", "in", "descent"): ("gradient", "descent"),
    ("learning", "weight"): ("learning", "rate"),
    ("bachelor", "size"): ("batch", "size"),
    ("bad", "size"): ("batch", "size"),
    ("batch", "sized"): ("batch", "size"),
    ("patch", "size"): ("batch", "size"),
    ("v", "ram"): ("vram",),
    ("h", "b", "m"): ("hbm",),
    ("s", "ram"): ("sram",),
    ("f", "p", "16"): ("fp16",),
    ("fp", "16"): ("fp16",),
    ("bf", "16"): ("bf16",),
    ("b", "f", "16"): ("bf16",),
    ("b", "float", "16"): ("bf16",),
    ("fp", "32"): ("fp32",),
    ("f", "p", "32"): ("fp32",),
    ("soft", "max"): ("softmax",),
    ("ray", "lu"): ("relu",),
    ("o", "o", "m"): ("oom",),
    ("n", "vidia"): ("nvidia",),
    ("in", "video"): ("nvidia",),
    ("kuda",): ("cuda",),
    ("coda",): ("cuda",),
    ("adam", "w"): ("adamw",),
}

_CONTRACTIONS = [
    (re.compile(r"\b(can)'?t\b", re.I), r"\1 not"),
    (re.compile(r"\bwon'?t\b", re.I), "will not"),
    (re.compile(r"\bshan'?t\b", re.I), "shall not"),
    (re.compile(r"\bain'?t\b", re.I), "is not"),
    (re.compile(r"n't\b", re.I), " not"),
]

_TOKEN_RE = re.compile(
    r"\d+(?:[.,]\d+)+(?![A-Za-z0-9])|[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)?|%|[.!?;:,\u2014\u2013()\"]|--|\s-\s"
)
_NUMBER_RE = re.compile(r"^\d+(?:[.,]\d+)*$")
NUMBER_STEM = "#num"
"""Extra index stem every number carries; a cue word written `<num>` matches any number."""
_SENTENCE_END = frozenset(".!?;")
_CLAUSE_BREAK = frozenset(':,\u2014\u2013()"') | {"--", "-"}


@dataclass(frozen=True)
class Token:
    text: str
    """Lowercased surface form (contractions expanded: "isn't" gives 'is', 'not')."""
    stem: str
    start: int
    end: int
    """Span of the source word in the original answer text."""
    negated: bool = False
    neg_distance: int = 0
    """Words since the negation this token is in the scope of (0 = not negated)."""
    filler: bool = False
    denied: bool = False
    """Inside a denial-of-knowledge frame ("I don't know what X means", "never heard of X"): the
    candidate names X without claiming it, so X earns nothing (it is also marked negated)."""


@dataclass
class Clause:
    """A stretch of words between clause breaks (sentence ends, ';', ',', 'but', dashes...)."""

    tokens: list[Token]
    sentence: int

    @property
    def stems(self) -> set[str]:
        return {t.stem for t in self.tokens if not t.filler}


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    tokens: list[Token] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)

    def text(self, source: str) -> str:
        return source[self.start : self.end].strip()


# ---------------------------------------------------------------------------------------------
# Tokenising
# ---------------------------------------------------------------------------------------------


def normalize_chars(text: str) -> str:
    """Curly quotes and odd spaces to plain ASCII, keeping every character's position."""
    table = {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
    return "".join(table.get(ch, ch) for ch in text)


def _raw_words(text: str) -> list[tuple[str, int, int]]:
    """(lowercased word or punctuation, start, end), contractions split into word + 'not'."""
    out: list[tuple[str, int, int]] = []
    for m in _TOKEN_RE.finditer(text):
        word = m.group(0).strip()
        start, end = m.start(), m.end()
        low = word.lower()
        if low == "%":
            out.append(("percent", start, end))
            continue
        if "'" in low:
            base, _, suffix = low.partition("'")
            if suffix == "t":  # isn't, doesn't, can't, won't
                if base.endswith("n") and base not in ("can", "won", "shan"):
                    base = base[:-1]
                base = {"won": "will", "shan": "shall", "ai": "is", "ca": "can"}.get(base, base)
                out.append((base, start, end))
                out.append(("not", start, end))
                continue
            if suffix == "s":
                out.append((base, start, end))
                if base in ("it", "that", "there", "what", "here", "he", "she", "who", "this"):
                    out.append(("is", start, end))
                continue
            if suffix in ("re", "ve", "ll", "d", "m"):
                out.append((base, start, end))
                out.append(
                    (
                        {"re": "are", "ve": "have", "ll": "will", "d": "would", "m": "am"}[suffix],
                        start,
                        end,
                    )
                )
                continue
            low = base + suffix
        out.append((low, start, end))
    return out


_ASR_FIRST = {k[0] for k in ASR_FIXES}


def _apply_asr_fixes(words: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    i = 0
    n = len(words)
    while i < n:
        if words[i][0] in _ASR_FIRST:
            for size in (3, 2, 1):
                if i + size > n:
                    continue
                repl = ASR_FIXES.get(tuple(w for w, _, _ in words[i : i + size]))
                if repl is not None:
                    start, end = words[i][1], words[i + size - 1][2]
                    out.extend((r, start, end) for r in repl)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        else:
            out.append(words[i])
            i += 1
    return out


# ---------------------------------------------------------------------------------------------
# Abbreviations and synonyms
# ---------------------------------------------------------------------------------------------

ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "bn": ("batch", "norm"),
    "ln": ("layer", "norm"),
    "lr": ("learning", "rate"),
    "lrs": ("learning", "rates"),
    "gd": ("gradient", "descent"),
    "sgd": ("stochastic", "gradient", "descent"),
    "nn": ("neural", "network"),
    "nns": ("neural", "networks"),
    "dnn": ("deep", "neural", "network"),
    "dnns": ("deep", "neural", "networks"),
    "cnn": ("convolutional", "neural", "network"),
    "cnns": ("convolutional", "neural", "networks"),
    "rnn": ("recurrent", "neural", "network"),
    "rnns": ("recurrent", "neural", "networks"),
    "mlp": ("multilayer", "perceptron"),
    "mlps": ("multilayer", "perceptrons"),
    "llm": ("large", "language", "model"),
    "llms": ("large", "language", "models"),
    "kd": ("knowledge", "distillation"),
    "oom": ("out", "of", "memory"),
    "ooms": ("out", "of", "memory"),
    "dp": ("data", "parallel"),
    "ddp": ("distributed", "data", "parallel"),
    "fsdp": ("fully", "sharded", "data", "parallel"),
    "tp": ("tensor", "parallel"),
    "pp": ("pipeline", "parallel"),
    "amp": ("automatic", "mixed", "precision"),
    "hbm": ("high", "bandwidth", "memory"),
    "sm": ("streaming", "multiprocessor"),
    "sms": ("streaming", "multiprocessors"),
    "kv": ("key", "value"),
    "val": ("validation",),
    "wd": ("weight", "decay"),
    "bs": ("batch", "size"),
    "mse": ("mean", "squared", "error"),
    "svm": ("support", "vector", "machine"),
    "moe": ("mixture", "of", "experts"),
    "grad": ("gradient",),
    "grads": ("gradients",),
    "param": ("parameter",),
    "params": ("parameters",),
    "ckpt": ("checkpoint",),
    "attn": ("attention",),
    "seqlen": ("sequence", "length"),
    "batchnorm": ("batch", "norm"),
    "layernorm": ("layer", "norm"),
    "float16": ("fp16",),
    "half": ("fp16",),
    "bfloat16": ("bf16",),
    "bfloat": ("bf16",),
    "float32": ("fp32",),
}
"""Abbreviations -> the words they stand for (applied to answers AND cues, so 'BN' meets a cue
'batch norm' and a cue 'SGD' meets 'stochastic gradient descent'). 'half' only as 'half
precision' (see `_SYNONYM_SEQS`)."""

_UPPER_ONLY = frozenset("bn ln gd kd dp tp pp sm sms wd bs".split())
"""Ambiguous in lower case ('ln' the natural log, 'bn' a billion, 'bs', 'pp', 'sm'): expanded only
when written in capitals."""

_SYNONYM_SEQS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("batch", "normalization"): ("batch", "norm"),
    ("batch", "normalisation"): ("batch", "norm"),
    ("layer", "normalization"): ("layer", "norm"),
    ("layer", "normalisation"): ("layer", "norm"),
    ("half", "precision"): ("fp16",),
    ("half", "precision", "float"): ("fp16",),
    ("single", "precision"): ("fp32",),
    ("full", "precision"): ("fp32",),
    ("brain", "float"): ("bf16",),
    ("brain", "float", "16"): ("bf16",),
    ("bfloat", "16"): ("bf16",),
    ("float", "16"): ("fp16",),
    ("float", "32"): ("fp32",),
    ("seq", "len"): ("sequence", "length"),
    ("seq", "length"): ("sequence", "length"),
    ("multi", "layer", "perceptron"): ("multilayer", "perceptron"),
    ("kv", "cache"): ("key", "value", "cache"),
}
"""Multi-word variants -> one canonical spelling ('half precision' = 'fp16')."""

_SYN_FIRST = {k[0] for k in _SYNONYM_SEQS}


def _apply_abbreviations(words: list[tuple[str, int, int]], src: str) -> list[tuple[str, int, int]]:
    """Expand abbreviations and canonicalise synonyms; expanded words keep the abbreviation's
    span, so quotes stay exact. 'LR' is read as learning rate unless the text talks about
    logistic regression."""
    logistic = "logistic" in src.lower()
    out: list[tuple[str, int, int]] = []
    i = 0
    n = len(words)
    while i < n:
        w, start, end = words[i]
        if w in _SYN_FIRST:
            for size in (3, 2):
                if i + size > n:
                    continue
                repl = _SYNONYM_SEQS.get(tuple(x for x, _, _ in words[i : i + size]))
                if repl is not None:
                    e = words[i + size - 1][2]
                    out.extend((r, start, e) for r in repl)
                    i += size
                    break
            else:
                repl = None
            if repl is not None:
                continue
        exp = ABBREVIATIONS.get(w)
        if exp is not None and w != "half":
            surface = src[start:end]
            if w in _UPPER_ONLY and not surface.rstrip("s").isupper():
                exp = None
            elif w in ("lr", "lrs") and logistic:
                exp = None
            if exp is not None:
                out.extend((r, start, end) for r in exp)
                i += 1
                continue
        out.append((w, start, end))
        i += 1
    return out


# ---------------------------------------------------------------------------------------------
# Denial of knowledge
# ---------------------------------------------------------------------------------------------

_DENY_SUBJECT = frozenset({"i", "we"})
_DENY_AUX = frozenset(
    "do does did am are is have has had can could will would really honestly actually just "
    "even quite fully totally".split()
)
_DENY_VERBS = frozenset(
    "know knew remember recall understand get heard hear seen learned learnt studied".split()
)
_WH = frozenset("what how why which where when whether".split())
_DENY_SCOPE_END = frozenset(
    "but however although though whereas yet because so instead since therefore thus hence "
    "anyway".split()
)


def _denial_frames(plain: list[str]) -> list[bool]:
    """Word flags for denial-of-knowledge frames: "I don't know what X means", "I'm not sure
    how X works", "I can't remember X", "(I have) never heard of X", "no idea what X is", "not
    familiar with X". The frame runs from its opening word to the end of the clause (a comma,
    a sentence end, or 'but', 'because', 'so'...; 'and' ends it before a new subject)."""
    flags = [False] * len(plain)
    n = len(plain)
    i = 0
    while i < n:
        start = None
        j = i
        w = plain[i]
        if w in _DENY_SUBJECT:
            j = i + 1
            while j < n and plain[j] in _DENY_AUX:
                j += 1
            if j < n and plain[j] in ("not", "never"):
                k = j + 1
                while k < n and plain[k] in _DENY_AUX:
                    k += 1
                if k < n and (
                    plain[k] in _DENY_VERBS
                    or (
                        plain[k] in ("sure", "certain", "clear")
                        and k + 1 < n
                        and plain[k + 1] in _WH
                    )
                    or (
                        plain[k] in ("familiar", "aware")
                        and k + 1 < n
                        and plain[k + 1] in ("with", "of")
                    )
                ):
                    start, j = i, k + 1
            elif (
                j < n
                and plain[j] in ("no", "zero")
                and j + 1 < n
                and plain[j + 1] in ("idea", "clue")
            ):
                start, j = i, j + 2
            elif j < n and plain[j] in ("forgot", "forget", "forgotten"):
                start, j = i, j + 1
        elif w == "never" and i + 1 < n and plain[i + 1] in ("heard", "seen", "learned", "learnt"):
            start, j = i, i + 2
        elif (
            w == "no"
            and i + 1 < n
            and plain[i + 1] in ("idea", "clue")
            and i + 2 < n
            and (plain[i + 2] in _WH or plain[i + 2] in ("about", "of"))
        ):
            start, j = i, i + 2
        if start is None:
            i += 1
            continue
        k = start
        while k < n:
            x = plain[k]
            if x in _SENTENCE_END or x in _CLAUSE_BREAK or not x:
                break
            if k >= j and x in _DENY_SCOPE_END:
                break
            if (
                k >= j
                and x == "and"
                and k + 1 < n
                and plain[k + 1] in ("i", "we", "you", "it", "they", "then", "so", "this")
            ):
                break
            flags[k] = True
            k += 1
        i = max(k, i + 1)
    return flags


def _mark_fillers(words: list[tuple[str, int, int]]) -> list[bool]:
    flags = [False] * len(words)
    n = len(words)
    for i, (w, _, _) in enumerate(words):
        if w in FILLERS:
            flags[i] = True
        elif w == "like":
            # "like" is a filler between commas/fillers, not in "it's like a ball rolling".
            prev = words[i - 1][0] if i else ","
            nxt = words[i + 1][0] if i + 1 < n else "."
            if prev in (",", ".") or prev in FILLERS or nxt in (",", ".") or nxt in FILLERS:
                flags[i] = True
        elif w == "you" and i + 1 < n and words[i + 1][0] == "know":
            # "you know" as a filler unless an object follows ("you know the gradient").
            nxt = words[i + 2][0] if i + 2 < n else "."
            if (
                nxt in (",", ".", "um", "uh", "like", "so", "it", "the", "i", "we")
                or nxt in FILLERS
            ):
                flags[i] = flags[i + 1] = True
        elif (
            w == "i"
            and i + 1 < n
            and words[i + 1][0] == "mean"
            and (i + 2 >= n or words[i + 2][0] in (",", "the", "it", "so", "like"))
        ):
            flags[i] = flags[i + 1] = True
    return flags


_NEG_PHRASE_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _phrase in _NEGATING_PHRASES:
    _NEG_PHRASE_FIRST.setdefault(_phrase[0], []).append(_phrase)


def _negating_phrase_at(words: list[str], i: int) -> int:
    """Length of a negating phrase starting at i, or 0."""
    for phrase in _NEG_PHRASE_FIRST.get(words[i], ()):
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


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
