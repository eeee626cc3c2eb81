import pytest

from rag.read.rules.roles import role_answer


@pytest.mark.parametrize(
    ("question", "sentence", "answer"),
    [
        (
            "What has largely stalled out?",
            "Even with aid, Kyiv’s counteroffensive has largely stalled out.",
            "Kyiv’s counteroffensive",
        ),
        (
            "What does Kyiv continue to seek?",
            "Ukraine is not a member, though Kyiv continues to seek membership.",
            "membership",
        ),
        (
            "What was added to warn of cracks?",
            "“We rebuilt the joints and added sensors that will warn us before a crack grows.”",
            "sensors",
        ),
        (
            "What did Eriksen say about the old piers?",
            "“The old piers were sound in the middle but weak at the joints,” Eriksen said.",
            "The old piers were sound in the middle but weak at the joints",
        ),
        (
            "What did Solvang say?",
            "Repairs cost 41 million kroner, engineer Ingrid Solvang told reporters.",
            "Repairs cost 41 million kroner",
        ),
        (
            "What did Peskov say?",
            "Peskov added that if soldiers were sent, “we need to speak of war.”",
            "if soldiers were sent, “we need to speak of war",
        ),
        (
            "Why has the counteroffensive stalled?",
            "The counteroffensive has stalled as thousands of soldiers have died.",
            "as thousands of soldiers have died",
        ),
    ],
)
def test_role_answer(nlp, question: str, sentence: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    assert role_answer(nlp(question), nlp(sentence)) == answer


def test_no_role_when_the_verb_is_absent_or_the_answer_is_empty(nlp) -> None:  # type: ignore[no-untyped-def]
    assert (
        role_answer(nlp("What caused the overrun?"), nlp("The overrun came from cables.")) is None
    )
    assert role_answer(nlp("Who is Peskov?"), nlp("Peskov spoke.")) is None
