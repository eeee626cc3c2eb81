"""Fuse dense and lexical rankings: a normalised score blend, or reciprocal rank fusion.

The blend at dense weight 0.7 is the default: on the fitting data (news-fit and the SQuAD
pool, domains weighing the same) it puts the evidence sentence among the 3 windows the reader
reads for 0.912 of answerable questions, against 0.906 at 0.5 or 0.6 and 0.897 for RRF
(`python -m train.fusion_sweep`). RRF ignores how far apart the scores are, so a paraphrase
that BM25 misses entirely loses to any sentence both lists rank, however weakly.

    >>> blend_scores({1: 0.9, 2: 0.5, 3: 0.1}, {2: 4.0}, dense_weight=0.5)
    [(2, 0.75), (1, 0.5), (3, 0.0)]

    >>> [(item, round(score, 4)) for item, score in fuse_rankings([[3, 1, 2], [1, 2]], k=60)]
    [(1, 0.0325), (2, 0.032), (3, 0.0164)]
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def blend_scores(
    dense: dict[T, float], lexical: dict[T, float], *, dense_weight: float = 0.7
) -> list[tuple[T, float]]:
    """Items by ``w * minmax(dense) + (1 - w) * lexical / max(lexical)``, best first.

    Dense scores are min-max scaled over the candidates; BM25 scores are divided by the best
    one (0 stays 0). Items missing from ``lexical`` score 0 there. Ties keep dense order.
    """
    if not dense:
        return []
    low, high = min(dense.values()), max(dense.values())
    spread = (high - low) or 1.0
    best_lexical = max(lexical.values(), default=0.0) or 1.0
    scored = {
        item: dense_weight * (value - low) / spread
        + (1 - dense_weight) * max(lexical.get(item, 0.0), 0.0) / best_lexical
        for item, value in dense.items()
    }
    order = sorted(dense, key=lambda item: -dense[item])
    rank = {item: i for i, item in enumerate(order)}
    return sorted(scored.items(), key=lambda kv: (-kv[1], rank[kv[0]]))


def fuse_rankings(
    rankings: Sequence[Sequence[T]], *, k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[T, float]]:
    """RRF: items with their fused scores, best first; ties keep first appearance order.

    Each list contributes ``weight / (k + rank)`` for every item it ranks, ranks from 1.
    """
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    scores: dict[T, float] = {}
    order: dict[T, int] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
            order.setdefault(item, len(order))
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def fuse_scores_by_rank(
    dense: dict[T, float], lexical: dict[T, float], *, k: int = 60
) -> list[tuple[T, float]]:
    """RRF of the dense ranking and the lexical one (the items BM25 matched at all).

    >>> fuse_scores_by_rank({1: 0.9, 2: 0.5}, {2: 4.0, 1: 0.0})[0][0]  # both lists rank 2
    2
    """
    by_dense = sorted(dense, key=lambda i: -dense[i])
    by_lexical = [i for i in sorted(lexical, key=lambda i: -lexical[i]) if lexical[i] > 0]
    return fuse_rankings([by_dense, by_lexical], k=k)
