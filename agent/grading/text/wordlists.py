"""Word lists behind Viva's text analysis: negators and negating phrases, denial and filler
words, grammatical words, common speech-recognition slips, abbreviations and multi-word
synonyms. Data only: the replacement tables are in `phrases.toml`."""

from __future__ import annotations

import tomllib
from pathlib import Path


def _read_phrase_tables(path: Path) -> dict[str, dict[tuple[str, ...], tuple[str, ...]]]:
    """Each table of `phrases.toml` as {words: replacement words}, both token tuples."""
    tables = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        name: {tuple(words.split()): tuple(meant.split()) for words, meant in table.items()}
        for name, table in tables.items()
    }


_PHRASES = _read_phrase_tables(Path(__file__).with_name("phrases.toml"))

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

ASR_FIXES = _PHRASES["asr_fixes"]
"""Speech-recognition slips and spoken spellings: what Whisper wrote -> what was said."""


# ---------------------------------------------------------------------------------------------
# Abbreviations and synonyms
# ---------------------------------------------------------------------------------------------

ABBREVIATIONS = {words[0]: meaning for words, meaning in _PHRASES["abbreviations"].items()}
"""Abbreviations -> the words they stand for (applied to answers AND cues, so 'BN' meets a cue
'batch norm' and a cue 'SGD' meets 'stochastic gradient descent'). 'half' only as 'half
precision' (see `_SYNONYM_SEQS`)."""

_UPPER_ONLY = frozenset("bn ln gd kd dp tp pp sm sms wd bs".split())
"""Ambiguous in lower case ('ln' the natural log, 'bn' a billion, 'bs', 'pp', 'sm'): expanded only
when written in capitals."""

_SYNONYM_SEQS = _PHRASES["synonyms"]
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
