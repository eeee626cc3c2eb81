"""Terminal output for `rag-eval run`: progress while running, metrics and comparisons after."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eval.asks import read_asks, run_asks
from eval.asks_judge import pass_by_kind
from eval.compare import compare, read_report
from eval.report_parts import fmt
from eval.run import Report, run
from eval.sets import read_jsonl, read_squad
from rag.config import Settings


def run_with_progress(
    settings: Settings,
    *,
    eval_set: Path | None,
    squad: Path | None,
    article: Path | None,
    max_articles: int | None,
    progress_console: Console,
) -> Report:
    """Load the set (JSONL or SQuAD) and run it with a progress bar on ``progress_console``."""
    loaded = read_squad(squad, max_articles) if squad else read_jsonl(eval_set, article)  # type: ignore[arg-type]
    return _with_bar(progress_console, len(loaded.items), lambda bar: run(
        loaded, settings=settings, on_progress=bar))  # fmt: skip


def _with_bar(
    console: Console, total: int, go: Callable[[Callable[[int, int], None]], Report]
) -> Report:
    """``go(on_progress)`` with a progress bar of ``total`` steps on ``console``."""
    columns = (TextColumn("Evaluating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("eval", total=total)
        return go(lambda done, _total: progress.update(task, completed=done))


def run_asks_with_progress(settings: Settings, path: Path, *, progress_console: Console) -> Report:
    """Load an asks set (a ``.asks.jsonl`` file or a folder of them) and run it with a
    progress bar on ``progress_console``."""
    loaded = read_asks(path)
    return _with_bar(progress_console, len(loaded.items), lambda bar: run_asks(
        loaded, settings=settings, on_progress=bar))  # fmt: skip


def print_asks_report(console: Console, report: Report) -> None:
    """The pass rate by kind as a table, the overall rate, then each problem."""
    table = Table(title=f"asks: {report.config['set']} ({report.config['backend']})")
    for column, justify in (
        ("kind", "left"),
        ("passed", "right"),
        ("total", "right"),
        ("%", "right"),
        ("p50 ms", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    rows = pass_by_kind(report.predictions)
    for kind, passed, total in rows:
        p50 = fmt(report.metrics.get(f"latency_p50_ms_{kind}"))
        table.add_row(kind, str(passed), str(total), f"{100 * passed / total:.0f}", p50)
    console.print(table)
    passed, total = sum(p for _, p, _ in rows), len(report.predictions)
    share = f"{100 * passed / total:.0f} %" if total else "n/a"
    p50 = fmt(report.metrics.get("latency_p50_ms"))
    console.print(f"passed {passed} of {total} asks ({share}); latency p50 {p50} ms")
    for problem in report.problems:
        console.print(f"[yellow]problem:[/yellow] {escape(problem)}")


def print_report(console: Console, report: Report) -> None:
    """Metrics as a table, then each problem (bad line, missing evidence) on its own line."""
    table = Table(title=f"eval: {report.config['set']} ({report.config['backend']})")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in report.metrics.items():
        table.add_row(name, fmt(value))
    console.print(table)
    for problem in report.problems:
        console.print(f"[yellow]problem:[/yellow] {escape(problem)}")


def print_comparison(console: Console, a: Path, b: Path) -> None:
    """Metrics of two reports side by side with the change, then the questions that flipped."""
    result = compare(read_report(a), read_report(b))
    table = Table(title="eval comparison")
    for column, justify in (("metric", "left"), ("A", "right"), ("B", "right"), ("B - A", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for name, va, vb in result.metrics:
        numeric = isinstance(va, int | float) and isinstance(vb, int | float)
        delta = f"{vb - va:+.3f}" if numeric else ""
        table.add_row(name, fmt(va), fmt(vb), delta)
    console.print(f"A = {escape(str(a))}\nB = {escape(str(b))}")
    console.print(table)
    console.print(f"wrong -> right ({len(result.fixed)}): {', '.join(result.fixed) or '-'}")
    console.print(f"right -> wrong ({len(result.broken)}): {', '.join(result.broken) or '-'}")
    if result.only_a or result.only_b:
        console.print(f"only in A: {len(result.only_a)}, only in B: {len(result.only_b)}")
