"""Reciprocal rank fusion of several rankings. Pure functions.

RRF (Cormack et al., 2009): each list contributes ``weight / (k + rank)`` for every item it
ranks, ranks counted from 1; items are ordered by the summed contributions.

    >>> [(item, round(score, 4)) for item, score in fuse_rankings([[3, 1, 2], [1, 2]], k=60)]
    [(1, 0.0325), (2, 0.032), (3, 0.0164)]
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def fuse_rankings(
    rankings: Sequence[Sequence[T]], *, k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[T, float]]:
    """Items with their fused scores, best first; ties broken by first appearance order."""
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
