import pytest

from rag.errors import QuestionError
from rag.pipeline import MAX_QUESTION_CHARS, check_question


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "The question is empty. Type a question about the article."),
        ("   \n\t", "The question is empty. Type a question about the article."),
        ("?!… —", "The question has no words. Type a question about the article."),
        ("x" * 10_000, "The question is 10,000 characters; keep it under 1,000."),
    ],
)
def test_bad_questions(question: str, message: str) -> None:
    with pytest.raises(QuestionError) as err:
        check_question(question)
    assert str(err.value) == message


def test_question_whitespace_is_folded() -> None:
    assert check_question("  Who\n ruled   out? ") == "Who ruled out?"
    assert len(check_question("y" * MAX_QUESTION_CHARS)) == MAX_QUESTION_CHARS


@pytest.mark.slow
def test_chain_is_a_langchain_runnable(seed_chain) -> None:  # type: ignore[no-untyped-def]
    from langchain_core.runnables import Runnable

    assert isinstance(seed_chain, Runnable)
    answer = seed_chain.invoke("Who ruled out sending troops?")
    assert answer.short == "Britain, Germany, Spain and Poland"
    batch = seed_chain.batch(["How many members does NATO have?", "Who is Peskov?"])
    assert [a.short for a in batch] == ["32", "Kremlin spokesman"]
