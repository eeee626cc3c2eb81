"""Split cleaned text into numbered sentences with character offsets. Pure functions.

Segmentation is syntok's (rule-based, keeps offsets; on the seed article it matched a reader's
splits exactly, as spaCy and pysbd did, and ran ~35x faster than spaCy's parser). Each
sentence runs from its first token to the character before the next sentence's first token,
with trailing whitespace removed, so ``text[start:end] == sentence.text`` always holds and
no character of prose is lost between sentences.

    >>> [s.text for s in split_sentences("He came. “Why?” she asked.\\nNew paragraph.")]
    ['He came.', '“Why?” she asked.', 'New paragraph.']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from syntok import segmenter

from rag.types import Sentence

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_HAS_WORD = re.compile(r"\w")


def paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph.

    With blank lines in the text, blank lines separate paragraphs (hard-wrapped text keeps its
    lines together); without any, every line is a paragraph (one-paragraph-per-line text).
    """
    separator = _BLANK_LINE if _BLANK_LINE.search(text) else re.compile(r"\n")
    start = 0
    for match in separator.finditer(text):
        yield from _trimmed(text, start, match.start())
        start = match.end()
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    chunk = text[start:end]
    if chunk.strip():
        lead = len(chunk) - len(chunk.lstrip())
        yield start + lead, start + len(chunk.rstrip())


def _sentence_starts(paragraph: str) -> list[int]:
    """Offsets (within the paragraph) where syntok begins a sentence."""
    starts = []
    for para in segmenter.analyze(paragraph):
        for sentence in para:
            if sentence:
                starts.append(sentence[0].offset)
    return starts or [0]


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Numbered sentences (1-based) with paragraph numbers and offsets into ``text``."""
    out: list[Sentence] = []
    for paragraph_no, (p_start, p_end) in enumerate(paragraph_spans(text), start=1):
        paragraph = text[p_start:p_end]
        starts = _sentence_starts(paragraph)
        starts[0] = 0  # any leading characters belong to the first sentence
        bounds = [*starts[1:], len(paragraph)]
        for s, e in zip(starts, bounds, strict=True):
            piece = paragraph[s:e]
            body = piece.rstrip()
            if not _HAS_WORD.search(body):
                continue
            start = p_start + s + (len(body) - len(body.lstrip()))
            end = p_start + s + len(body)
            out.append(
                Sentence(
                    idx=len(out) + 1,
                    start=start,
                    end=end,
                    paragraph=paragraph_no,
                    text=text[start:end],
                )
            )
    return tuple(out)
