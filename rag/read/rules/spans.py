"""The rules' candidate answer spans, scored by hand-set weights. Pure over spaCy docs.

For a typed question (who / when / how many / where ...) each supported sentence proposes:
entities of the wanted type, runs merged into lists ("Britain, Germany, Spain and Poland");
the speaker of a quote or a pronoun resolved to the person named just before; the subject
of a verb the question names; a person's title for "who is X?". Scores add the sentence's
support, type fit and closeness to the question's words in the parse, less penalties for
echoing the question or being a news attribution. ``best_clause`` and ``yes_no`` answer the
untyped questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from rag.read.rules.evidence import (
    OPEN_QUOTES,
    Candidate,
    ScoredSentence,
    SentenceDoc,
    matched_tokens,
)
from rag.read.rules.question import PEOPLE, QuestionType, Term, fold, is_title, normal_lemma
from rag.read.rules.roles import SAY_VERBS

_WEEKDAYS = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)
_PRONOUNS = {"he", "she", "him", "her"}
_ATTRIBUTION_TAIL = re.compile(
    r",?\s+(?:according to [^,.;]+|the [\w ]+ reported|(?:he|she|they) (?:said|added)|"
    r"[\w .’'-]{1,60} told [\w ]+)\s*[.!]?\s*$",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r",\s+(?:while|but|though|although|whereas)\s+|;\s+|:\s+")

_PLACE_PREPOSITIONS = {"in", "at", "inside", "near", "on", "outside", "across"}


def _in_question(span_tokens: Sequence[Token], terms: Sequence[Term]) -> bool:
    lemmas = {t.lemma for t in terms} | {t.text for t in terms}
    content = [t for t in span_tokens if not t.is_punct and not t.is_stop]
    return bool(content) and all(normal_lemma(t) in lemmas for t in content)


def is_attribution(token: Token) -> bool:
    """True inside "according to X" or "X reported/told" trailing a claim."""
    for ancestor in [token, *token.ancestors][:4]:
        if ancestor.lemma_ == "accord":
            return True
    head = token.head
    return token.dep_ == "nsubj" and head.lemma_ in ("report",) and head.dep_ != "ROOT"


def closeness(token: Token, matched: dict[int, float]) -> float:
    """Larger when the token sits near strongly weighted question words, in the parse
    (head path up to 4 steps) and in the word order."""
    if not matched:
        return 0.0
    bonus = 0.0
    for steps, ancestor in enumerate([*token.ancestors][:4], start=1):
        if ancestor.i in matched:
            bonus = 0.3 * min(matched[ancestor.i], 1.0) / steps
            break
    strong = [i for i, w in matched.items() if w >= 1.0] or list(matched)
    distance = min(abs(token.i - i) for i in strong)
    return bonus + 0.25 / (1 + distance / 3)


def _agent_list_bonus(span: Span, matched: dict[int, float]) -> float:
    """ "Several members ruled out …, including Britain, Germany" -> the list names the agents."""
    doc = span.doc
    before = doc[max(0, span.start - 3) : span.start].text.lower()
    if not re.search(r"\b(including|such as|among them|namely)\b", before):
        return 0.0
    for i in matched:
        verb = doc[i]
        if verb.pos_ == "VERB" and any(
            c.dep_ == "nsubj" and not c.ent_type_ for c in verb.children
        ):
            return 0.3
    return 0.0


def entity_groups(doc: Doc, labels: Sequence[str]) -> list[Span]:
    """Entities with a wanted label; runs joined by ',', 'and', 'or' become one span.

    The merged span keeps the label of its first entity (``span.label_``).
    """
    groups: list[Span] = []
    for ent in (e for e in doc.ents if e.label_ in labels):
        if groups:
            last = groups[-1]
            between = doc[last.end : ent.start].text.strip()
            if between in (",", "and", "or", ", and", ", or") and ent.label_ == last.label_:
                groups[-1] = Span(doc, last.start, ent.end, label=last.label_)
                continue
        groups.append(ent)
    return groups


def _entity_candidates(
    qtype: QuestionType, terms: Sequence[Term], doc: Doc, number: int, base: float
) -> list[Candidate]:
    matched = matched_tokens(terms, doc)
    out = []
    for span in entity_groups(doc, qtype.labels):
        if _in_question(list(span), terms):
            continue
        root = span.root
        fit = 0.25 if qtype.kind == "who" or span.label_ == qtype.labels[0] else 0.12
        score = base + fit + closeness(root, matched) + _agent_list_bonus(span, matched)
        if root.head.i in matched and root.head.lower_ in {t.text for t in terms}:
            score += 0.1  # "32 NATO members" for "how many members"
        if any(doc[i].head.i in range(span.start, span.end) for i in matched):
            score += 0.3  # the question's words describe it: "Kremlin spokesman Dmitry Peskov"
        if any(t.dep_ == "poss" or t.dep_ == "case" for t in span):
            score -= 0.25
        if is_attribution(root):
            score += 0.35 if qtype.kind == "source" else -0.45
        if qtype.kind == "day" and _WEEKDAYS.search(span.text):
            score += 0.3
        if qtype.kind == "where" and root.head.lower_ in _PLACE_PREPOSITIONS:
            score += 0.15  # "negotiated in Congress" over "aid to Ukraine"
        text = re.sub(r"[’']s$", "", span.text).strip()
        out.append(Candidate(text, (number,), score))
    return out


_CLOSE_QUOTES = "”\"'’"


def _speaker(doc: Doc) -> Span | None:
    """The named person who says something in the sentence ("…,” Eriksen said.), if any."""
    for token in doc:
        if token.lemma_ in SAY_VERBS:
            for child in token.children:
                if child.dep_ == "nsubj" and child.ent_type_ == "PERSON":
                    return next(e for e in doc.ents if e.start <= child.i < e.end)
    return None


def _speaker_candidates(
    terms: Sequence[Term], doc: Doc, number: int, base: float, sentence_doc: SentenceDoc
) -> list[Candidate]:
    """'…,' he continued -> the person named in the sentences just before; a bare quote
    ('“I know …”') -> the speaker named in the quote just before it ('“…,” Solvang said.')."""
    out = []
    if doc.text[:1] in OPEN_QUOTES and _speaker(doc) is None and number > 1:
        previous = sentence_doc(number - 1)
        speaker = _speaker(previous)
        if speaker is not None and any(ch in previous.text for ch in _CLOSE_QUOTES):
            bonus = 0.15 + closeness(doc[0], matched_tokens(terms, doc))
            out.append(Candidate(speaker.text, (number, number - 1), base + bonus))
    for token in doc:
        if token.lower_ in _PRONOUNS and token.dep_ in ("nsubj", "nsubjpass"):
            for back in range(number - 1, max(0, number - 4), -1):
                people = [e for e in sentence_doc(back).ents if e.label_ == "PERSON"]
                if people:
                    name = people[-1].text
                    bonus = closeness(token, matched_tokens(terms, doc))
                    out.append(Candidate(name, (number, back), base + 0.2 + bonus))
                    break
            break
    return out


def subject_phrase(head: Token) -> Span:
    """The words that name a verb's subject.

    A proper-noun subject is its name alone, less leading titles ("Councillor Arne Dahl of
    the opposition Green Party" -> "Arne Dahl"); a common noun keeps its whole phrase
    ("Some critics").
    """
    doc = head.doc
    if head.pos_ != "PROPN":
        return doc[head.left_edge.i : head.right_edge.i + 1]
    first = head.i
    while (
        first > 0
        and doc[first - 1].dep_ in ("compound", "flat")
        and doc[first - 1].head.i in range(first, head.i + 1)
    ):
        first -= 1
    while first < head.i and is_title(doc[first].lower_):
        first += 1
    return doc[first : head.i + 1]


def _subject_candidates(
    terms: Sequence[Term], doc: Doc, number: int, base: float
) -> list[Candidate]:
    """The subject of a verb the question names ("Some critics fear …")."""
    matched = matched_tokens(terms, doc)
    out = []
    for i, weight in matched.items():
        verb = doc[i]
        if verb.pos_ != "VERB" or weight < 1.0:
            continue
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ not in _PRONOUNS:
                span = subject_phrase(child)
                is_noun_phrase = any(t.pos_ in ("NOUN", "PROPN") for t in span)
                # "The mayor, Ada Holm," -> the entity candidate "Ada Holm" answers instead.
                names_someone = any(t.ent_type_ in PEOPLE for t in span)
                if (
                    is_noun_phrase
                    and not names_someone
                    and not _in_question(list(span), terms)
                    and len(span) <= 8
                ):
                    score = base + 0.2 + closeness(child, matched)
                    out.append(Candidate(span.text, (number,), score))
    return out


def _title_candidates(terms: Sequence[Term], doc: Doc, number: int, base: float) -> list[Candidate]:
    """ "Who is Peskov?" -> "Kremlin spokesman" in "Kremlin spokesman Dmitry Peskov"."""
    names = {t.lemma for t in terms if t.is_name} | {t.text for t in terms if t.is_name}
    out = []
    for ent in doc.ents:
        if ent.label_ != "PERSON" or not any(t.lower_ in names for t in ent):
            continue
        # Title words run leftwards from the name: nouns, proper nouns, adjectives, hyphens.
        first = ent.start
        while first > 0 and doc[first - 1].pos_ in ("NOUN", "PROPN", "ADJ", "PUNCT"):
            if doc[first - 1].pos_ == "PUNCT" and doc[first - 1].text not in ("-",):
                break
            first -= 1
        title = doc[first : ent.start]
        if len(title) and not (len(title) == 1 and title[0].pos_ == "PUNCT"):
            out.append(Candidate(title.text, (number,), base + 0.4))
        for child in ent.root.children:  # "Jens Stoltenberg, NATO's chief, said"
            if child.dep_ == "appos":
                span = doc[child.left_edge.i : child.right_edge.i + 1]
                out.append(Candidate(span.text, (number,), base + 0.35))
    return out


def best_clause(text: str, terms: Sequence[Term]) -> str:
    """The part of a sentence that answers: attribution tail cut, best-covered clause kept."""
    body = _ATTRIBUTION_TAIL.sub("", text).rstrip(" ,")
    pieces = [p.strip() for p in _CLAUSE_BREAK.split(body) if p.strip()]
    if len(pieces) <= 1:
        return body
    wanted = {t.lemma for t in terms} | {t.text for t in terms}

    def overlap(piece: str) -> float:
        words = set(re.findall(r"[\w']+", fold(piece)))
        return sum(1 for w in wanted if w in words) + len(words) * 1e-3

    best = max(pieces, key=overlap)
    return best if len(best.split()) >= 4 else body


def rule_candidates(
    qtype: QuestionType,
    terms: Sequence[Term],
    group: Sequence[ScoredSentence],
    sentence_doc: SentenceDoc,
) -> list[Candidate]:
    """The typed spans the rules propose from each sentence, scored by hand-set weights."""
    found: list[Candidate] = []
    for sup, p, doc in group:
        n = p.sentence.idx
        if qtype.labels:
            found += _entity_candidates(qtype, terms, doc, n, sup)
        if qtype.kind == "identity":
            found += _title_candidates(terms, doc, n, sup)
        if qtype.kind in ("who", "source"):
            found += _speaker_candidates(terms, doc, n, sup, sentence_doc)
            found += _subject_candidates(terms, doc, n, sup)
    return found


def yes_no(doc: Doc) -> str:
    negated = any(t.dep_ == "neg" or t.lower_ in ("no", "never", "not") for t in doc)
    return "No" if negated else "Yes"
