"""Calibrate the abstention threshold: run eval sets at several thresholds and print metrics.

    python -m train.sweep eval/sets/seed-article.jsonl eval/sets/harbour-bridge.jsonl \
        --values 0 0.2 0.3 0.34 0.4 0.45 0.5 0.55

Pick the threshold in the middle of the range where overall F1 peaks on every set.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from eval.report_parts import fmt
from eval.run import run
from rag.config import Settings
from rag.logs import configure_logging

COLUMNS = ("hasans_f1", "noans_em", "false_abstention", "f1")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--values", nargs="+", type=float, required=True)
    args = parser.parse_args(argv)
    configure_logging()

    table = Table(title="abstain_threshold sweep")
    table.add_column("threshold", justify="right")
    for path in args.sets:
        for column in COLUMNS:
            table.add_column(f"{path.stem}\n{column}", justify="right")
    with tempfile.TemporaryDirectory() as data_dir:
        for value in args.values:
            settings = Settings(data_dir=Path(data_dir), abstain_threshold=value)
            cells = [f"{value:g}"]
            for path in args.sets:
                metrics = run(path, settings=settings).metrics
                cells += [fmt(metrics[c]) for c in COLUMNS]
            table.add_row(*cells)
    Console().print(table)


if __name__ == "__main__":
    main()
