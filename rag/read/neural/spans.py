"""The reader's best span in each window, from the model's start and end logits (pure numpy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.read.neural.windows import EncodedBatch


@dataclass(frozen=True, slots=True)
class Span:
    """The best span of one window: character range in the window text and its scores."""

    start: int
    end: int
    score: float  # start + end logit of the span
    null: float  # start + end logit of [CLS]: "no answer in this window"

    @property
    def margin(self) -> float:
        return self.score - self.null


def best_spans(
    batch: EncodedBatch, start: np.ndarray, end: np.ndarray, max_answer_tokens: int
) -> list[Span]:
    """For each window, the best span of at most ``max_answer_tokens`` window tokens.

    A span must start and end on window tokens (not the question's), end at or after its start.
    Worked example: start logits [5, 1, 3], end [5, 0, 4] with tokens 1..2 in the window give
    span tokens (2, 2), score 7, null 10, margin -3.
    """
    spans = []
    for row in range(len(batch.input_ids)):
        inside = batch.context[row]
        s = np.where(inside, start[row], -np.inf)
        e = np.where(inside, end[row], -np.inf)
        # score[i, j] = s[i] + e[j] for i <= j < i + max_answer_tokens
        pair = s[:, None] + e[None, :]
        i, j = np.indices(pair.shape)
        pair[(j < i) | (j >= i + max_answer_tokens)] = -np.inf
        flat = int(np.argmax(pair))
        first, last = divmod(flat, pair.shape[1])
        null = float(start[row, 0] + end[row, 0])
        if not np.isfinite(pair[first, last]):
            spans.append(Span(0, 0, -np.inf, null))
            continue
        offsets = batch.offsets[row]
        spans.append(
            Span(int(offsets[first, 0]), int(offsets[last, 1]), float(pair[first, last]), null)
        )
    return spans
