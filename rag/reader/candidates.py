"""Candidate answer spans for the learned reader. Pure over spaCy docs.

``collect`` proposes, from the best supported sentences: the rules' typed candidates (with
their hand-set scores), every entity and noun chunk, numbers, the sentence's best clause, the
parse's role answer, and yes/no. The reader (rag/reader/model.py) chooses among them; the
rules only propose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from rag.evidence import Candidate, ScoredSentence, SentenceDoc
from rag.question import QuestionType, Term, fold
from rag.roles import role_answer
from rag.spans import best_clause, entity_groups, rule_candidates, yes_no

SOURCES = ("rule", "entity", "chunk", "number", "clause", "role", "yesno")
_EDGE = " ,;:.“”\"'‘’()"


@dataclass
class Option:
    """One span the reader may answer with."""

    text: str  # verbatim from the article (trimmed of edge punctuation)
    sentences: tuple[int, ...]  # cited sentences, the one holding the span first
    scored: ScoredSentence  # the sentence the question was matched to
    span: Span | None  # the tokens in the holding sentence's parse; None if not aligned
    sources: set[str] = field(default_factory=set)  # which proposers named it (SOURCES)
    rule_score: float = 0.0  # the rules' own score; 0 when no rule proposed it

    @property
    def number(self) -> int:
        return self.sentences[0]


def _align(doc: Doc, text: str, doc_text: str) -> Span | None:
    at = doc_text.find(text)
    if at < 0:
        return None
    return doc.char_span(at, at + len(text), alignment_mode="expand")


def _trim(text: str) -> str:
    return re.sub(r"[’']s$", "", text.strip(_EDGE)).strip(_EDGE)


def _spans(doc: Doc) -> list[tuple[Span, str]]:
    """Entities (lists merged), noun chunks and numbers of one sentence."""
    labels = sorted({e.label_ for e in doc.ents})
    out: list[tuple[Span, str]] = [(g, "entity") for g in entity_groups(doc, labels)]
    out += [(e, "entity") for e in doc.ents]
    for chunk in doc.noun_chunks:
        out.append((chunk, "chunk"))
        # "the first Boulton and Watt engine" -> also without the determiner
        if chunk[0].pos_ in ("DET", "PRON") and len(chunk) > 1:
            out.append((chunk[1:], "chunk"))
        # "the capital of France": the chunk with the phrase that hangs off it
        right = chunk.root.right_edge.i + 1
        if right > chunk.end and right - chunk.start <= 10:
            out.append((doc[chunk.start : right], "chunk"))
    for token in doc:
        if token.like_num and not token.ent_type_:
            out.append((doc[token.i : token.i + 1], "number"))
            if token.i < token.head.i <= token.i + 2:  # "32 members"
                out.append((doc[token.i : token.head.i + 1], "number"))
    return out


def collect(
    question: Doc,
    qtype: QuestionType,
    terms: Sequence[Term],
    scored: Sequence[ScoredSentence],
    sentence_doc: SentenceDoc,
) -> list[Option]:
    """Every candidate from ``scored`` (best supported first), one Option per distinct span."""
    options: dict[tuple[str, int], Option] = {}
    by_number = {s[1].sentence.idx: s for s in scored}
    texts: dict[int, str] = {}  # Doc.text rebuilds the string on every call: read it once

    def text_of(n: int) -> str:
        if n not in texts:
            texts[n] = sentence_doc(n).text
        return texts[n]

    def add(text: str, sentences: tuple[int, ...], source: str, rule_score: float = 0.0) -> None:
        text = _trim(text)
        if not text or not re.search(r"\w", text):
            return
        holder = next((n for n in sentences if text in text_of(n)), sentences[0])
        key = (fold(text), holder)
        option = options.get(key)
        if option is None:
            matched = by_number.get(sentences[0]) or by_number[holder]
            span = _align(sentence_doc(holder), text, text_of(holder))
            option = Option(text, sentences, matched, span)
            options[key] = option
        option.sources.add(source)
        option.rule_score = max(option.rule_score, rule_score)

    for rule in rule_candidates(qtype, terms, scored, sentence_doc):
        add(rule.text, rule.sentences, "rule", rule.score)
    for _sup, passage, doc in scored:
        n = passage.sentence.idx
        for span, source in _spans(doc):
            add(span.text, (n,), source)
        add(best_clause(passage.sentence.text, terms), (n,), "clause")
        role = role_answer(question, doc)
        if role:
            add(role, (n,), "role")
        if qtype.kind == "yesno":
            add(yes_no(doc), (n,), "yesno")
    return list(options.values())


def as_candidate(option: Option) -> Candidate:
    """The Option in the rules' shape (for their plausibility checks)."""
    return Candidate(option.text, option.sentences, option.rule_score)
