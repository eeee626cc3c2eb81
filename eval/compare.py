"""Compare two report.json files: metrics side by side and the questions that flipped.

rag-eval run --compare baseline/report.json candidate/report.json
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.scores import is_correct
from eval.sets import EvalSetError


@dataclass(frozen=True)
class Comparison:
    metrics: list[tuple[str, Any, Any]]  # (name, A, B) for every metric either report has
    fixed: list[str]  # ids wrong in A, right in B
    broken: list[str]  # ids right in A, wrong in B
    only_a: list[str]
    only_b: list[str]


def read_report(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        _ = data["metrics"], data["predictions"]
    except FileNotFoundError as exc:
        raise EvalSetError(f"Report not found: {path}") from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EvalSetError(f"{path} is not an eval report.json: {exc}") from exc
    return dict(data)


def compare(a: dict[str, Any], b: dict[str, Any]) -> Comparison:
    """Side-by-side metrics and flips (see ``eval.scores.is_correct``) between two reports."""
    names = list(dict.fromkeys([*a["metrics"], *b["metrics"]]))
    metrics = [(n, a["metrics"].get(n), b["metrics"].get(n)) for n in names]
    rows_a = {p["id"]: p for p in a["predictions"]}
    rows_b = {p["id"]: p for p in b["predictions"]}
    both = [i for i in rows_a if i in rows_b]
    return Comparison(
        metrics,
        fixed=[i for i in both if not is_correct(rows_a[i]) and is_correct(rows_b[i])],
        broken=[i for i in both if is_correct(rows_a[i]) and not is_correct(rows_b[i])],
        only_a=[i for i in rows_a if i not in rows_b],
        only_b=[i for i in rows_b if i not in rows_a],
    )
