"""An overview: the article's own sentences chosen for coverage, none paraphrased.

A news article puts its point first, so the lead sentence always comes first; the others are
chosen by maximal marginal relevance (MMR) over the sentence embeddings already in Chroma:
each next sentence is the one most central to the whole article (cosine to the mean of all
sentence vectors, nudged towards the start of the article and of its paragraphs) and least
like those already chosen. Headlines, datelines and fragments (no final punctuation, under
six words) are passed over. The count follows the article's length: 3 up to 12 sentences,
4 up to 40, 5 beyond.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from rag.types import Sentence

_ENDS_SENTENCE = re.compile(r"[.!?;:][\"'”’)\]]*$")
NEAR_DUPLICATE = 0.95  # cosine at which a sentence restates one already chosen
REDUNDANCY = 0.5  # MMR: the weight of similarity to what is already chosen (the usual λ)
# News is written top-down (the inverted pyramid: lead-3 is a strong summary of news on its
# own), and each paragraph opens with its point: centrality gains these for position.
LEAD_BONUS = 0.3  # at the start of the article, fading linearly to 0 at its end
PARAGRAPH_LEAD_BONUS = 0.1  # for a paragraph's first sentence


def overview_size(sentences: int) -> int:
    """How many sentences an overview of an article of ``sentences`` sentences gives.

    >>> [overview_size(n) for n in (2, 12, 13, 40, 41, 500)]
    [2, 3, 4, 4, 5, 5]
    """
    size = 3 if sentences <= 12 else 4 if sentences <= 40 else 5
    return min(size, sentences)


def is_body_sentence(sentence: Sentence) -> bool:
    """A full sentence of the body: not a headline, dateline, caption or fragment."""
    text = sentence.text.strip()
    return len(text.split()) >= 6 and _ENDS_SENTENCE.search(text) is not None


def choose_overview(sentences: Sequence[Sentence], vectors: np.ndarray) -> list[int]:
    """Numbers of the sentences an overview shows, in reading order.

    ``vectors`` holds one embedding per sentence, in the same order. Articles with no full
    sentence fall back to all their sentences as candidates.

    >>> from rag.ingest.sentences import split_sentences
    >>> s = split_sentences("Rain fell all day in the town. The river rose by two metres. "
    ...                     "The mayor closed the old bridge at noon. Schools stayed open.")
    >>> choose_overview(s, np.eye(4))
    [1, 2, 3]
    """
    candidates = [i for i, s in enumerate(sentences) if is_body_sentence(s)]
    candidates = candidates or list(range(len(sentences)))
    if not candidates:
        return []
    size = overview_size(len(candidates))
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    centre = unit.mean(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-9)
    position = np.arange(len(sentences)) / max(len(sentences) - 1, 1)
    opens = np.array(
        [i == 0 or s.paragraph != sentences[i - 1].paragraph for i, s in enumerate(sentences)]
    )
    relevance = unit @ centre + LEAD_BONUS * (1.0 - position) + PARAGRAPH_LEAD_BONUS * opens
    chosen = [candidates[0]]  # the lead
    while len(chosen) < size:
        rest = [i for i in candidates if i not in chosen]
        similarity = unit[rest] @ unit[chosen].T
        closest = similarity.max(axis=1)
        scores = (1 - REDUNDANCY) * relevance[rest] - REDUNDANCY * closest
        if (closest < NEAR_DUPLICATE).any():  # a sentence said again is never shown twice
            scores[closest >= NEAR_DUPLICATE] = -np.inf
        chosen.append(rest[int(np.argmax(scores))])
    return sorted(sentences[i].idx for i in chosen)
