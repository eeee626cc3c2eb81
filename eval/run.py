"""Run an eval set through the same chain the CLI and app use, and score it.

    report = run(Path("eval/sets/seed-article.jsonl"), settings=Settings())
    report.metrics["hasans_f1"]; write_report(report, Path("eval-out"))  # eval/report.py

Each article is indexed once per run. ``report.json`` has the contract shape
``{"metrics", "config", "predictions": [{"id", "question", "answer", "abstained",
"citations": [{"sentence", "start", "end", "text"}], "latency_ms", "em", "f1",
"evidence_hit", …}], "problems"}``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from eval.metrics import (
    evidence_covered,
    evidence_hit,
    find_spans,
    retrieval_hit,
    score_answer,
    supports,
)
from eval.scores import aggregate
from eval.sets import EvalItem, EvalSet, read_jsonl
from rag.config import Settings
from rag.errors import RagError
from rag.ingest.article import article_from_text, load_source
from rag.pipeline import Resources
from rag.service import ArticleService
from rag.types import Answer, Article

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (questions done, total)


class Keyed(Protocol):
    """An item of a set: its id, and the key of its article."""

    @property
    def id(self) -> str: ...

    @property
    def article(self) -> str: ...


Item = TypeVar("Item", bound=Keyed)


@dataclass
class Report:
    metrics: dict[str, Any]
    config: dict[str, Any]
    predictions: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)
    articles: dict[str, Article] = field(default_factory=dict, repr=False)  # for the HTML

    def to_json(self) -> dict[str, Any]:
        """The contract shape; NaN metrics (an empty part) become null."""
        return {
            "metrics": {k: _finite_or_none(v) for k, v in self.metrics.items()},
            "config": self.config,
            "predictions": self.predictions,
            "problems": self.problems,
        }


def _finite_or_none(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def score_prediction(item: EvalItem, answer: Answer, article: Article) -> dict[str, Any]:
    """The report row for one question: the answer, its citations and every per-item score."""
    spans = find_spans(article.text, item.evidence) if item.answerable else []
    cited = [((c.start, c.end), c.text) for c in answer.citations]
    em, f1 = score_answer(answer.short, answer.abstained, item.answers, item.answerable)
    by_number = {s.idx: (s.start, s.end) for s in article.sentences}
    retrieved = [by_number[n] for n in answer.retrieved if n in by_number]
    supporting = sum(
        1 for span, text in cited if item.answerable and supports(span, text, spans, item.answers)
    )
    return {
        "id": item.id,
        "question": item.question,
        "answer": answer.text,
        "short_answer": answer.short,
        "abstained": answer.abstained,
        "citations": [asdict(c) for c in answer.citations],
        "latency_ms": round(answer.timings.get("total", 0.0), 2),
        "em": em,
        "f1": round(f1, 4),
        "evidence_hit": item.answerable and evidence_hit(cited, spans, item.answers),
        "evidence_covered": item.answerable
        and evidence_covered([s for s, _ in cited], spans, list(by_number.values())),
        "hit_at_1": item.answerable and retrieval_hit(retrieved, spans, 1),
        "hit_at_5": item.answerable and retrieval_hit(retrieved, spans, 5),
        "supporting_citations": supporting,
        "answerable": item.answerable,
        "answers": list(item.answers),
        "evidence": list(item.evidence),
        "evidence_found": bool(spans) or not item.answerable,
        "retrieved": answer.retrieved,
        "confidence": round(answer.confidence, 4),
        "low_confidence": answer.is_low_confidence,
        "features": {k: round(v, 5) for k, v in answer.features.items()},
        "backend": answer.backend,  # "extractive (fallback from local)" when the check fell back
        "note": answer.note,
        # F1 the reader's best span would have scored had it answered (the trade-off curve)
        "guess_f1": round(score_answer(answer.guess, False, item.answers, item.answerable)[1], 4)
        if answer.guess
        else None,
        "article": item.article,
    }


def article_of(key: str, eval_set: EvalSet, settings: Settings) -> Article:
    """The article an item of ``eval_set`` is about: its text in the set, or a path or URL."""
    if key in eval_set.articles:
        return article_from_text(eval_set.articles[key], source=key)
    return load_source(key, settings)


class Running:
    """One run in progress: the service, each article loaded (and indexed) once by key, the
    rows scored so far and the problems met, from ``problems`` (the set's own) on."""

    def __init__(
        self, settings: Settings, resources: Resources | None, problems: Iterable[str]
    ) -> None:
        self.settings = settings
        self.service = ArticleService(settings, resources)
        if settings.backend != "extractive":
            self.service.chat_models.get(settings.backend)  # BackendUnavailable now, not per ask
        self.articles: dict[str, Article] = {}
        self.problems = list(problems)
        self.predictions: list[dict[str, Any]] = []
        self.started = time.perf_counter()
        self._ids: dict[str, str | None] = {}

    def key(self, name: str, load: Callable[[str], Article]) -> str | None:
        """The service's id of article ``name`` (``load(name)`` makes it the first time);
        None when it could not be loaded."""
        if name not in self._ids:
            try:
                self.articles[name] = load(name)
                self._ids[name] = self.service.load(self.articles[name]).id
            except RagError as exc:
                self._ids[name] = None
                self.problems.append(f"article {name}: {exc}")
        return self._ids[name]

    def each(
        self,
        items: Sequence[Item],
        load: Callable[[str], Article],
        on_progress: Progress | None,
    ) -> Iterator[tuple[Item, str, Article]]:
        """(item, article id, article) for each item whose article loads (the others are
        problems), reporting progress after each."""
        for done, item in enumerate(items, start=1):
            key = self.key(item.article, load)
            if key is None:
                self.problems.append(f"{item.id}: skipped, its article could not be loaded")
            else:
                yield item, key, self.articles[item.article]
            if on_progress:
                on_progress(done, len(items))

    def report(self, name: str, metrics: dict[str, Any], **config: Any) -> Report:
        """The Report, its config recording the settings that shape answers."""
        metrics["problems"] = len(self.problems)
        settings = self.settings
        settings_used = {
            "set": name,
            "backend": settings.backend,
            "reader": settings.reader,
            "embedding_model": settings.embedding_model,
            "top_k": settings.top_k,
            "fusion": settings.fusion,
            "dense_weight": settings.dense_weight,
            "context_sentences": settings.context_sentences,
            "abstain_threshold": settings.abstain_threshold,
            "articles": sorted(self.articles),
            "seconds": round(time.perf_counter() - self.started, 2),
        }
        config = {**settings_used, **config}
        return Report(metrics, config, self.predictions, self.problems, self.articles)


def run(
    eval_set: EvalSet | Path,
    *,
    settings: Settings,
    article: Path | None = None,
    on_progress: Progress | None = None,
    resources: Resources | None = None,
) -> Report:
    """Answer every question of the set with the chain and score the answers (with
    ``resources`` when given: models already loaded, or a reader set up by the caller)."""
    if isinstance(eval_set, Path):
        eval_set = read_jsonl(eval_set, article)
    running = Running(settings, resources, eval_set.problems)

    def load(name: str) -> Article:
        return article_of(name, eval_set, settings)

    for item, key, loaded in running.each(eval_set.items, load, on_progress):
        try:
            answer = running.service.ask(key, item.question, backend=settings.backend)
            row = score_prediction(item, answer, loaded)
        except RagError as exc:
            running.problems.append(f"{item.id}: {exc}")
        else:
            if not row["evidence_found"]:
                running.problems.append(f"{item.id}: no evidence string occurs in the article")
            running.predictions.append(row)
    return running.report(eval_set.name, aggregate(running.predictions))
