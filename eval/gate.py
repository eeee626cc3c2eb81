"""CI gate: run the shipped eval sets and fail when a metric falls below its floor.

    python -m eval.gate            # reads eval/floors.json, prints actual vs floor

Floors are the values measured when they were last raised, less a 0.02 margin for
platform noise in embeddings; "max" entries are ceilings (false abstention).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from eval.report import fmt
from eval.run import run
from rag.config import Settings
from rag.logs import configure_logging

HERE = Path(__file__).resolve().parent


def check(metrics: dict[str, float], limits: dict[str, dict[str, float]]) -> list[str]:
    """Names of the metrics outside their limits ({"min": x} or {"max": x}).

    >>> check({"f1": 0.7, "fa": 0.2}, {"f1": {"min": 0.75}, "fa": {"max": 0.1}})
    ['f1', 'fa']
    """
    failed = []
    for name, limit in limits.items():
        value = metrics[name]
        if ("min" in limit and not value >= limit["min"]) or (
            "max" in limit and not value <= limit["max"]
        ):
            failed.append(name)
    return failed


def main() -> int:
    configure_logging()
    floors = json.loads((HERE / "floors.json").read_text(encoding="utf-8"))
    console = Console(width=100)
    failures = []
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir))
        for set_name, limits in floors["sets"].items():
            metrics = run(HERE / "sets" / f"{set_name}.jsonl", settings=settings).metrics
            failed = check(metrics, limits)
            table = Table(title=f"eval gate: {set_name}")
            for column in ("metric", "actual", "limit", ""):
                table.add_column(column)
            for name, limit in limits.items():
                bound = f">= {limit['min']}" if "min" in limit else f"<= {limit['max']}"
                table.add_row(name, fmt(metrics[name]), bound, "FAIL" if name in failed else "ok")
            console.print(table)
            failures += [f"{set_name}: {name}" for name in failed]
    if failures:
        console.print(f"eval gate failed: {', '.join(failures)}")
        return 1
    console.print("eval gate passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
