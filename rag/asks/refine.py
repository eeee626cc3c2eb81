"""The reader's answer shaped for what was asked: every item of a list, Yes or No first,
what a named speaker said.

Nothing here answers what the reader refused, but for two cases: a question about what a
person the article quotes said or how they reacted, answered with the sentence in which
they speak (also when the reader's span to a "how did X react" is a bare noun, which names
no manner: "reporters", the audience of the statement); and a yes/no (which has no span
for the reader to find), answered only when the closest sentence says nearly all of it, or
negates it (rag/asks/polarity.py).

    answer = refine(ask, answer, index, question, resources)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rag.asks.kinds import Ask, core_words
from rag.asks.lists import list_span, named_examples
from rag.asks.memo import named_among, parsed
from rag.asks.people import ORG_LABELS, Person
from rag.asks.polarity import polarity
from rag.asks.statements import asks_for_statement, speaker_in, statement_sentences
from rag.types import Answer, Citation, citation_markers

if TYPE_CHECKING:
    from rag.index.collection import ArticleIndex
    from rag.pipeline import Resources


def refine(
    ask: Ask, answer: Answer, index: ArticleIndex, question: str, resources: Resources
) -> Answer:
    """``answer`` (to ``question``, the ask as resolved and tidied) shaped for its kind:
    every item of a list; Yes/No first; a group's names for a "who"; what a named speaker
    said when the reader found no span, or only a bare noun for a "how"."""
    answer.kind = ask.kind
    if not answer.backend.startswith("extractive"):
        return answer  # an LLM's own words are kept; its citations were checked already
    if ask.kind == "list" and not answer.abstained:
        return whole_list(ask, answer, index, resources)
    if ask.kind == "yes_no":
        return yes_no(question, answer)
    if not answer.abstained and core_words(question)[:1] in (["who"], ["whom"]):
        answer = group_named(answer)
    if asks_for_statement(question) and (
        answer.abstained or names_no_manner(question, answer, index, resources)
    ):
        answer = statement(question, answer, index, resources) or answer
    return answer


_NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "DET", "NUM", "PUNCT", "ADP", "CCONJ", "PART"})


def names_no_manner(
    question: str, answer: Answer, index: ArticleIndex, resources: Resources
) -> bool:
    """A "how …" question answered by a span of nouns and names only: the wrong type, as
    "reporters" is for "How did the Kremlin respond to Macron?" (a manner is a clause, a
    verb or an adverb)."""
    held = next(spans_in_citations(answer), None)
    if core_words(question)[:1] != ["how"] or held is None:
        return False
    citation, start = held
    doc = parsed(index, resources, citation.sentence)
    span = doc.char_span(start, start + len(answer.short), alignment_mode="expand")
    return span is not None and all(t.pos_ in _NOMINAL for t in span)


def spans_in_citations(answer: Answer) -> Iterator[tuple[Citation, int]]:
    """(citation, where the short answer starts in its text) for each cited sentence that
    holds the short answer, in citation order."""
    for citation in answer.citations:
        start = citation.text.find(answer.short)
        if start >= 0:
            yield citation, start


def statement(
    question: str, answer: Answer, index: ArticleIndex, resources: Resources
) -> Answer | None:
    """What the speaker the question names said, in the sentence that best fits it."""
    article = index.article
    # the speaker is among the sentences retrieved for the question (a long article is not
    # parsed whole for it)
    near = answer.retrieved or [c.sentence for c in answer.closest]  # best first
    people = named_among(index, resources, near, ("PERSON",))
    speaker = speaker_in(question, article, people, named_among(index, resources, near, ORG_LABELS))
    if speaker is None:
        return None
    sentence = article.sentence(statement_sentences(speaker, near)[0])
    quoted = f"“{sentence.text}” [{sentence.idx}]"
    surname = speaker.name.split()[-1]
    said = quoted if surname in sentence.text else f"{described(speaker)}: {quoted}"
    return replace_answer(answer, said, [Citation.of(sentence)], short=sentence.text)


def whole_list(ask: Ask, answer: Answer, index: ArticleIndex, resources: Resources) -> Answer:
    """The reader's span extended over the list it is an item of, in the first cited
    sentence that holds the span (rag/asks/lists.py)."""
    for citation, start in spans_in_citations(answer):
        doc = parsed(index, resources, citation.sentence)
        span = list_span(doc, start, start + len(answer.short), ask.question)
        if span is not None:
            short = citation.text[span[0] : span[1]]
            answer.short = short
            answer.text = f"{short} {citation_markers(c.sentence for c in answer.citations)}"
            break
    return answer


def group_named(answer: Answer) -> Answer:
    """A "who" answered with a group the cited sentence goes on to name gets the names, the
    group kept as their context: "NATO members, including Britain, Germany, Spain and
    Poland [8]", the short answer "Britain, Germany, Spain and Poland" (rag/asks/lists.py)."""
    held = next(spans_in_citations(answer), None)
    if held is None:
        return answer
    citation, start = held
    found = named_examples(citation.text, start, start + len(answer.short))
    if found is not None:
        word, (a, b) = found
        names = citation.text[a:b]
        markers = citation_markers(c.sentence for c in answer.citations)
        answer.text = f"{answer.short}, {word} {names} {markers}"
        answer.short = names
    return answer


def yes_no(question: str, answer: Answer) -> Answer:
    """Yes or No from the sentences the reader answered from, or (a yes/no has no span to
    find, so the reader often abstains) from the closest sentence; the reader's answer as
    it was when the evidence does not decide (rag/asks/polarity.py)."""
    evidence = answer.citations or answer.closest[:1]
    if not evidence:
        return answer
    word = polarity(question, " ".join(c.text for c in evidence))
    if not word:
        return answer
    quoted = " ".join(f"“{c.text}” [{c.sentence}]" for c in evidence)
    text = f"{word.capitalize()}. {quoted}"
    return replace_answer(answer, text, list(evidence), short=answer.short or word)


def replace_answer(answer: Answer, text: str, citations: list[Citation], *, short: str) -> Answer:
    """``answer`` now answering with ``text`` citing ``citations`` (an abstention no more:
    then flagged as low confidence, under the reader's own decision)."""
    answer.text, answer.citations, answer.short = text, citations, short
    answer.is_low_confidence = answer.abstained or answer.is_low_confidence
    answer.abstained = False
    return answer


def described(person: Person) -> str:
    return f"{person.name}, {person.role}" if person.role else person.name
