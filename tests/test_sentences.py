from hypothesis import given, settings
from hypothesis import strategies as st

from rag.ingest.sentences import paragraph_spans, split_sentences


def texts(s: str) -> list[str]:
    return [x.text for x in split_sentences(s)]


def test_curly_quote_attribution_stays_with_its_quote() -> None:
    text = "“This is absolutely not in their interests,” Peskov told reporters. Then he left."
    assert texts(text) == [
        "“This is absolutely not in their interests,” Peskov told reporters.",
        "Then he left.",
    ]


def test_ellipsis_inside_a_sentence_does_not_split() -> None:
    text = (
        "“And these countries need… to ask themselves if it is in their interests,” he continued."
    )
    assert texts(text) == [text]


def test_question_in_quotes_followed_by_attribution() -> None:
    assert texts("“Will they come?” he asked. Nobody answered.") == [
        "“Will they come?” he asked.",
        "Nobody answered.",
    ]


def test_abbreviations_and_decimals() -> None:
    assert texts("The U.S. Senate voted on Jan. 5. Prices rose 3.4% in Q1.") == [
        "The U.S. Senate voted on Jan. 5.",
        "Prices rose 3.4% in Q1.",
    ]


def test_numbers_paragraphs_and_offsets() -> None:
    text = "First one. Second one.\nThird, new paragraph"
    got = split_sentences(text)
    assert [(s.idx, s.paragraph, s.text) for s in got] == [
        (1, 1, "First one."),
        (2, 1, "Second one."),
        (3, 2, "Third, new paragraph"),
    ]
    assert [(s.start, s.end) for s in got] == [(0, 10), (11, 22), (23, 43)]


def test_blank_lines_separate_paragraphs_of_wrapped_text() -> None:
    text = "A wrapped\nline here.\n\nNext paragraph."
    assert list(paragraph_spans(text)) == [(0, 20), (22, 37)]
    assert [s.paragraph for s in split_sentences(text)] == [1, 2]


def test_seed_article_sentences(seed_article) -> None:  # type: ignore[no-untyped-def]
    sentences = seed_article.sentences
    assert len(sentences) == 16
    assert sentences[7].text.startswith("Several NATO members quickly ruled out")
    assert not any("Comment" in s.text for s in sentences)
    assert all(seed_article.text[s.start : s.end] == s.text for s in sentences)


def test_empty_and_wordless_text_has_no_sentences() -> None:
    assert split_sentences("") == ()
    assert split_sentences(" \n … — !!! \n") == ()


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("abc XYZ.,!?;:“”‘’\"'…()-\n\t0123")),
        max_size=300,
    )
)
def test_offsets_always_point_at_the_sentence_text(text: str) -> None:
    sentences = split_sentences(text)
    assert [s.idx for s in sentences] == list(range(1, len(sentences) + 1))
    previous_end = 0
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert s.start >= previous_end
        previous_end = s.end


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Alpha beta.", "Gamma “delta”?", "Eps… zeta!"]), max_size=12))
def test_every_word_lands_in_a_sentence(parts: list[str]) -> None:
    text = " ".join(parts)
    joined = " ".join(s.text for s in split_sentences(text))
    assert joined.split() == text.split()
