"""The people an article names, each with the role it gives them, read with spaCy.

    people = entities_in(article.sentences, docs)   # docs: the sentences parsed by spaCy
    people[0]  # Person(name="Dmitry Peskov", role="Kremlin spokesman", sentence=4, …)

A person is a PERSON entity; later mentions by surname or first name ("Peskov") are the same
person. The role is what the article puts beside a mention: the words before the name in its
noun phrase ("Kremlin spokesman Dmitry Peskov"), or an apposition ("Phillip Chan, 62, the
head diver of the defunct facility"). A person is quoted when a mention is the subject of a
verb of saying ("Peskov told reporters") or is named "according to". Organisations are read
the same way, for articles that name no one or asks about groups.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rag.types import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SPEECH_VERBS = frozenset(
    "say tell add state note argue describe claim write explain warn comment ask insist "
    "announce report reply respond continue suggest believe think call admit confirm deny "
    "urge praise criticise criticize welcome acknowledge predict stress vow pledge".split()
)
# Words before a name that are no role: articles, possessives, counts, honorifics alone.
_NOT_ROLE = frozenset("the a an his her their its this that mr mrs ms dr. dr mr. mrs. ms.".split())
_TITLES = frozenset(
    "president minister prime senator governor mayor chancellor king queen prince judge "
    "general captain coach director chairman chief professor doctor reverend sir lord "
    "lady pope bishop officer sheriff spokesman spokeswoman".split()
)
ORG_LABELS = ("ORG",)
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass
class Person:
    name: str  # the fullest mention: "Dmitry Peskov"
    sentence: int  # where it is first named
    role: str = ""  # "" when the article gives none
    role_sentence: int = 0  # where the role is given
    mentions: list[int] = field(default_factory=list)  # sentence numbers, in order
    quoted_in: list[int] = field(default_factory=list)  # sentences where they speak

    @property
    def is_quoted(self) -> bool:
        return bool(self.quoted_in)

    @property
    def cited(self) -> int:
        return self.role_sentence or self.sentence


def clean_name(text: str) -> str:
    """ "Peskov’s" -> "Peskov"; whitespace folded."""
    return _POSSESSIVE.sub("", " ".join(text.split())).strip(' ,.;:"“”')


def role_of(ent: Span) -> str:
    """What the sentence puts beside the entity: its noun phrase's words before the name,
    or its apposition ("" when neither)."""
    root = ent.root
    for child in root.children:  # "Chan, 62, the head diver of the facility"
        if child.dep_ == "appos" and not child.like_num and child.i >= ent.end:
            words = [t for t in child.subtree if not (t.is_punct and t.i == child.right_edge.i)]
            text = " ".join(t.text for t in words)
            if len(text.split()) >= 2 or child.pos_ in {"NOUN", "PROPN"}:
                return _trimmed(text)
    if root.dep_ == "appos" and root.head.i < ent.start and root.head.pos_ == "NOUN":
        head = root.head  # "the health secretary, Alex Neil"
        words = [t for t in head.subtree if t.i < ent.start and not t.is_punct]
        return _trimmed(" ".join(t.text for t in words))
    left = [c for c in root.lefts if c.i < ent.start and c.dep_ in {"compound", "amod", "nmod"}]
    if left:
        start = min(t.left_edge.i for t in left)
        words = [t for t in ent.doc[start : ent.start] if not t.is_punct]
        text = _trimmed(" ".join(t.text for t in words))
        if text and text.lower() not in _NOT_ROLE:
            return text
    return ""


def _trimmed(text: str) -> str:
    words = text.replace(" ,", ",").replace(" 's", "'s").replace(" ’s", "’s").split()
    while words and words[0].lower() in _NOT_ROLE:
        words = words[1:]
    return " ".join(words).strip(" ,;:")


def is_quoted(ent: Span) -> bool:
    """The entity speaks: subject of a verb of saying, or named "according to"."""
    root = ent.root
    if root.dep_ in {"nsubj", "nsubjpass"} and root.head.lemma_.lower() in SPEECH_VERBS:
        return True
    if root.dep_ == "appos" and root.head.dep_ == "nsubj":
        return root.head.head.lemma_.lower() in SPEECH_VERBS
    head: Token = root.head
    return head.dep_ == "prep" and head.lower_ == "to" and head.head.lower_ == "according"


def entities_in(
    sentences: Sequence[Sentence], docs: Sequence[Doc], labels: tuple[str, ...] = ("PERSON",)
) -> list[Person]:
    """Each person (or organisation, with ``labels=ORG_LABELS``) the article names, in the
    order first named, mentions by surname or first name merged into the full name."""
    found: list[Person] = []
    by_word: dict[str, Person] = {}
    for sentence, doc in zip(sentences, docs, strict=True):
        for ent in doc.ents:
            if ent.label_ not in labels:
                continue
            name = clean_name(ent.text)
            role = role_of(ent)
            if labels == ("PERSON",) and len(name.split()) == 1 and _is_name_part(role):
                name, role = f"{role} {name}", ""  # "Dries Mertens", tagged as "Mertens"
            words = name.lower().split()
            if not words or not any(ch.isalpha() for ch in name):
                continue
            key = " ".join(words) if labels != ("PERSON",) else words[-1]
            person = by_word.get(key) or (by_word.get(words[0]) if len(words) == 1 else None)
            if person is None:
                person = Person(name=name, sentence=sentence.idx)
                found.append(person)
            elif len(name) > len(person.name):
                person.name = name
            for word in words if labels == ("PERSON",) else [key]:
                by_word.setdefault(word, person)
            if sentence.idx not in person.mentions:
                person.mentions.append(sentence.idx)
            if not person.role and role:
                person.role, person.role_sentence = role, sentence.idx
            if is_quoted(ent) and sentence.idx not in person.quoted_in:
                person.quoted_in.append(sentence.idx)
    if labels == ("PERSON",):
        found = [p for p in found if _looks_like_full_name(p.name)]
    return found


def _is_name_part(role: str) -> bool:
    """A first name the tagger left out of the entity: one capitalised word, not a title."""
    return len(role.split()) == 1 and role[:1].isupper() and role.lower() not in _TITLES


def _looks_like_full_name(name: str) -> bool:
    """Two or more words, each capitalised: news names a person in full at least once."""
    words = name.split()
    return len(words) >= 2 and all(w[0].isupper() for w in words if w[0].isalpha())


def find_person(people: Sequence[Person], name: str) -> Person | None:
    """The person ``name`` (as typed: "peskov", "jim hume") refers to, or None."""
    wanted = [w for w in clean_name(name).lower().split() if len(w) > 1]
    best, overlap = None, 0
    for person in people:
        words = set(person.name.lower().split())
        shared = sum(w in words for w in wanted)
        if shared > overlap:
            best, overlap = person, shared
    return best
