"""Eval metrics. Pure functions: each docstring is the exact definition the report uses.

Terms used below:
- a *prediction* has a short answer, an ``abstained`` flag, cited sentence spans and the
  retrieved sentence numbers (best first);
- an item's *evidence spans* are where its evidence strings occur in the article text;
- an *evidence sentence* is a sentence that overlaps an evidence span;
- a sentence *supports* an item when it overlaps one of its evidence spans or contains one of
  its gold answers (as a run of normalised tokens).
"""

from __future__ import annotations

import collections
import math
import re
import string
from collections.abc import Sequence

from rag.types import Article

_PUNCT = set(string.punctuation) | set("“”‘’…–—")
_ARTICLES = re.compile(r"\b(a|an|the)\b")

Span = tuple[int, int]  # [start, end) character offsets into the article text


def normalize_answer(text: str) -> str:
    """SQuAD 2.0 normalisation: lower case, punctuation dropped, a/an/the dropped, spaces folded.

    >>> normalize_answer("The  Kremlin’s “warning”!")
    'kremlins warning'
    """
    text = "".join(ch for ch in text.lower() if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, gold: str) -> float:
    """1.0 when the normalised strings are equal, else 0.0.

    >>> exact_match("Britain, Germany, Spain and Poland", "britain germany spain and poland")
    1.0
    """
    return float(normalize_answer(prediction) == normalize_answer(gold))


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD token F1 of the normalised strings (two empty strings score 1.0).

    >>> round(token_f1("in December", "December"), 3)  # P = 1/2, R = 1/1
    0.667
    """
    pred, ref = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not pred or not ref:
        return float(pred == ref)
    common = sum((collections.Counter(pred) & collections.Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def score_answer(
    prediction: str, abstained: bool, golds: Sequence[str], answerable: bool
) -> tuple[float, float]:
    """(EM, F1) of one prediction: max over gold answers when answerable.

    Unanswerable: an abstention scores (1, 1), anything else (0, 0). Answerable: an
    abstention scores (0, 0).
    """
    if not answerable:
        return (1.0, 1.0) if abstained else (0.0, 0.0)
    if abstained or not golds:
        return 0.0, 0.0
    return (
        max(exact_match(prediction, g) for g in golds),
        max(token_f1(prediction, g) for g in golds),
    )


def find_spans(text: str, needles: Sequence[str]) -> list[Span]:
    """Every occurrence of each needle in ``text`` as (start, end).

    >>> find_spans("a b a", ["a"])
    [(0, 1), (4, 5)]
    """
    spans = []
    for needle in needles:
        if needle:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text)]
    return sorted(spans)


def overlaps(a: Span, b: Span) -> bool:
    """True when the half-open spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def overlapping(spans: Sequence[Span], targets: Sequence[Span]) -> list[Span]:
    """The ``spans`` (sentences, say) that share a character with any of ``targets``.

    >>> overlapping([(0, 5), (5, 9), (9, 12)], [(4, 6)])
    [(0, 5), (5, 9)]
    """
    return [s for s in spans if any(overlaps(s, t) for t in targets)]


def evidence_sentences(article: Article, evidence: Sequence[str]) -> list[Span]:
    """The spans of the article's sentences that hold any of the ``evidence`` texts."""
    sentences = [(s.start, s.end) for s in article.sentences]
    return overlapping(sentences, find_spans(article.text, evidence))


def contains_answer(sentence: str, gold: str) -> bool:
    """The normalised gold answer's tokens occur as a contiguous run in the sentence's.

    >>> contains_answer("Ukraine is not a member.", "no")
    False
    >>> contains_answer("It has 32 members", "32")
    True
    """
    needle, hay = normalize_answer(gold).split(), normalize_answer(sentence).split()
    if not needle:
        return False
    return any(hay[i : i + len(needle)] == needle for i in range(len(hay) - len(needle) + 1))


def supports(
    sentence: Span, sentence_text: str, evidence: Sequence[Span], golds: Sequence[str]
) -> bool:
    """A sentence supports an item when it overlaps an evidence span or contains a gold answer."""
    return any(overlaps(sentence, e) for e in evidence) or any(
        contains_answer(sentence_text, g) for g in golds
    )


def evidence_hit(
    cited: Sequence[tuple[Span, str]], evidence: Sequence[Span], golds: Sequence[str]
) -> bool:
    """At least one cited sentence supports the item (the issue's "evidence hit")."""
    return any(supports(span, text, evidence, golds) for span, text in cited)


def evidence_covered(
    cited: Sequence[Span], evidence: Sequence[Span], sentences: Sequence[Span]
) -> bool:
    """Citation recall for one item (ALCE's "recall" adapted to sentences): for some evidence
    string, every article sentence overlapping one of its occurrences is cited. An item whose
    evidence spans two sentences needs both; with several evidence strings (alternatives),
    covering one suffices. False when no evidence string is found in the article.
    """
    cited_set = set(cited)
    for span in evidence:
        needed = overlapping(sentences, [span])
        if needed and all(s in cited_set for s in needed):
            return True
    return False


def retrieval_hit(retrieved: Sequence[Span], evidence: Sequence[Span], k: int) -> bool:
    """One of the first ``k`` retrieved sentences overlaps an evidence span."""
    return any(overlaps(s, e) for s in retrieved[:k] for e in evidence)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q% of values at or below it.

    >>> percentile([10, 20, 30, 40], 50), percentile([10, 20, 30, 40], 95)
    (20, 40)
    """
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * q / 100))
    return ordered[rank - 1]


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; NaN for no values (shown as "n/a", never as 0)."""
    return sum(values) / len(values) if values else math.nan


def tradeoff_curve(
    rows: Sequence[tuple[bool, float, float]], thresholds: Sequence[float]
) -> list[tuple[float, float, float]]:
    """(threshold, HasAns F1, NoAns accuracy) when answering only at confidence >= threshold.

    ``rows`` are (answerable, confidence, F1 of the best span if answered). An answerable
    question abstained on scores 0; an unanswerable one scores 1 when abstained on.

    >>> tradeoff_curve([(True, 0.9, 1.0), (True, 0.4, 0.5), (False, 0.3, 0.0)], [0.35, 0.5])
    [(0.35, 0.75, 1.0), (0.5, 0.5, 1.0)]
    """
    has = [(c, f1) for answerable, c, f1 in rows if answerable]
    no = [c for answerable, c, _ in rows if not answerable]
    return [
        (
            t,
            mean([f1 if c >= t else 0.0 for c, f1 in has]),
            mean([1.0 if c < t else 0.0 for c in no]),
        )
        for t in thresholds
    ]


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """The chance that a random positive scores above a random negative (ties count half);
    NaN when either class is empty.

    >>> roc_auc([0.9, 0.4, 0.4, 0.1], [True, True, False, False])
    0.875
    """
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def calibration(
    probabilities: Sequence[float], outcomes: Sequence[bool], bins: int = 10
) -> tuple[float, list[dict[str, float]]]:
    """(expected calibration error, reliability table): questions binned by predicted
    probability into ``bins`` equal-width bins; each row gives the bin's range, its questions,
    their mean probability and the share that came true. ECE is the question-weighted mean gap
    between the two.

    >>> ece, table = calibration([0.1, 0.1, 0.9, 0.9], [False, False, True, False], bins=2)
    >>> round(ece, 3), [(r["n"], r["predicted"], r["observed"]) for r in table]
    (0.25, [(2, 0.1, 0.0), (2, 0.9, 0.5)])
    """
    table = []
    total, gap = len(probabilities), 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [
            (p, y)
            for p, y in zip(probabilities, outcomes, strict=True)
            if low <= p < high or (b == bins - 1 and p == 1.0)
        ]
        if not inside:
            continue
        predicted = sum(p for p, _ in inside) / len(inside)
        observed = sum(1 for _, y in inside if y) / len(inside)
        gap += len(inside) * abs(predicted - observed)
        table.append(
            {
                "low": round(low, 3),
                "high": round(high, 3),
                "n": len(inside),
                "predicted": round(predicted, 4),
                "observed": round(observed, 4),
            }
        )
    return (gap / total if total else float("nan")), table
