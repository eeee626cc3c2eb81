"""The ``rag`` command: ask, chat, index. (Scoring and speed: ``rag-eval``, from eval/.)

Examples:
    rag ask ../shared/seed-article.txt "Who ruled out sending troops?"
    rag ask https://example.com/story.html "When was the bridge closed?" --json
    cat story.txt | rag chat -
    rag index long-story.md

Every RagError becomes one line on stderr and exit status 1; nothing prints a traceback.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rag.config import Settings, load_settings
from rag.errors import NotInstalled, RagError
from rag.logs import configure_logging
from rag.transcript import Heading, Turn, transcript_markdown

app = typer.Typer(
    help="Ask questions about a news article; every answer cites the article's sentences.",
    epilog="Scoring a Q&A set: rag-eval run SET (eval/). Speed: rag-eval bench (bench/). "
    "Training the reader: make train-reader (train/).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

ArticleArg = Annotated[
    str, typer.Argument(help="Article: a .txt/.md/.html path, a URL, or - for stdin.")
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file (keys as in rag.config).")
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")]
BackendOpt = Annotated[
    str | None,
    typer.Option(
        help="Answerer: extractive (default), local, openai or hf; see rag/generate/backends.py."
    ),
]


class Session:
    """Settings, the loaded article and its history for one CLI invocation."""

    def __init__(self, settings: Settings, source: str, *, show_progress: bool) -> None:
        from rag.ingest.article import load_source
        from rag.service import ArticleService

        self.settings = settings
        self.article = load_source(source, settings)
        if self.article.notice:
            err.print(f"note: {self.article.notice}")
        self.service = ArticleService(settings)
        if settings.backend != "extractive":
            self.service.chat_models.get(settings.backend)  # missing: fail before indexing
        self.service.warm_up()  # the models load while Chroma opens
        with _progress(show_progress, len(self.article.sentences)) as on_progress:
            self.loaded = self.service.load(self.article, on_progress=on_progress)
        self.index = self.loaded.index
        self.history: list[dict[str, str]] = []

    def ask(self, question: str, *, stream: bool = False) -> Any:
        """The checked Answer; with ``stream``, an LLM's words go to stderr as they come."""
        from rag.types import Answer

        shown = ""
        answer = None
        for part in self.service.stream(
            self.loaded.id, question, self.history, self.settings.backend
        ):
            if isinstance(part, Answer):
                answer = part
            elif stream:
                err.print(escape(part[len(shown) :]), end="", style="dim")
                shown = part
        if shown:
            err.print()
        self.history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.text if answer else ""},
        ]
        return answer


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    columns = (TextColumn("Indexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("index", total=total)
        yield lambda done, _total: progress.update(task, completed=done)


def load_cli_settings(config: Path | None, verbose: bool, **overrides: object) -> Settings:
    configure_logging(verbose)
    try:
        return load_settings(config, **overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        fail(f"Invalid settings: {where}: {first['msg']}")
    except ValueError as exc:
        fail(f"Invalid settings: {exc}")


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(code)


def fail_on(exc: RagError) -> NoReturn:
    """Exit 2 for an optional part that is not installed (a set-up step to run), else 1."""
    fail(str(exc), 2 if isinstance(exc, NotInstalled) else 1)


def _print_answer(answer: Any) -> None:
    out.print(escape(answer.text))
    if answer.is_low_confidence:
        out.print(
            f"[yellow]low confidence ({answer.confidence:.0%}):[/yellow] check the cited sentence."
        )
    if answer.note:
        out.print(f"[dim]{escape(answer.note)}[/dim]")
    for claim in answer.unsupported:
        out.print(f"[yellow]unsupported:[/yellow] {escape(claim)}")
    shown = answer.closest if answer.abstained else answer.citations
    if not answer.abstained and all(c.text in answer.text for c in shown):
        return  # the answer quotes its sentences whole (an overview, a yes/no)
    if answer.abstained and shown:
        out.print("[dim]Closest sentences:[/dim]")
    for c in shown:
        out.print(f"  [bold cyan][{c.sentence}][/bold cyan] {escape(c.text)}")


@app.command()
def ask(
    article: ArticleArg,
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    backend: BackendOpt = None,
    config: ConfigOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Answer one question about ARTICLE, citing its sentences.

    Example: rag ask ../shared/seed-article.txt "Who ruled out sending troops?"
    """
    settings = load_cli_settings(config, verbose, **({"backend": backend} if backend else {}))
    try:
        session = Session(settings, article, show_progress=not as_json and err.is_terminal)
        answer = session.ask(question, stream=not as_json and err.is_terminal)
    except RagError as exc:
        fail_on(exc)
    if as_json:
        keys = ("answer", "abstained", "citations", "latency_ms", "confidence", "low_confidence")
        payload = {k: v for k, v in answer.to_json().items() if k in keys}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_answer(answer)


@app.command()
def chat(
    article: ArticleArg,
    backend: BackendOpt = None,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            help="Keep the conversation in this Markdown file (a new file), rewritten after "
            "each answer: questions, answers and the cited sentences quoted.",
        ),
    ] = None,
    config: ConfigOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Chat about ARTICLE in the terminal; an empty line or Ctrl-D ends it.

    Examples: rag chat ../shared/seed-article.txt
              rag chat ../shared/seed-article.txt --save nato-chat.md
    """
    settings = load_cli_settings(config, verbose, **({"backend": backend} if backend else {}))
    if save is not None:
        check_new_file(save)
    try:
        session = Session(settings, article, show_progress=err.is_terminal)
    except RagError as exc:
        fail_on(exc)
    n = len(session.article.sentences)
    out.print(f"[dim]Loaded {escape(session.article.source)}: {n} sentences. Ask away.[/dim]")
    turns: list[Turn] = []
    while True:
        try:
            question = input("? ")
        except (EOFError, KeyboardInterrupt):
            out.print()
            break
        if not question.strip():
            break
        try:
            answer = session.ask(question, stream=err.is_terminal)
        except RagError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            continue
        _print_answer(answer)
        turns.append(Turn(" ".join(question.split()), answer))
        if save is not None:
            save_transcript(save, Heading.of(session.article), turns)
    if save is not None and turns:
        err.print(f"[dim]Saved {len(turns)} question(s) to {escape(str(save))}.[/dim]")


def check_new_file(path: Path) -> None:
    """Fail before the chat starts when ``path`` cannot be a new file: never overwrite one."""
    if path.exists():
        fail(f"{path} already exists; give a new file name (or move it away first).")
    if not path.parent.is_dir():
        fail(f"No folder {path.parent} to save {path.name} in.")


def save_transcript(path: Path, heading: Heading, turns: list[Turn]) -> None:
    """Write the transcript whole (a temporary file renamed over it): a crash mid-write
    never leaves half a file. A failure is reported and the chat goes on."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(transcript_markdown(heading, turns), encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        err.print(f"[red]error:[/red] could not save to {escape(str(path))}: {exc.strerror}")


@app.command()
def index(article: ArticleArg, config: ConfigOpt = None, verbose: VerboseOpt = False) -> None:
    """Split and embed ARTICLE into the store (nothing is re-embedded if it is there).

    Example: rag index ../shared/seed-article.txt
    """
    settings = load_cli_settings(config, verbose)
    try:
        session = Session(settings, article, show_progress=True)
    except RagError as exc:
        fail(str(exc))
    ix = session.index
    out.print(
        f"{len(ix.article.sentences)} sentences, {ix.embedded} embedded now, "
        f"{ix.seconds:.2f} s ({escape(ix.article.source)})"
    )


@app.command(
    "eval",
    hidden=True,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def moved_eval() -> None:
    """Scoring is `rag-eval run`: say so in one line instead of "No such command"."""
    err.print("Scoring is its own command now: rag-eval run SET (see rag-eval run --help).")
    raise typer.Exit(2)


def main() -> None:
    try:
        app()
    finally:
        # The collector's last pass over what a run leaves (models, Chroma, ~1,600 modules)
        # costs ~0.3 s at exit; the OS frees it all anyway. atexit handlers still run, and
        # Chroma has committed every write by now.
        gc.freeze()


if __name__ == "__main__":
    main()
