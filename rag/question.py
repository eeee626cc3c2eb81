"""What a question asks for: its answer type and its content terms. Pure over spaCy docs.

who ruled out sending troops?   -> kind "who",    labels PERSON/ORG/GPE/NORP
how many members does NATO have -> kind "count",  labels CARDINAL/QUANTITY
which day did the Kremlin warn  -> kind "day",    labels DATE
is Ukraine a NATO member?       -> kind "yesno"
why/what/how …                  -> kind "describe": answered with a trimmed clause
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

PEOPLE = ("PERSON", "ORG", "GPE", "NORP")
_TYPED_NOUNS: dict[str, tuple[str, tuple[str, ...]]] = {
    # "which/what <noun>" -> (kind, entity labels)
    "day": ("day", ("DATE",)),
    "date": ("when", ("DATE",)),
    "month": ("when", ("DATE",)),
    "year": ("when", ("DATE",)),
    "time": ("when", ("TIME", "DATE")),
    "country": ("where", ("GPE", "NORP")),
    "countries": ("where", ("GPE", "NORP")),
    "nation": ("where", ("GPE", "NORP")),
    "nations": ("where", ("GPE", "NORP")),
    "city": ("where", ("GPE", "LOC")),
    "state": ("where", ("GPE",)),
    "place": ("where", ("GPE", "LOC", "FAC")),
    "person": ("who", ("PERSON",)),
    "president": ("who", ("PERSON",)),
    "leader": ("who", ("PERSON",)),
    "official": ("who", ("PERSON",)),
    "minister": ("who", ("PERSON",)),
    "spokesman": ("who", ("PERSON",)),
    "spokeswoman": ("who", ("PERSON",)),
    "organization": ("who", ("ORG",)),
    "organisation": ("who", ("ORG",)),
    "alliance": ("who", ("ORG",)),
    "company": ("who", ("ORG",)),
    "group": ("who", ("ORG", "NORP")),
    "agency": ("source", ("ORG", "PERSON")),
    "newspaper": ("source", ("ORG", "PERSON")),
    "news": ("source", ("ORG", "PERSON")),
    "media": ("source", ("ORG", "PERSON")),
    "wire": ("source", ("ORG", "PERSON")),
    "outlet": ("source", ("ORG", "PERSON")),
    "publication": ("source", ("ORG", "PERSON")),
    "treaty": ("what", ("LAW", "ORG", "WORK_OF_ART")),
    "percentage": ("amount", ("PERCENT",)),
    "percent": ("amount", ("PERCENT",)),
    "price": ("amount", ("MONEY",)),
    "cost": ("amount", ("MONEY",)),
}
_TITLES = {
    "president", "minister", "secretary", "general", "spokesman", "spokeswoman", "chief",
    "leader", "director", "chancellor", "governor", "mayor", "senator", "king", "queen",
    "ceo", "chairman", "chair", "head", "commander", "ambassador", "editor", "prime",
}  # fmt: skip
_AUX_START = {
    "is", "are", "was", "were", "do", "does", "did", "has", "have", "had",
    "can", "could", "will", "would", "should", "shall", "may", "might", "must",
}  # fmt: skip
QUESTION_WORDS = {"who", "whom", "whose", "what", "which", "when", "where", "why", "how"}
_WEAK_LEMMAS = {"do", "be", "have", "say", "tell", "make", "happen", "get", "go", "accord"}


@dataclass(frozen=True)
class QuestionType:
    kind: str  # who|identity|when|day|where|count|amount|source|what|yesno|describe
    labels: tuple[str, ...]  # entity labels that can answer it, best first; () for clauses


@dataclass(frozen=True)
class Term:
    lemma: str  # lower-cased lemma, dots removed ("u.s." -> "us")
    text: str  # lower-cased surface form
    weight: float  # proper nouns and numbers weigh more than common words
    is_name: bool  # a proper noun or inside a named entity
    pos: str = ""  # coarse part of speech (VERB, NOUN, PROPN, …)


def classify(question: Doc) -> QuestionType:
    """The answer type a question expects, from its wh-word and the noun it governs."""
    words = [t.lower_ for t in question if not t.is_punct]
    if not words:
        return QuestionType("describe", ())
    text = " ".join(words)
    if words[0] in _AUX_START and not any(w in QUESTION_WORDS for w in words[:3]):
        return QuestionType("yesno", ())
    if re.search(r"\bhow (many|much of)\b", text) or re.search(r"\bwhat number\b", text):
        return QuestionType("count", ("CARDINAL", "QUANTITY", "MONEY", "PERCENT"))
    if re.search(r"\bhow much\b", text):
        return QuestionType("amount", ("MONEY", "QUANTITY", "PERCENT", "CARDINAL"))
    if re.search(r"\bhow old\b", text):
        return QuestionType("amount", ("CARDINAL", "QUANTITY"))
    if re.search(r"\bhow long\b", text):
        return QuestionType("amount", ("DATE", "TIME", "QUANTITY"))
    match = re.search(r"\b(which|what)\s+(\w+)(?:\s+(\w+))?", text)
    if match:
        for noun in (match.group(3), match.group(2)):  # "which news agency" -> agency
            if noun in _TYPED_NOUNS:
                kind, labels = _TYPED_NOUNS[noun]
                return QuestionType(kind, labels)
    if re.search(r"\baccording to (whom|who|what)\b", text):
        return QuestionType("source", ("ORG", "PERSON"))
    if re.search(r"\b(when|what time)\b", text):
        return QuestionType("when", ("DATE", "TIME"))
    if re.search(r"\bwhere\b", text):
        return QuestionType("where", ("GPE", "LOC", "FAC", "ORG"))
    tail = [t for t in question if not t.is_punct and not t.is_stop and t.lower_ not in ("who",)]
    is_name = tail and all(t.pos_ == "PROPN" and t.lower_ not in _TITLES for t in tail)
    if re.match(r"who (is|was) ", text) and is_name:
        return QuestionType("identity", ())  # "who is Peskov?" -> his title in the article
    if re.search(r"\b(who|whom|whose)\b", text):
        return QuestionType("who", PEOPLE)
    return QuestionType("describe", ())


def fold(text: str) -> str:
    """Lower case with curly apostrophes straightened: the form words are matched in.

    >>> fold("Kyiv’s")
    "kyiv's"
    """
    return text.lower().replace("’", "'")


def normal_lemma(token: Token) -> str:
    """Lemma used for matching: folded, dots dropped ("U.S." -> "us")."""
    return fold(token.lemma_).replace(".", "")


def content_terms(question: Doc) -> list[Term]:
    """The question's content words: no stop words, punctuation or question words."""
    entity_tokens = {t.i for ent in question.ents for t in ent}
    terms = []
    for t in question:
        if t.is_punct or t.is_space or t.lower_ in QUESTION_WORDS:
            continue
        if t.is_stop and t.pos_ not in ("NUM", "PROPN"):
            continue
        is_name = t.pos_ == "PROPN" or t.i in entity_tokens
        weight = 2.0 if is_name else 1.5 if t.pos_ == "NUM" else 1.0
        if normal_lemma(t) in _WEAK_LEMMAS:
            weight = 0.3
        terms.append(Term(normal_lemma(t), fold(t.text), weight, is_name, t.pos_))
    return terms
