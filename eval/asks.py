"""Run "what readers ask" sets (``.asks.jsonl``) through the app's /ask path and judge them.

    report = run_asks(Path("../shared/data/asks-dev"), settings=Settings())
    report.metrics["asks_pass"], report.metrics["asks_pass_fact"]
    write_report(report, Path("eval-out/asks"))  # eval/report.py: report.json + report.html

A set is one ``X.asks.jsonl`` file or a folder of them; the article of ``X.asks.jsonl`` is
``X.txt`` beside it (format: ../shared/data/asks-dev/README.md). Each ask is a fresh
conversation: its ``history`` questions are asked first, each answer appended to the history
as the web app's /ask endpoint receives it (``ChatApp.api_ask``), then the ask itself.
Judging is eval/asks_judge.py. Bad lines, unloadable articles and failed asks are problems,
not crashes; a set with no valid ask is an EvalSetError.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from eval.asks_judge import Ask, Kind, asks_metrics, judge
from eval.metrics import find_spans
from eval.run import Progress, Report, Running
from eval.sets import EvalSetError
from rag.config import Settings
from rag.errors import RagError
from rag.ingest.article import article_from_text
from rag.pipeline import Resources
from rag.service import ArticleService
from rag.types import Answer, Article

log = logging.getLogger(__name__)

SUFFIX = ".asks.jsonl"
# The fields each kind needs (the README's table); any other field may be given or not.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "overview": ("key_sentences",),
    "people": ("must_mention",),
    "list": ("must_mention",),
    "yes_no": ("polarity",),
    "fact": ("answers",),
    "why": ("evidence",),
    "how": ("evidence",),
    "followup": ("history", "answers"),
    "other_language": ("evidence",),
}


class AskLine(BaseModel):
    """One ``.asks.jsonl`` line, validated at the boundary."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    kind: Kind
    question: str = Field(min_length=1)
    key_sentences: list[str] = []
    must_mention: list[str] = []
    answers: list[str] = []
    evidence: list[str] = []
    polarity: Literal["yes", "no"] | None = None
    history: list[str] = []
    article: str | None = None  # relative to the set file; default: X.txt beside X.asks.jsonl

    @model_validator(mode="after")
    def _has_what_its_kind_needs(self) -> AskLine:
        missing = [name for name in _REQUIRED.get(self.kind, ()) if not getattr(self, name)]
        if missing:
            raise ValueError(f"a {self.kind} ask needs {' and '.join(missing)}")
        return self

    def to_ask(self, article: Path) -> Ask:
        return Ask(
            self.id,
            self.kind,
            self.question,
            tuple(self.key_sentences),
            tuple(self.must_mention),
            tuple(self.answers),
            tuple(self.evidence),
            self.polarity,
            tuple(self.history),
            str(article),
        )


@dataclass(frozen=True)
class AskSet:
    items: tuple[Ask, ...]
    problems: tuple[str, ...]  # "ozone-crops.asks.jsonl line 7: …" for each skipped line
    articles: dict[str, str]  # article path (Ask.article) -> the .txt file's text
    name: str


def is_asks_path(path: Path) -> bool:
    """``path`` is an asks set: a ``*.asks.jsonl`` file, or a folder holding one.

    >>> is_asks_path(Path("eval/sets/seed-article.jsonl"))
    False
    """
    if path.is_dir():
        return any(path.glob(f"*{SUFFIX}"))
    return path.name.endswith(SUFFIX)


def _parse(raw: str) -> AskLine | str:
    """The validated line, or the problem with it (without the line's place)."""
    try:
        return AskLine.model_validate(json.loads(raw))
    except json.JSONDecodeError as exc:
        return f"not JSON ({exc.msg})"
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "line"
        return f"{where}: {first['msg']}"


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise EvalSetError(f"{what} not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalSetError(f"Could not read {what.lower()} {path}: {exc}") from exc


def read_asks(path: Path) -> AskSet:
    """The asks of one ``X.asks.jsonl`` file (article ``X.txt`` beside it) or of every such
    file in a folder, in file-name order. Bad lines, duplicate ids and files without their
    article are problems ("X.asks.jsonl line 3: kind: Input should be …"), skipped."""
    if path.is_dir():
        files = sorted(path.glob(f"*{SUFFIX}"))
        if not files:
            raise EvalSetError(f"No {SUFFIX} file in {path}. Give a folder of asks sets.")
        name = path.name
    elif not path.name.endswith(SUFFIX):
        raise EvalSetError(f"{path} is not an asks set: its name must end in {SUFFIX}.")
    else:
        files, name = [path], path.name.removesuffix(SUFFIX)
    items: list[Ask] = []
    problems: list[str] = []
    articles: dict[str, str] = {}
    seen: set[str] = set()
    for file in files:
        lines = _read_text(file, "Asks set").splitlines()
        beside = file.with_name(file.name.removesuffix(SUFFIX) + ".txt").resolve()
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            line = _parse(raw)
            if isinstance(line, str):
                problems.append(f"{file.name} line {number}: {line}")
                continue
            if line.id in seen:
                problems.append(f"{file.name} line {number}: duplicate id {line.id!r}")
                continue
            article = (file.parent / line.article).resolve() if line.article else beside
            if str(article) not in articles:
                try:
                    articles[str(article)] = _read_text(article, "Article")
                except EvalSetError as exc:
                    problems.append(f"{file.name} line {number}: skipped: {exc}")
                    continue
            seen.add(line.id)
            items.append(line.to_ask(article))
    if not items:
        detail = f" ({problems[0]})" if problems else ""
        raise EvalSetError(f"No valid ask in {path}{detail}.")
    return AskSet(tuple(items), tuple(problems), articles, name)


def ask_in_conversation(
    service: ArticleService, key: str, ask: Ask, backend: str = "extractive"
) -> Answer:
    """The answer to ``ask`` in a fresh chat about the loaded article ``key``: each history
    question is asked first and it and its answer become the next turn's history, exactly as
    the web app's /ask receives a conversation. The answer's ``timings["total"]`` is set to
    the final call's wall time when the answerer recorded none."""
    history: list[dict[str, Any]] = []
    for earlier in ask.history:
        answer = service.ask(key, earlier, list(history), backend)
        history += [
            {"role": "user", "content": earlier},
            {"role": "assistant", "content": answer.text},
        ]
    started = time.perf_counter()
    answer = service.ask(key, ask.question, history, backend)
    answer.timings.setdefault("total", (time.perf_counter() - started) * 1000)
    return answer


def missing_strings(ask: Ask, article: Article) -> list[str]:
    """The key sentences and evidence strings of ``ask`` that do not occur in the article.

    >>> art = article_from_text("Ozone hurts crops. Heat does too.")
    >>> missing_strings(Ask("a1", "why", "why?", evidence=("Heat does too.", "Rain.")), art)
    ['Rain.']
    """
    wanted = [*ask.key_sentences, *ask.evidence]
    return [s for s in wanted if not find_spans(article.text, [s])]


def ask_row(ask: Ask, answer: Answer, article: Article, latency_ms: float) -> dict[str, Any]:
    """The report row of one ask: the answer, its citations and the judge's verdict."""
    passed, reason = judge(ask, answer, article)
    return {
        "id": ask.id,
        "kind": ask.kind,
        "answer_kind": answer.kind,
        "question": ask.question,
        "history": list(ask.history),
        "answer": answer.text,
        "short_answer": answer.short,
        "abstained": answer.abstained,
        "citations": [asdict(c) for c in answer.citations],
        "note": answer.note,
        "passed": passed,
        "reason": reason,
        "latency_ms": round(latency_ms, 2),
        "article": ask.article,
    }


def run_asks(
    asks: AskSet | Path,
    *,
    settings: Settings,
    on_progress: Progress | None = None,
    resources: Resources | None = None,
) -> Report:
    """Ask every ask of the set as the app's /ask would and judge the answers (with
    ``resources`` when given: models already loaded). A row's latency is the final answer's
    total time (its wall time when the answerer recorded none), history turns not counted."""
    if isinstance(asks, Path):
        asks = read_asks(asks)
    running = Running(settings, resources, asks.problems)
    texts, limit = asks.articles, settings.max_article_chars

    def load(name: str) -> Article:
        return article_from_text(texts[name], source=name, max_chars=limit)

    for ask, key, article in running.each(asks.items, load, on_progress):
        for text in missing_strings(ask, article):
            running.problems.append(f"{ask.id}: not in the article: {text[:60]!r}")
        try:
            answer = ask_in_conversation(running.service, key, ask, settings.backend)
        except RagError as exc:
            running.problems.append(f"{ask.id}: {exc}")
        else:
            latency = answer.timings["total"]
            running.predictions.append(ask_row(ask, answer, article, latency))
    return running.report(asks.name, asks_metrics(running.predictions), harness="asks")
