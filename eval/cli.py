"""The ``rag-eval`` command (also ``python -m eval``): score Q&A sets and time the chatbot.

Examples:
    rag-eval run eval/sets/seed-article.jsonl --out eval-out/seed
    rag-eval run ../shared/data/asks-dev --out eval-out/asks
    rag-eval run --squad ../shared/data/squad2-dev-4-articles.json --articles 1
    rag-eval run --compare eval-out/a/report.json eval-out/b/report.json
    rag-eval bench --backends extractive local

It lives in eval/, not rag/: the product never imports its harness.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eval import views
from eval.asks import is_asks_path
from eval.report import write_report
from rag.cli import ConfigOpt, VerboseOpt, err, fail, fail_on, load_cli_settings, out
from rag.errors import RagError
from rag.logs import configure_logging

app = typer.Typer(
    help="Score the article chatbot on Q&A sets, or time it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command("run")
def run_command(
    eval_set: Annotated[
        Path | None,
        typer.Argument(
            help="JSONL eval set (format: eval/README.md), or an asks set: X.asks.jsonl "
            "or a folder of them."
        ),
    ] = None,
    article: Annotated[Path | None, typer.Option(help="Article for lines that name none.")] = None,
    backend: Annotated[str | None, typer.Option(help="Answerer backend.")] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write report.json and report.html here.")
    ] = None,
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option(help="Compare two report.json files instead of running."),
    ] = None,
    squad: Annotated[
        Path | None, typer.Option(help="Run an official SQuAD 2.0 JSON file instead.")
    ] = None,
    articles: Annotated[
        int | None, typer.Option(min=1, help="With --squad: only the first N articles.")
    ] = None,
    config: ConfigOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Score the chatbot on a set of Q&A pairs or of asks, or compare two reports.

    An asks set (X.asks.jsonl beside its article X.txt, or a folder of them)
    is asked as the app's /ask is, follow-ups with history, and judged per kind.

    Examples:
      rag-eval run eval/sets/seed-article.jsonl --out eval-out/seed
      rag-eval run ../shared/data/asks-dev --out eval-out/asks
      rag-eval run --squad ../shared/data/squad2-dev-4-articles.json --articles 1
      rag-eval run --compare eval-out/a/report.json eval-out/b/report.json
    """
    try:
        if compare is not None:
            configure_logging(verbose)
            views.print_comparison(out, *compare)
            return
        if (eval_set is None) == (squad is None):
            fail("Give an eval set (SET.jsonl) or --squad FILE, or --compare A B.")
        asks = eval_set is not None and is_asks_path(eval_set)
        if asks and article is not None:
            fail("--article does not apply to asks sets: X.asks.jsonl reads X.txt beside it.")
        settings = load_cli_settings(config, verbose, **({"backend": backend} if backend else {}))
        if asks and eval_set is not None:
            report = views.run_asks_with_progress(settings, eval_set, progress_console=err)
        else:
            report = views.run_with_progress(
                settings,
                eval_set=eval_set,
                squad=squad,
                article=article,
                max_articles=articles,
                progress_console=err,
            )
    except RagError as exc:
        fail_on(exc)
    if asks:
        views.print_asks_report(out, report)
    else:
        views.print_report(out, report)
    if out_dir is not None:
        json_path, html_path = write_report(report, out_dir)
        out.print(f"Wrote {json_path} and {html_path}")


@app.command(
    "bench",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def bench_command(ctx: typer.Context) -> None:
    """Speed: index, re-open and answer latency, beside the LangChain tutorial pipeline.

    Options (see `rag-eval bench --help`): --backends extractive local, --out FILE.
    """
    from bench.bench import main as bench_main

    raise typer.Exit(bench_main(list(ctx.args)))


def main() -> None:
    app()
