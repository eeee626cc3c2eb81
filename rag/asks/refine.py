"""The reader's answer shaped for what was asked: every item of a list, Yes or No first,
what a named speaker said, the closest sentence for a why or how.

    answer = refine(ask, answer, index, question, resources)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.asks.kinds import Ask
from rag.asks.lists import list_span
from rag.asks.memo import named_in
from rag.asks.people import ORG_LABELS, Person
from rag.asks.polarity import COVERAGE, content_stems, polarity
from rag.asks.statements import asks_for_statement, speaker_in, statement_sentences
from rag.types import Answer, Citation, citation_markers

if TYPE_CHECKING:
    from rag.index.collection import ArticleIndex
    from rag.pipeline import Resources


def refine(
    ask: Ask, answer: Answer, index: ArticleIndex, question: str, resources: Resources
) -> Answer:
    """``answer`` (to ``question``, the ask as resolved and tidied) shaped for its kind:
    every item of a list; Yes/No first; what a named speaker said when the reader found
    no span; the closest sentence for a why or how that most of it is about."""
    answer.kind = ask.kind
    if ask.kind == "list" and not answer.abstained:
        return whole_list(ask, answer, index, resources)
    if ask.kind == "yes_no":
        return yes_no(question, answer)
    if answer.abstained and asks_for_statement(question):
        answer = statement(question, answer, index, resources) or answer
    if answer.abstained and ask.kind in {"why", "how"}:
        return closest_clause(question, answer)
    return answer


def statement(
    question: str, answer: Answer, index: ArticleIndex, resources: Resources
) -> Answer | None:
    """What the speaker the question names said, in the sentence that best fits it."""
    article = index.article
    speaker = speaker_in(
        question, article, named_in(index, resources), named_in(index, resources, ORG_LABELS)
    )
    if speaker is None:
        return None
    ranking = answer.retrieved or [c.sentence for c in answer.closest]
    sentence = article.sentence(statement_sentences(speaker, ranking)[0])
    said = f"{described(speaker)}: “{sentence.text}” [{sentence.idx}]"
    return replace_answer(answer, said, [Citation.of(sentence)], short=sentence.text)


def closest_clause(question: str, answer: Answer) -> Answer:
    """A why or how the reader found no span for, answered with the closest sentence when
    that sentence holds most of the question (else the abstention stands)."""
    best = answer.closest[:1]
    if not best or _coverage(question, best[0].text) < COVERAGE:
        return answer
    text = f"The article says: “{best[0].text}” [{best[0].sentence}]"
    return replace_answer(answer, text, best, short=best[0].text, low=True)


def whole_list(ask: Ask, answer: Answer, index: ArticleIndex, resources: Resources) -> Answer:
    article = index.article
    for citation in answer.citations:
        sentence = article.sentence(citation.sentence)
        start = max(0, article.text.find(answer.short, sentence.start) - sentence.start)
        end = start + len(answer.short)
        with resources.nlp_lock:
            doc = resources.nlp(sentence.text)
        span = list_span(doc, start, end, ask.question)
        if span is not None:
            short = sentence.text[span[0] : span[1]]
            answer.short = short
            answer.text = f"{short} {citation_markers(c.sentence for c in answer.citations)}"
            break
    return answer


def yes_no(question: str, answer: Answer) -> Answer:
    """Yes or No from the cited sentences (or, when the reader abstained, the closest one
    if it holds most of the question); the reader's answer as it was when undecided."""
    evidence = answer.citations or answer.closest[:1]
    if not evidence:
        return answer
    text = " ".join(c.text for c in evidence)
    if answer.abstained and _coverage(question, text) < COVERAGE:
        return answer
    word = polarity(question, text)
    if not word:
        return answer
    quoted = " ".join(f"“{c.text}” [{c.sentence}]" for c in evidence)
    text = f"{word.capitalize()}. {quoted}"
    return replace_answer(answer, text, list(evidence), short=answer.short or word)


def replace_answer(
    answer: Answer, text: str, citations: list[Citation], *, short: str, low: bool = False
) -> Answer:
    """``answer`` now answering with ``text`` citing ``citations`` (an abstention no more);
    ``low``: answered under the reader's decision, flagged as low confidence."""
    answer.text, answer.citations, answer.short = text, citations, short
    answer.is_low_confidence = low or answer.abstained or answer.is_low_confidence
    answer.abstained = False
    return answer


def described(person: Person) -> str:
    return f"{person.name}, {person.role}" if person.role else person.name


def _coverage(question: str, evidence: str) -> float:
    asked = content_stems(question)
    return len(asked & content_stems(evidence)) / len(asked) if asked else 0.0
