"""Yes or no, read from the cited evidence; or neither, when the evidence does not settle it.

The evidence answers "no" when it negates ("not", "never", "no prior", "ruled out") or sets
a word of the question against its opposite ("most" against "few", "won" against "lost");
it answers "yes" when it states the question's content without either, and covers most of
it; anything else is undecided, and the answer says what the article says without a yes or
no. A negated question ("isn't Ukraine in NATO?") is answered about the fact, as English
does: "No, it is not".

    >>> polarity("is ukraine even in nato?", "Ukraine is not currently a NATO member.")
    'no'
    >>> polarity("was var used in the game?", "VAR was used to confirm the penalty.")
    'yes'
    >>> polarity("did the mayor resign?", "The council met on Friday.")
    ''
"""

from __future__ import annotations

import re

from rag.stems import stem_words

_NEGATIONS = re.compile(
    r"\b(?:not|never|no|none|nobody|nothing|neither|nor|without|cannot|unable|no longer|"
    r"ruled out|rule out|denied|denies|refused|refuses|rejected|rejects|failed to|"
    r"first time|for the first time|no prior|unknown)\b|n['’]t\b",
    re.I,
)
_OPPOSITES = [
    ("most", "few"), ("majority", "minority"), ("approve", "reject"), ("won", "lost"),
    ("win", "lose"), ("increase", "decrease"), ("rise", "fall"), ("up", "down"),
    ("open", "closed"), ("alive", "dead"), ("support", "oppose"), ("for", "against"),
    ("allowed", "banned"), ("legal", "illegal"), ("more", "less"), ("guilty", "innocent"),
    ("accept", "refuse"), ("agree", "disagree"), ("before", "after"), ("higher", "lower"),
]  # fmt: skip
_STOP = frozenset(
    "the a an of to in on at for by with is are was were be been do does did has have had "
    "will would can could should may might must it its this that these those there their "
    "they he she his her them any all even really still ever at all so just yet also or "
    "and what who whom which when where why how i you we our us not no".split()
)
COVERAGE = 0.5  # share of the question's content stems the evidence must hold for a "yes"


def content_stems(text: str) -> set[str]:
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP]
    return set(stem_words(words))


def _opposed(question: str, evidence: str) -> bool:
    q, e = (
        set(re.findall(r"[a-z]+", question.lower())),
        set(re.findall(r"[a-z]+", evidence.lower())),
    )
    return any((a in q and b in e and a not in e) or (b in q and a in e and b not in e)
               for a, b in _OPPOSITES)  # fmt: skip


def polarity(question: str, evidence: str) -> str:
    """ "yes", "no", or "" (undecided) for a yes/no question and its evidence sentence."""
    asked = content_stems(question)
    if not asked:
        return ""
    covered = len(asked & content_stems(evidence)) / len(asked)
    evidence_negates = bool(_NEGATIONS.search(evidence))
    if evidence_negates and covered > 0:
        return "no"
    if _opposed(question, evidence) and covered > 0:
        return "no"
    if covered >= COVERAGE and not evidence_negates:
        return "yes"
    return ""
