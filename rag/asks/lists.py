"""Lists in a sentence: "including Britain, Germany, Spain and Poland" as one span.

A coordination is a word with ``conj`` dependents in spaCy's parse; each conjunct's phrase is
its subtree without the conjuncts, conjunctions and commas hanging off it. A reader's span
that names one item is extended over its whole list; a list question whose span lies in no
list gets the sentence's list whose items are of the kind it asks for (places for
"countries", people for "who were the three …").

    >>> # "Which countries ruled out sending troops?" with the span "Britain":
    >>> # extend_over_list(doc, span) -> "Britain, Germany, Spain and Poland"

A "who" answered with a group ("NATO members") that the sentence goes on to name
("…, including Britain, Germany, Spain and Poland") gets the names too (``named_examples``,
from the text alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.asks.kinds import is_plural_noun

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# What a plural noun in the question asks for, as spaCy entity labels.
_ASKED_LABELS = {
    "countries": {"GPE", "NORP"},
    "nations": {"GPE", "NORP"},
    "states": {"GPE"},
    "cities": {"GPE"},
    "towns": {"GPE"},
    "places": {"GPE", "LOC", "FAC"},
    "teams": {"GPE", "ORG", "NORP"},
    "people": {"PERSON"},
    "men": {"PERSON"},
    "women": {"PERSON"},
    "players": {"PERSON"},
    "members": {"PERSON", "GPE", "ORG"},
}
_ORG_WORDS = frozenset(
    "groups organisations organizations companies churches parties newspapers papers "
    "universities unis agencies firms banks".split()
)


MAX_ITEM_WORDS = 6
_ITEM_POS = frozenset({"NOUN", "PROPN", "NUM", "ADJ"})
# "Along with X, what else …": the reader's span is the other item, not the list.
_EXCLUDES = re.compile(
    r"\b(along with|besides|in addition to|other than|apart from|aside from|except|"
    r"as well as|beside)\b",
    re.I,
)
_NOT_ITEM = frozenset({"conj", "cc", "punct", "appos", "relcl", "acl", "prep"})


@dataclass(frozen=True, slots=True)
class Coordination:
    start: int  # character offsets in the parsed text
    end: int
    items: tuple[str, ...]
    labels: frozenset[str]  # entity labels of its items

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


def _phrase(token: Token) -> tuple[int, int]:
    """Character span of a conjunct: its subtree less the conjuncts, "and" and commas."""
    skip: set[int] = set()
    for child in token.children:
        if (
            child.dep_ in {"conj", "cc", "punct", "appos", "relcl", "acl", "prep"}
            and child.i > token.i
        ):
            skip.update(t.i for t in child.subtree)
    kept = [t for t in token.subtree if t.i not in skip]
    return kept[0].idx, kept[-1].idx + len(kept[-1].text)


def coordinations(doc: Doc) -> list[Coordination]:
    """Every list of two or more coordinated phrases in ``doc``."""
    found = []
    for token in doc:
        if token.dep_ == "conj":
            continue
        conjuncts = [token, *[t for t in token.conjuncts if t.i > token.i]]
        if len(conjuncts) < 2 or any(t.pos_ not in _ITEM_POS for t in conjuncts):
            continue  # a list of things, not of clauses ("use three stages and are known")
        spans = [_phrase(t) for t in conjuncts]
        if any(len(doc.text[a:b].split()) > MAX_ITEM_WORDS for a, b in spans):
            continue  # items that are clauses, not names or things
        labels = frozenset(t.ent_type_ for t in conjuncts if t.ent_type_)
        items = tuple(doc.text[a:b] for a, b in spans)
        found.append(Coordination(spans[0][0], spans[-1][1], items, labels))
    return found


def asked_labels(question: str) -> set[str]:
    """The entity labels a plural noun in the question asks for ({} when none is known)."""
    words = question.lower().replace("?", " ").split()
    labels: set[str] = set()
    for word in words:
        labels |= _ASKED_LABELS.get(word, set())
        if word in _ORG_WORDS:
            labels |= {"ORG"}
    return labels


def list_span(doc: Doc, start: int, end: int, question: str) -> tuple[int, int] | None:
    """The span (character offsets in ``doc.text``) a list question should answer with: the
    reader's span [start, end) joined with the list it overlaps, else the list of the kind
    the question asks for, else None (keep the reader's span)."""
    if _EXCLUDES.search(question):
        return None
    lists = coordinations(doc)
    holding = [c for c in lists if c.overlaps(start, end)]
    if holding:
        widest = max(holding, key=lambda c: c.end - c.start)
        return min(widest.start, start), max(widest.end, end)
    wanted = asked_labels(question)
    fitting = [c for c in lists if wanted and c.labels & wanted and len(c.items) >= 2]
    if fitting:
        best = max(fitting, key=lambda c: len(c.items))
        return best.start, best.end
    return None


_WORD = r"[A-Z](?:[\w'’&-]|\.(?=\w))*"  # "U.S" keeps its dot; "Poland." does not
_NAME = rf"{_WORD}(?:\s+(?:of\s+|the\s+)?{_WORD})*"
_NAMES = re.compile(
    rf"\b(including|such as|among them|namely)\s+({_NAME}(?:,\s+{_NAME})*,?\s+(?:and|or)\s+{_NAME})"
)


def named_examples(sentence: str, start: int, end: int) -> tuple[str, tuple[int, int]] | None:
    """When the span [start, end) of ``sentence`` ends in a plural common noun (a group:
    "NATO members") and later in the sentence "including", "such as", "among them" or
    "namely" introduces two or more names: that word and the names' character span; else
    None. Pure text (no parse): a "who" about an indexed article stays light.

    >>> s = "Several NATO members ruled out troops, including Britain, Spain and Poland."
    >>> named_examples(s, 8, 20)
    ('including', (49, 74))
    """
    last = sentence[start:end].split()[-1:]
    if not last or not last[0].islower() or not is_plural_noun(last[0]):
        return None
    found = _NAMES.search(sentence, end)
    return None if found is None else (found.group(1), found.span(2))
