"""Reader windows (rag/read/neural/windows.py) and span decoding (rag/read/neural/neural.best_spans)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.ingest.article import article_from_text
from rag.read.neural.spans import best_spans
from rag.read.neural.windows import (
    MAX_QUESTION_TOKENS,
    answer_tokens,
    encode_pairs,
    encode_windows,
    fit_windows,
    make_window,
)


@pytest.fixture(scope="module")
def tokenizer():  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer

    from rag.models import embedding_model_path

    return Tokenizer.from_file(str(Path(embedding_model_path("packaged")) / "tokenizer.json"))


ARTICLE = article_from_text(
    "Macron met Scholz in Paris. He said no troops would go.\n\n"
    "Britain, Germany, Spain and Poland ruled it out. Moscow warned of war."
)


@pytest.mark.parametrize(("centre", "first"), [(1, 1), (2, 1), (4, 3)])
def test_a_window_is_the_sentence_led_by_the_one_before(centre: int, first: int) -> None:
    window = make_window(ARTICLE.sentences, ARTICLE.text, centre)
    assert (window.first, window.last, window.centre) == (first, centre, centre)
    assert ARTICLE.text[window.start : window.end] == window.text
    assert window.text.startswith(ARTICLE.sentence(first).text)  # short: led by all of it
    assert window.text.endswith(ARTICLE.sentence(centre).text)


def test_a_long_sentence_before_leads_with_its_last_words_only() -> None:
    article = article_from_text(
        "The minister, speaking after a long meeting in the capital on Monday, said that the "
        "plan would go ahead. It starts in May."
    )
    window = make_window(article.sentences, article.text, 2, lead_words=4)
    assert window.text == "plan would go ahead. It starts in May."
    assert (window.first, window.last) == (1, 2)  # a span in the lead cites sentence 1
    assert article.text[window.start : window.end] == window.text
    alone = make_window(article.sentences, article.text, 2, lead_words=0)
    assert alone.text == "It starts in May." and alone.first == 2


def test_a_window_spans_paragraphs_with_the_article_text_between() -> None:
    window = make_window(ARTICLE.sentences, ARTICLE.text, 3)
    assert "\n\n" in window.text  # sentence 2 ends one paragraph, 3 opens the next


def test_long_windows_drop_their_lead_before_the_centre(tokenizer) -> None:  # type: ignore[no-untyped-def]
    long = "and the long sentence goes on " * 50
    article = article_from_text(f"The vote was close. It passed {long}until it ends. It was over.")
    assert len(article.sentences) == 3
    window = make_window(article.sentences, article.text, 2)
    (fitted,) = fit_windows(tokenizer, "What?", [window], article.sentences, article.text, 64)
    assert fitted.first == fitted.last == 2  # the lead dropped, the centre kept
    batch = encode_windows(tokenizer, "What?", [fitted], max_tokens=64)
    assert batch.input_ids.shape == (1, 64)  # the 300-word centre is cut, not refused


def test_a_20000_character_sentence_is_truncated_not_refused(tokenizer) -> None:  # type: ignore[no-untyped-def]
    article = article_from_text("x" * 20_000 + " ends.")
    window = make_window(article.sentences, article.text, 1)
    batch = encode_windows(tokenizer, "What ends?", [window], max_tokens=192)
    assert batch.input_ids.shape[1] <= 192
    assert batch.context[0].sum() > 0


def test_a_1000_character_question_keeps_its_first_word_pieces(tokenizer) -> None:  # type: ignore[no-untyped-def]
    question = "Who said it " * 84  # 1,008 characters
    batch = encode_pairs(tokenizer, [(question, "Macron said it.")], max_tokens=192)
    question_tokens = int((batch.token_type_ids[0] == 0).sum()) - 2  # less [CLS] and [SEP]
    assert question_tokens <= MAX_QUESTION_TOKENS
    assert batch.context[0].sum() == len(
        tokenizer.encode("Macron said it.", add_special_tokens=False).ids
    )


def test_answer_tokens_map_characters_to_window_tokens(tokenizer) -> None:  # type: ignore[no-untyped-def]
    text = "Britain, Germany, Spain and Poland ruled it out."
    batch = encode_pairs(tokenizer, [("Who ruled it out?", text)], max_tokens=64)
    first, last = answer_tokens(batch, 0, 0, len("Britain, Germany, Spain and Poland"))
    offsets = batch.offsets[0]
    assert text[offsets[first, 0] : offsets[last, 1]] == "Britain, Germany, Spain and Poland"
    assert answer_tokens(batch, 0, 0, 500) == (0, 0)  # past the window: "no answer here"


def test_best_span_worked_example() -> None:
    from rag.read.neural.windows import EncodedBatch

    batch = EncodedBatch(
        input_ids=np.zeros((1, 3), dtype=np.int64),
        attention_mask=np.ones((1, 3), dtype=np.int64),
        token_type_ids=np.array([[0, 1, 1]]),
        context=np.array([[False, True, True]]),
        offsets=np.array([[[0, 0], [0, 4], [5, 9]]]),
    )
    (span,) = best_spans(batch, np.array([[5.0, 1, 3]]), np.array([[5.0, 0, 4]]), 30)
    assert (span.start, span.end, span.score, span.null, span.margin) == (5, 9, 7.0, 10.0, -3.0)
    (short,) = best_spans(batch, np.array([[0.0, 3, 1]]), np.array([[0.0, 0, 4]]), 1)
    assert (short.start, short.end) == (5, 9)  # one token at most: (1, 2) is too long


def test_a_fresh_tokenizer_s_padding_never_cuts_the_question() -> None:
    """tokenizer.json pads to 128: the first question a new tokenizer reads keeps its words."""
    from tokenizers import Tokenizer

    from rag.models import embedding_model_path

    fresh = Tokenizer.from_file(str(Path(embedding_model_path("packaged")) / "tokenizer.json"))
    batch = encode_pairs(fresh, [("Who ruled out sending troops?", "Poland did.")], 64)
    question_tokens = int((batch.token_type_ids[0] == 0).sum()) - 2
    assert question_tokens == 6  # who ruled out sending troops ?
