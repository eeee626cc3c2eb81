import pytest

from rag.read.rules.question import (
    classify,
    content_terms,
    counted_noun,
    question_nouns,
    question_verbs,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who ruled out sending troops?", "who"),
        ("Who is Peskov?", "identity"),
        ("Who is the Kremlin spokesman?", "who"),
        ("How many members does NATO have?", "count"),
        ("How much aid has the U.S. given?", "amount"),
        ("Which day did the Kremlin warn Russia would go into conflict?", "day"),
        ("When did Biden raise the specter of a global war?", "when"),
        ("Where do critics fear the counteroffensive stalled?", "where"),
        ("Which countries ruled out sending troops?", "where"),
        ("Which news agency reported it?", "source"),
        ("According to whom did the Kremlin warn?", "source"),
        ("Is Ukraine a NATO member?", "yesno"),
        ("Why has the counteroffensive stalled?", "describe"),
        ("What does the Washington Treaty state?", "describe"),
        ("What was Biden calling for when he made the remarks?", "describe"),  # leading wh
        ("By how much did emergency response times rise?", "amount"),
        ("How often has the ferry run?", "amount"),
        ("How wide is the new cycle lane?", "amount"),
        ("Which councillor voted against the payment?", "who"),
        ("Which firm did the construction work?", "who"),
        ("What share of the bill will the agency cover?", "amount"),
    ],
)
def test_classify(nlp, question: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    assert classify(nlp(question)).kind == kind


def test_content_terms_drop_question_and_stop_words(nlp) -> None:  # type: ignore[no-untyped-def]
    terms = content_terms(nlp("How many troops did the U.S. tell Congress it lost?"))
    assert [t.lemma for t in terms] == ["troop", "us", "tell", "congress", "lose"]
    assert [t.weight for t in terms] == [1.0, 2.0, 0.3, 2.0, 1.0]
    assert [t.is_name for t in terms] == [False, True, False, True, False]


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        ("How long is the Harbour Bridge?", ("QUANTITY",)),  # a length
        ("How long did the closure last?", ("TIME", "DATE", "QUANTITY", "CARDINAL")),
        ("How much did the repairs cost?", ("MONEY", "QUANTITY", "PERCENT", "CARDINAL")),
        ("How much time does the ring road add?", ("TIME", "DATE", "QUANTITY", "CARDINAL")),
    ],
)
def test_labels(nlp, question: str, labels: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    assert classify(nlp(question)).labels == labels


def test_focus_words(nlp) -> None:  # type: ignore[no-untyped-def]
    assert question_verbs(nlp("When did Jens Stoltenberg become Secretary-General?")) == ["become"]
    assert question_verbs(nlp("Who told the AP about the plans?")) == []  # say-verbs are weak
    assert counted_noun(nlp("How many Ukrainian soldiers have died?")) == "soldier"
    assert counted_noun(nlp("How much time does it add?")) is None  # a unit, not a focus
    assert question_nouns(nlp("Which French official said it?")) == []
    assert question_nouns(nlp("Who is the president of Poland?")) == ["president"]
    assert question_nouns(nlp("What is the population?"), drop_type_noun=False) == ["population"]
