import pytest

from rag.retrieve.fusion import blend_scores, fuse_rankings, fuse_scores_by_rank


def test_hand_computed_rrf() -> None:
    # a: 1/(1+1) + 1/(1+2) = 0.8333; b: 1/(1+2) + 1/(1+1) = 0.8333; c: 1/(1+3) = 0.25
    fused = fuse_rankings([["a", "b", "c"], ["b", "a"]], k=1)
    assert [item for item, _ in fused] == ["a", "b", "c"]  # tie keeps first appearance
    assert [round(score, 4) for _, score in fused] == [0.8333, 0.8333, 0.25]


def test_weights() -> None:
    fused = fuse_rankings([["a"], ["b"]], k=0, weights=[1.0, 2.0])
    assert fused == [("b", 2.0), ("a", 1.0)]


def test_weights_must_match() -> None:
    with pytest.raises(ValueError, match="1 weights for 2 rankings"):
        fuse_rankings([["a"], ["b"]], weights=[1.0])


def test_empty() -> None:
    assert fuse_rankings([[], []]) == []


def test_blend_hand_computed() -> None:
    # dense min-max: a=1.0, b=0.5, c=0.0; lexical / max: a=0, b=1.0, c=0.5
    fused = blend_scores({"a": 0.8, "b": 0.5, "c": 0.2}, {"b": 6.0, "c": 3.0}, dense_weight=0.6)
    assert [(item, round(score, 4)) for item, score in fused] == [
        ("b", 0.7),
        ("a", 0.6),
        ("c", 0.2),
    ]


def test_blend_without_lexical_hits_keeps_dense_order() -> None:
    assert [i for i, _ in blend_scores({1: 0.2, 2: 0.9}, {})] == [2, 1]
    assert blend_scores({}, {1: 1.0}) == []


def test_rrf_of_scores_ranks_only_what_bm25_matched() -> None:
    # dense ranks 1, 2, 3; BM25 matched 3 alone (2 scored 0): 3 gets both lists' votes
    fused = fuse_scores_by_rank({1: 0.9, 2: 0.8, 3: 0.1}, {3: 2.0, 2: 0.0}, k=1)
    assert [i for i, _ in fused] == [3, 1, 2]
    assert [round(s, 4) for _, s in fused] == [0.75, 0.5, 0.3333]
