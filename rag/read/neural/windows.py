"""Reader windows: a retrieved sentence led by a clipped neighbour, encoded with the question.

The neural reader (rag/read/neural/reader.py) and its training (train/train_neural.py) both build
their inputs here, so the model sees at question time exactly what it was trained on:

    window = make_window(article_sentences, text, centre=8)  # the end of 7, then 8
    batch = encode_windows(tokenizer, "Who ruled out ...?", [window], max_tokens=160)

A window is a slice of the article's text; token offsets map back into the article, so a span
the model picks is a character range of the article and cites the sentences it overlaps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rag.types import Sentence

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MAX_QUESTION_TOKENS = 48  # a 1,000-character question keeps its first 48 word pieces


@dataclass(frozen=True, slots=True)
class Window:
    """Sentences ``first..last`` of an article, read as one text; ``centre`` was retrieved."""

    centre: int  # the retrieved sentence's number
    first: int
    last: int
    start: int  # text == article.text[start:end]
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def make_window(
    sentences: Sequence[Sentence], text: str, centre: int, lead_words: int = 16
) -> Window:
    """Sentence ``centre`` (1-based) led by the last ``lead_words`` words of the sentence
    before it: a sentence plus a clipped neighbour, so "He said ..." keeps its speaker while
    the reader reads about half the word pieces of a three-sentence window.

    >>> from rag.ingest.article import article_from_text
    >>> a = article_from_text("One here and there. Two there. Three now. Four later.")
    >>> make_window(a.sentences, a.text, 1).text
    'One here and there.'
    >>> make_window(a.sentences, a.text, 2, lead_words=2).text
    'and there. Two there.'
    """
    own = sentences[centre - 1]
    start, first = own.start, centre
    if centre > 1 and lead_words > 0:
        before = sentences[centre - 2]
        words = [m.start() for m in re.finditer(r"\S+", before.text)]
        start = before.start + words[max(0, len(words) - lead_words)]
        first = centre - 1
    return Window(centre, first, centre, start, text[start : own.end])


def shrink_window(window: Window, sentences: Sequence[Sentence], text: str) -> Window:
    """The window's centre sentence alone."""
    own = sentences[window.centre - 1]
    return Window(window.centre, window.centre, window.centre, own.start, text[own.start : own.end])


@dataclass
class EncodedBatch:
    """Model inputs for a batch of windows, padded to the longest, plus the offset maps."""

    input_ids: np.ndarray  # int64 [batch, length]
    attention_mask: np.ndarray
    token_type_ids: np.ndarray
    context: np.ndarray  # bool [batch, length]: token belongs to the window text
    offsets: np.ndarray  # int64 [batch, length, 2]: character range in the window text


def _plain(tokenizer: Tokenizer) -> Tokenizer:
    """The tokenizer with neither truncation nor padding. all-MiniLM-L6-v2's tokenizer.json
    pads every text to 128 tokens: a padded question would look long and be cut to nothing,
    and pair truncation refuses a single text that needs cutting."""
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def _count_tokens(tokenizer: Tokenizer, text: str) -> int:
    return len(_plain(tokenizer).encode(text, add_special_tokens=False).ids)


def _truncate_question(tokenizer: Tokenizer, question: str) -> str:
    _plain(tokenizer)
    encoding = tokenizer.encode(question, add_special_tokens=False)
    if len(encoding.ids) <= MAX_QUESTION_TOKENS:
        return question
    return question[: encoding.offsets[MAX_QUESTION_TOKENS - 1][1]]


def fit_windows(
    tokenizer: Tokenizer,
    question: str,
    windows: Sequence[Window],
    sentences: Sequence[Sentence],
    text: str,
    max_tokens: int,
) -> list[Window]:
    """Each window, without neighbours while question + window exceed ``max_tokens``.

    A window whose centre sentence alone is too long stays: ``encode_windows`` truncates it.
    """
    budget = max_tokens - 3 - min(MAX_QUESTION_TOKENS, _count_tokens(tokenizer, question))
    fitted = []
    for window in windows:
        while window.first != window.last:
            if _count_tokens(tokenizer, window.text) <= budget:
                break
            window = shrink_window(window, sentences, text)
        fitted.append(window)
    return fitted


def encode_windows(
    tokenizer: Tokenizer, question: str, windows: Sequence[Window], max_tokens: int
) -> EncodedBatch:
    """``[CLS] question [SEP] window [SEP]`` for each window (see ``encode_pairs``)."""
    return encode_pairs(tokenizer, [(question, w.text) for w in windows], max_tokens)


def encode_pairs(
    tokenizer: Tokenizer, pairs: Sequence[tuple[str, str]], max_tokens: int
) -> EncodedBatch:
    """``[CLS] question [SEP] window [SEP]`` per (question, window text), padded to the
    longest and cut to ``max_tokens``: the question is capped at MAX_QUESTION_TOKENS first,
    then only the window side is cut. Sets the tokenizer's truncation, so no two threads may
    use one tokenizer at once (rag.models.TokenizerPool lends them).
    """
    pairs = [(_truncate_question(tokenizer, q), w) for q, w in pairs]
    tokenizer.enable_truncation(max_tokens, strategy="only_second")
    tokenizer.no_padding()
    encodings = tokenizer.encode_batch(pairs)
    length = max(len(e.ids) for e in encodings)
    size = len(encodings)
    ids = np.zeros((size, length), dtype=np.int64)
    mask = np.zeros((size, length), dtype=np.int64)
    types = np.zeros((size, length), dtype=np.int64)
    context = np.zeros((size, length), dtype=bool)
    offsets = np.zeros((size, length, 2), dtype=np.int64)
    for row, e in enumerate(encodings):
        n = len(e.ids)
        ids[row, :n] = e.ids
        mask[row, :n] = 1
        types[row, :n] = e.type_ids
        context[row, :n] = [s == 1 for s in e.sequence_ids]
        offsets[row, :n] = e.offsets
    return EncodedBatch(ids, mask, types, context, offsets)


def answer_tokens(batch: EncodedBatch, row: int, start: int, end: int) -> tuple[int, int]:
    """Token positions (first, last) of the character range ``start:end`` of window ``row``;
    (0, 0) — the [CLS] token, "no answer here" — when the range is not wholly in the tokens.

    Training labels come from this, so an answer cut off by truncation counts as absent.
    """
    positions = np.flatnonzero(batch.context[row])
    if not len(positions):
        return 0, 0
    offs = batch.offsets[row]
    first = [p for p in positions if offs[p, 0] <= start < offs[p, 1]]
    last = [p for p in positions if offs[p, 0] < end <= offs[p, 1]]
    if not first or not last or last[0] < first[0]:
        return 0, 0
    return int(first[0]), int(last[0])
