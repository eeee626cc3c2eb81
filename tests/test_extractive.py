"""The rules answerer (RAG_READER=rules) on our own articles: short answers, citations, abstention."""

import pytest

from rag.pipeline import ask
from rag.types import NO_ANSWER

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("question", "short", "cited"),
    [
        ("Who ruled out sending troops?", "Britain, Germany, Spain and Poland", [8]),
        ("How many members does NATO have?", "32", [10]),
        ("Which day did the Kremlin warn of conflict?", "Tuesday", [1]),
        ("Who said nothing can be ruled out?", "Emmanuel Macron", [2]),
        ("How much aid has the U.S. given Ukraine?", "$73 billion", [16]),
        ("Who is the Kremlin spokesman?", "Dmitry Peskov", [4]),
        ("Who is Peskov?", "Kremlin spokesman", [4]),
        ("Who is the NATO Secretary-General?", "Jens Stoltenberg", [9]),
        ("Which news agency reported that NATO members ruled out sending troops?", "Reuters", [8]),
        ("When did Biden raise the specter of a global war?", "December", [13]),
        ("Who fears that Ukraine cannot overtake Russia?", "Some critics", [15]),
        ("Is Ukraine a NATO member?", "No", [12]),
        (
            "Who continued that the countries need to ask themselves about their interests?",
            "Peskov",
            [6, 7],
        ),
    ],
)
def test_short_answer_and_citation(seed_chain, question: str, short: str, cited: list[int]) -> None:  # type: ignore[no-untyped-def]
    answer = ask(seed_chain, question)
    assert not answer.abstained
    assert answer.short == short
    assert [c.sentence for c in answer.citations] == cited
    for n in cited:
        assert f"[{n}]" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of France?",
        "What did Zelensky say about the troops?",
        "How tall is the Eiffel Tower?",
        "Who won the 2022 World Cup?",
    ],
)
def test_abstains_when_the_article_does_not_say(seed_chain, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = ask(seed_chain, question)
    assert answer.abstained
    assert answer.text == NO_ANSWER
    assert answer.citations == []
    assert len(answer.closest) == 3


def test_citations_point_into_the_article(seed_chain, seed_article) -> None:  # type: ignore[no-untyped-def]
    answer = ask(seed_chain, "What did Peskov say about the inevitability of conflict?")
    assert answer.citations
    for c in answer.citations:
        assert seed_article.text[c.start : c.end] == c.text
    assert set(answer.timings) >= {"retrieve", "answer", "total"}


@pytest.mark.parametrize(
    "question",
    [
        "How many Russian soldiers have died?",  # the article counts Ukrainian soldiers
        "How old is Emmanuel Macron?",  # no age anywhere: a typed question with no such span
        "How much aid has Germany given Ukraine?",  # Germany's sentence holds no amount
        "Which day did Britain rule out sending troops?",  # no day in Britain's sentence
    ],
)
def test_tempting_questions_the_article_cannot_answer(seed_chain, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = ask(seed_chain, question)
    assert answer.abstained, answer.text


@pytest.mark.parametrize(
    ("question", "short", "cited"),
    [
        # a bare quote's speaker is named in the quote just before it
        ("Who said the detour has tested everyone's patience?", "Ingrid Solvang", [5, 6]),
        # "…on Quay Street. Marta Lindqvist, who has run a bakery there…"
        ("Who runs a bakery on Quay Street?", "Marta Lindqvist", [15]),
        ("How heavy can trucks on the bridge be?", "40 tonnes", [10]),
        ("How wide is the new cycle lane?", "3.5 metres", [21]),
        ("By how much did emergency response times rise?", "six minutes", [23]),
        ("Which councillor voted against the final payment?", "Arne Dahl", [18]),
        # spaCy tags the company PERSON; the operator/operates stems carry the focus
        ("Which company operates the ferry?", "Fjordlink", [28]),
        ("What was added to warn of cracks?", "sensors", [12]),
    ],
)
def test_second_article(harbour_chain, question: str, short: str, cited: list[int]) -> None:  # type: ignore[no-untyped-def]
    answer = ask(harbour_chain, question)
    assert (answer.short, [c.sentence for c in answer.citations]) == (short, cited)


@pytest.mark.parametrize(
    "question",
    [
        "How many cyclists cross the bay each day?",  # "bicycles" is not "cyclists"
        "How much does a ferry ticket cost?",
        "What is the population of Halden Bay?",
        "How long is the Harbour Bridge?",  # no length anywhere
    ],
)
def test_second_article_tempting_unanswerables(harbour_chain, question: str) -> None:  # type: ignore[no-untyped-def]
    assert ask(harbour_chain, question).abstained


@pytest.mark.parametrize(
    "question",
    [
        "When did Jens Stoltenberg become NATO Secretary-General?",  # no "become"
        "Who is the president of Poland?",  # no "president" by the country list
    ],
)
def test_focus_words_must_be_cited(seed_chain, question: str) -> None:  # type: ignore[no-untyped-def]
    assert ask(seed_chain, question).abstained
