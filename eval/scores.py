"""Aggregate per-question rows into the report's metrics. Pure.

Definitions (HasAns = answerable questions, NoAns = unanswerable ones):
- ``em`` / ``f1``: mean over all questions; ``hasans_*`` / ``noans_*`` over each part. On
  NoAns, EM = F1 = 1 for an abstention, else 0 (SQuAD 2.0).
- ``abstention_accuracy``: share of NoAns questions the chatbot abstained on (= ``noans_em``).
- ``false_abstention``: share of HasAns questions it abstained on.
- ``evidence_hit``: share of HasAns questions with a cited sentence that supports the item
  (overlaps an evidence string or contains a gold answer; see eval/metrics.py).
- ``retrieval_hit_at_1`` / ``_at_5``: share of HasAns questions with an evidence sentence
  among the first 1 / 5 retrieved sentences.
- ``citation_precision``: supporting citations / all citations, over every question (a
  citation on a NoAns question never supports). ALCE scores each citation of a statement;
  here each statement is the whole short answer and each citation is one sentence.
- ``citation_recall``: share of HasAns questions whose evidence is fully cited (every
  sentence an evidence string overlaps; see ``evidence_covered``).
- ``latency_p50_ms`` / ``p95`` / ``max``: over every answered question, nearest rank.
- ``forced_hasans_f1``: HasAns F1 of the reader's best span had it always answered
  (``guess_f1``; NaN for answerers that keep no best span).
- ``calibration_error``: the expected calibration error of ``confidence`` as the probability
  that the best span is right (answerable and ``guess_f1`` >= 0.5), ten bins; NaN for
  answerers whose confidence is no probability.
- NaN (shown "n/a") when a part has no questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eval.metrics import calibration, mean, percentile

RIGHT_F1 = 0.5  # a best span this close to a gold answer is right (train/fit_decision.py)


def aggregate(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Metrics of a run from its per-question rows (see the module docstring).

    >>> rows = [
    ...     {"answerable": True, "em": 1.0, "f1": 1.0, "abstained": False, "evidence_hit": True,
    ...      "evidence_covered": True, "hit_at_1": True, "hit_at_5": True,
    ...      "citations": [{}], "supporting_citations": 1, "latency_ms": 10.0},
    ...     {"answerable": False, "em": 0.0, "f1": 0.0, "abstained": False, "evidence_hit": False,
    ...      "evidence_covered": False, "hit_at_1": False, "hit_at_5": False,
    ...      "citations": [{}], "supporting_citations": 0, "latency_ms": 30.0},
    ... ]
    >>> m = aggregate(rows)
    >>> m["f1"], m["hasans_f1"], m["noans_em"], m["citation_precision"], m["latency_p50_ms"]
    (0.5, 1.0, 0.0, 0.5, 10.0)
    """
    has = [r for r in rows if r["answerable"]]
    no = [r for r in rows if not r["answerable"]]
    citations = sum(len(r["citations"]) for r in rows)
    latencies = [r["latency_ms"] for r in rows]
    return {
        "questions": len(rows),
        "answerable": len(has),
        "unanswerable": len(no),
        "abstained": sum(1 for r in rows if r["abstained"]),
        "em": mean([r["em"] for r in rows]),
        "f1": mean([r["f1"] for r in rows]),
        "hasans_em": mean([r["em"] for r in has]),
        "hasans_f1": mean([r["f1"] for r in has]),
        "noans_em": mean([r["em"] for r in no]),
        "abstention_accuracy": mean([float(r["abstained"]) for r in no]),
        "false_abstention": mean([float(r["abstained"]) for r in has]),
        "evidence_hit": mean([float(r["evidence_hit"]) for r in has]),
        "retrieval_hit_at_1": mean([float(r["hit_at_1"]) for r in has]),
        "retrieval_hit_at_5": mean([float(r["hit_at_5"]) for r in has]),
        "citation_precision": (
            sum(r["supporting_citations"] for r in rows) / citations if citations else float("nan")
        ),
        "citation_recall": mean([float(r["evidence_covered"]) for r in has]),
        # LLM runs: the share of answers the citation check replaced with the extractive one
        "fallback_rate": mean([float("fallback" in r.get("backend", "")) for r in rows]),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "latency_max_ms": max(latencies) if latencies else float("nan"),
        "forced_hasans_f1": mean([float(r.get("guess_f1") or 0.0) for r in has])
        if any(r.get("guess_f1") is not None for r in has)
        else float("nan"),
        "calibration_error": calibration(*reliability_rows(rows))[0]
        if any(r.get("features") for r in rows)
        else float("nan"),
    }


def reliability_rows(rows: Sequence[dict[str, Any]]) -> tuple[list[float], list[bool]]:
    """(confidence, best span right) of the rows whose answerer gave a probability."""
    kept = [r for r in rows if r.get("features")]
    right = [bool(r["answerable"]) and float(r.get("guess_f1") or 0.0) >= RIGHT_F1 for r in kept]
    return [float(r["confidence"]) for r in kept], right


def is_correct(row: dict[str, Any]) -> bool:
    """What ``--compare`` calls right: F1 >= 0.5 (on NoAns: abstained); an ask
    (eval/asks.py) is right when it passed."""
    if "passed" in row:
        return bool(row["passed"])
    return float(row["f1"]) >= 0.5
