"""Yes or no, read from the cited evidence; or neither, when the evidence does not settle it.

The evidence answers "no" when it negates ("not", "never", "no prior", "ruled out") or sets
a word of the question against its opposite ("most" against "few", "won" against "lost");
it answers "yes" when it states nearly all of the question's content without either;
anything else is undecided, and the answer says what the article says without a yes or no.
A negated question ("isn't Ukraine in NATO?") is answered about the fact, as English does:
"No, it is not".

    >>> polarity("is ukraine even in nato?", "Ukraine is not currently a NATO member.")
    'no'
    >>> polarity("was var used to confirm the penalty?", "VAR was used to confirm the penalty.")
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
    ("succeeded", "stalled"), ("succeeded", "failed"), ("passed", "failed"), ("grow", "shrink"),
    ("survived", "died"), ("started", "ended"), ("start", "stop"), ("attend", "miss"),
]  # fmt: skip
_STOP = frozenset(
    "the a an of to in on at for by with is are was were be been do does did has have had "
    "will would can could should may might must it its this that these those there their "
    "they he she his her them any all even really still ever at all so just yet also or "
    "and what who whom which when where why how i you we our us not no".split()
)
COVERAGE = 0.5  # share of the question's content stems evidence must hold to say "no"
YES_COVERAGE = 0.8  # ... and to say "yes": nearly all of what the question asserts


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


def coverage(question: str, evidence: str) -> float:
    """Share of the question's content stems that the evidence holds."""
    asked = content_stems(question)
    return len(asked & content_stems(evidence)) / len(asked) if asked else 0.0


def polarity(question: str, evidence: str) -> str:
    """ "yes", "no", or "" (undecided) for a yes/no question and its evidence sentence.

    "no" needs a negation the question does not make itself, or a word set against its
    opposite, in evidence holding at least half the question's content; "yes" needs
    evidence that says (nearly) all of it: YES_COVERAGE of its content stems and no
    negation. Anything else is left undecided: never a guess.
    """
    covered = coverage(question, evidence)
    asked_negations = {m.group(0).lower() for m in _NEGATIONS.finditer(question)}
    negations = {m.group(0).lower() for m in _NEGATIONS.finditer(evidence)} - asked_negations
    if covered >= COVERAGE and (negations or _opposed(question, evidence)):
        return "no"
    if covered >= YES_COVERAGE and not negations:
        return "yes"
    return ""
