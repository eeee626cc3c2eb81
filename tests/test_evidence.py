"""Sentence support and the checks on cited sentences (rag/read/rules/evidence.py), on hand-made docs."""

from __future__ import annotations

import pytest

from rag.read.rules.evidence import (
    Candidate,
    has_focus,
    is_grounded,
    missing_names,
    refers_back,
    support,
)
from rag.read.rules.question import Term, classify, content_terms


def _terms(nlp, question: str) -> list[Term]:  # type: ignore[no-untyped-def]
    return content_terms(nlp(question))


def test_support_worked_example() -> None:
    # 2 of 3 equally weighted terms found, dense 0.5, no question given: 0.6 * 2/3 + 0.4 * 0.5
    terms = [Term(w, w, 1.0, False) for w in ("troops", "ukraine", "parliament")]

    class Token:
        def __init__(self, text: str) -> None:
            self.text = self.lemma_ = self.lower_ = text

    doc = [Token("troops"), Token("ukraine")]
    assert support(terms, doc, 0.5) == pytest.approx(0.6)  # type: ignore[arg-type]


def test_support_rises_with_coverage(nlp) -> None:  # type: ignore[no-untyped-def]
    terms = _terms(nlp, "Who ruled out sending troops to Ukraine?")
    covering = nlp("Several NATO members ruled out sending troops to Ukraine.")
    unrelated = nlp("The Kremlin spokesman spoke to reporters on Tuesday.")
    assert support(terms, covering, 0.3) > support(terms, unrelated, 0.3) + 0.3


def test_missing_names_lists_names_the_article_never_mentions(nlp) -> None:  # type: ignore[no-untyped-def]
    terms = _terms(nlp, "Did Macron speak to Zelensky?")
    missing = [t.text for t in missing_names(terms, "French President Emmanuel Macron said …")]
    assert missing == ["zelensky"]


def test_refers_back_on_pronouns_and_opening_quotes(nlp) -> None:  # type: ignore[no-untyped-def]
    assert refers_back(nlp("He said the plan was off."))
    assert refers_back(nlp("“Nothing can be ruled out,” Macron said."))
    assert not refers_back(nlp("Poland ruled out sending troops."))


def test_grounded_needs_every_name_the_question_uses(nlp) -> None:  # type: ignore[no-untyped-def]
    sentences = {
        1: nlp("Ukrainian soldiers held the line near Avdiivka."),
        2: nlp("About 300 Russian soldiers died in the assault."),
    }
    terms = _terms(nlp, "How many Russian soldiers died?")
    assert is_grounded(Candidate("300", (2,), 0.0), terms, sentences.__getitem__)
    assert not is_grounded(Candidate("near Avdiivka", (1,), 0.0), terms, sentences.__getitem__)


def test_focus_is_the_counted_noun(nlp) -> None:  # type: ignore[no-untyped-def]
    sentences = {
        1: nlp("The city has 40,000 bicycles."),
        2: nlp("The city counts 12,000 cyclists a day."),
    }
    question = nlp("How many cyclists does the city have?")
    qtype = classify(question)
    assert has_focus(Candidate("12,000", (2,), 0.0), qtype, question, sentences.__getitem__)
    assert not has_focus(Candidate("40,000", (1,), 0.0), qtype, question, sentences.__getitem__)
