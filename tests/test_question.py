import pytest

from rag.question import classify, content_terms


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
    ],
)
def test_classify(nlp, question: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    assert classify(nlp(question)).kind == kind


def test_content_terms_drop_question_and_stop_words(nlp) -> None:  # type: ignore[no-untyped-def]
    terms = content_terms(nlp("How many troops did the U.S. tell Congress it lost?"))
    assert [t.lemma for t in terms] == ["troop", "us", "tell", "congress", "lose"]
    assert [t.weight for t in terms] == [1.0, 2.0, 0.3, 2.0, 1.0]
    assert [t.is_name for t in terms] == [False, True, False, True, False]
