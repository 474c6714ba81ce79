"""Word classes the offline grader treats specially, as stem sets: words that keep their
meaning in cues, generic words, light and glue verbs, judgement words, and words of the level
descriptions that talk about the answer rather than the subject."""

from __future__ import annotations

from agent.grading import text as tx

MEANINGFUL = frozenset(
    "too always never not no more less most least only all each every per down up out off over "
    "under before after same both against toward towards without until instead rather between "
    "across within i my me myself".split()
)


GENERIC = frozenset(
    tx.stem(w)
    for w in "model models training train data thing things use used using way ways example also "
    "really basically actually question answer think know say just one two get make".split()
)


LIGHT_VERBS = frozenset(
    tx.stem(w) for w in "make makes made get gets do does be let become".split()
)
"""Glue verbs dropped from cues: 'sqrt makes the weights sum to one' ~ 'sqrt so the weights sum'."""


LIGHT = frozenset(
    tx.stem(w)
    for w in "have has had use uses used involve involves relate relates related include includes "
    "contain contains mention mentions concern concerns matter matters exist exists there thing "
    "things concept concepts stuff topic topics key important basically about part parts "
    "term terms idea ideas aspect aspects".split()
)


EVALUATIVE = frozenset(
    tx.stem(w)
    for w in "good bad better worse best worst fast faster slow slower big bigger small smaller "
    "large larger high higher low lower many much few lot lots often happen happens work works "
    "speed quick quickly easy hard why how".split()
)
"""Judgement and quantity words: a question's 'better' or 'faster' does not make an answer that
says 'better' on-topic."""


META = frozenset(
    tx.stem(w)
    for w in "say says name names named state states explain explains explained explanation "
    "mention mentions mentioned give gives given reason reasons concrete partial without "
    "candidate answer level levels adds add describe describes point points clear clearly "
    "specific correct correctly wrong vague only".split()
)
"""Words of the level descriptions that talk about the answer, not the subject."""
