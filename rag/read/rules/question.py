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
_QUANTITY = ("QUANTITY", "CARDINAL", "PERCENT")
_ORG = ("ORG", "PERSON")  # spaCy tags many unfamiliar company names PERSON ("Fjordlink")
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
    "organization": ("who", _ORG),
    "organisation": ("who", _ORG),
    "alliance": ("who", ("ORG",)),
    "company": ("who", _ORG),
    "group": ("who", ("ORG", "NORP")),
    "agency": ("source", ("ORG", "PERSON")),
    "newspaper": ("source", ("ORG", "PERSON")),
    "news": ("source", ("ORG", "PERSON")),
    "media": ("source", ("ORG", "PERSON")),
    "wire": ("source", ("ORG", "PERSON")),
    "outlet": ("source", ("ORG", "PERSON")),
    "publication": ("source", ("ORG", "PERSON")),
    "treaty": ("what", ("LAW", "ORG", "WORK_OF_ART")),
    "firm": ("who", _ORG),
    "business": ("who", _ORG),
    "operator": ("who", _ORG),
    "party": ("who", ("ORG", "NORP")),
    "team": ("who", ("ORG",)),
    "share": ("amount", ("PERCENT", "CARDINAL")),
    "proportion": ("amount", ("PERCENT", "CARDINAL")),
    "fraction": ("amount", ("PERCENT", "CARDINAL")),
    "width": ("amount", _QUANTITY),
    "length": ("amount", _QUANTITY),
    "height": ("amount", _QUANTITY),
    "weight": ("amount", _QUANTITY),
    "speed": ("amount", _QUANTITY),
    "distance": ("amount", _QUANTITY),
    "nationality": ("who", ("NORP",)),
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
_PERSON_NOUNS = {
    "councillor", "councilor", "engineer", "owner", "spokesperson", "officer", "politician",
    "lawmaker", "reporter", "journalist", "judge", "player", "coach", "founder", "manager",
}  # fmt: skip
_AUX_START = {
    "is", "are", "was", "were", "do", "does", "did", "has", "have", "had",
    "can", "could", "will", "would", "should", "shall", "may", "might", "must",
}  # fmt: skip
QUESTION_WORDS = {"who", "whom", "whose", "what", "which", "when", "where", "why", "how"}
_WEAK_LEMMAS = {
    "do", "be", "have", "make", "happen", "get", "go", "accord",
    "say", "tell", "speak", "talk", "state", "report", "announce", "add", "claim",
}  # fmt: skip


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


_SIZE = r"(heavy|wide|long|tall|high|big|large|deep|far|fast|thick)"
_DURATION = ("TIME", "DATE", "QUANTITY", "CARDINAL")


def classify(question: Doc) -> QuestionType:
    """The answer type a question expects, from its leading wh-word and what it governs.

    The wh-word that opens the question decides: "What was Biden calling for when he…" is a
    what-question, not a when-question.
    """
    words = [t.lower_ for t in question if not t.is_punct]
    if not words:
        return QuestionType("describe", ())
    text = " ".join(words)
    if words[0] in _AUX_START and not any(w in QUESTION_WORDS for w in words[:3]):
        return QuestionType("yesno", ())
    if re.search(r"\baccording to (whom|who|what)\b", text):
        return QuestionType("source", ("ORG", "PERSON"))
    first = next((i for i, w in enumerate(words) if w in QUESTION_WORDS), None)
    if first is None:
        return QuestionType("describe", ())
    asked = " ".join(words[first:])  # "by how much did …" -> "how much did …"
    if re.match(r"how (many|much of)\b|what number\b", asked):
        return QuestionType("count", ("CARDINAL", "QUANTITY", "MONEY", "PERCENT"))
    if re.match(r"how long (is|are|was|were)\b", asked):  # a length, not a duration
        return QuestionType("amount", ("QUANTITY",))
    if re.match(r"how much (time|longer)\b|how (long|often|soon)\b", asked):
        return QuestionType("amount", _DURATION)
    if re.match(r"how much\b", asked):
        if re.search(r"\b(times?|minutes?|hours?|days?|weeks?|delays?|waits?)\b", asked):
            return QuestionType("amount", ("TIME", "QUANTITY", "DATE", "CARDINAL"))
        return QuestionType("amount", ("MONEY", "QUANTITY", "PERCENT", "CARDINAL"))
    if re.match(r"how old\b", asked):
        return QuestionType("amount", ("CARDINAL", "QUANTITY"))
    if re.match(rf"how {_SIZE}\b", asked):
        return QuestionType("amount", ("QUANTITY",))
    match = re.match(r"(which|what)\s+(\w+)(?:\s+(\w+))?", asked)
    if match:
        for noun in (match.group(3), match.group(2)):  # "which news agency" -> agency
            if noun in _TYPED_NOUNS:
                kind, labels = _TYPED_NOUNS[noun]
                return QuestionType(kind, labels)
            if noun in _TITLES or noun in _PERSON_NOUNS:  # "which councillor", "what official"
                return QuestionType("who", ("PERSON", "ORG"))  # spaCy calls some people ORG
    if re.match(r"(when|what time)\b", asked):
        return QuestionType("when", ("DATE", "TIME"))
    if re.match(r"where\b", asked):
        return QuestionType("where", ("GPE", "LOC", "FAC", "ORG"))
    tail = [t for t in question if not t.is_punct and not t.is_stop and t.lower_ not in ("who",)]
    is_name = tail and all(t.pos_ == "PROPN" and t.lower_ not in _TITLES for t in tail)
    if re.match(r"who (is|was) ", asked) and is_name:
        return QuestionType("identity", ())  # "who is Peskov?" -> his title in the article
    if re.match(r"(who|whom|whose)\b", asked):
        return QuestionType("who", PEOPLE)
    return QuestionType("describe", ())


_UNITS = {"time", "money", "longer", "more", "percent", "euros", "dollars"}


def is_title(word: str) -> bool:
    """A word that titles a person ("councillor", "minister") rather than naming them."""
    return word.lower() in _TITLES or word.lower() in _PERSON_NOUNS


def question_verbs(question: Doc) -> list[str]:
    """Lemmas of the question's own verbs (stop words included: "become"), say-verbs and
    light verbs left out.

    "When did Stoltenberg become Secretary-General?" -> ["become"]
    """
    return [
        normal_lemma(t)
        for t in question
        if t.pos_ == "VERB" and normal_lemma(t) not in _WEAK_LEMMAS
    ]


def question_nouns(question: Doc, *, drop_type_noun: bool = True) -> list[str]:
    """Lemmas of the question's common nouns, less (by default) the noun that names the
    answer's type ("which *party* …", "which French *official* …").

    "Who is the president of Poland?" -> ["president"]
    """
    typed = set()  # the first noun after which/what/how many: "which French official"
    for t in question:
        if drop_type_noun and t.lower_ in ("which", "what", "many", "much"):
            noun = next((u for u in question[t.i + 1 : t.i + 4] if u.pos_ == "NOUN"), None)
            if noun is not None:
                typed.add(noun.i)
    return [
        normal_lemma(t)
        for t in question
        if t.pos_ == "NOUN" and t.i not in typed and t.lower_ not in _UNITS
    ]


def counted_noun(question: Doc) -> str | None:
    """The noun a "how many/how much X" question counts, as a folded lemma, else None.

    "How many Russian soldiers have died?" -> "soldier"; "How much did it cost?" -> None.
    """
    words = [t for t in question if not t.is_punct]
    for i in range(len(words) - 1):
        if words[i].lower_ == "how" and words[i + 1].lower_ in ("many", "much"):
            for t in words[i + 2 : i + 6]:
                if t.pos_ in ("NOUN", "PROPN"):
                    return None if t.lower_ in _UNITS else normal_lemma(t)
                if t.pos_ in ("AUX", "VERB"):
                    return None
    return None


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
