"""Word lists behind Viva's text analysis: negators and negating phrases, denial and filler
words, grammatical words, common speech-recognition slips, abbreviations and multi-word
synonyms. Data only."""

from __future__ import annotations

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
