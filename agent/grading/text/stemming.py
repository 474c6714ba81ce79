"""Word stems: the Porter algorithm from PyStemmer (Snowball's C implementation), plus the few
rules Viva's matching relies on: every negator stems to 'not', irregular forms meet their base,
and adjective/noun and comparative forms meet (noisy/noise -> nois, larger/large -> larg)."""

from __future__ import annotations

import threading
from functools import lru_cache

from agent.grading.text.wordlists import NEGATORS

_local = threading.local()


def _stemmer():
    """One PyStemmer object per thread (they are not thread-safe); imported on first use."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("porter")
    return stemmer


def _is_cons(word: str, i: int) -> bool:
    ch = word[i]
    if ch in "aeiou":
        return False
    if ch == "y":
        return i == 0 or not _is_cons(word, i - 1)
    return True


def _measure(word: str) -> int:
    """Porter's m: the number of vowel-consonant sequences, [C](VC)^m[V]."""
    pattern = "".join("c" if _is_cons(word, i) else "v" for i in range(len(word)))
    return pattern.count("vc")


def _ends_double_cons(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _is_cons(word, len(word) - 1)


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
    out = _stemmer().stemWord(word)
    # Light extras so that adjective/noun and comparative forms meet: noisy/noise -> nois,
    # larger/large -> larg, flatter/flat -> flat.
    if len(out) > 4 and out.endswith("i"):
        out = out[:-1]
    if len(out) >= 5 and out.endswith("er") and _measure(out[:-2]) == 1:
        out = out[:-2]
        if _ends_double_cons(out) and out[-1] not in "lsz":
            out = out[:-1]
    return out
