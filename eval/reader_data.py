"""Training rows for the learned reader, from official SQuAD 2.0 files, in the product's setting.

Each SQuAD title becomes one article (paragraphs joined by a blank line), indexed and
retrieved exactly as the product does; the reader's own ``read`` proposes the candidates.
For every question:
- span rows: each candidate's features and its token F1 against the gold answers;
- a question row for the no-answer model, labelled answerable or not;
- for answerable questions, a second, unanswerable question row: the same question asked
  with the gold paragraph's sentences removed from retrieval (the article "without" it).
Rows carry their article's number, so holding out is by article, never by question.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from eval.metrics import contains_answer, token_f1
from eval.sets import SquadArticle, SquadQuestion
from rag.article import article_from_text
from rag.chain import Resources, SentenceDocs
from rag.config import Settings
from rag.reader.features import SPAN_FEATURES, question_features
from rag.reader.model import Reading, read
from rag.retrieve import HybridRetriever
from rag.types import Article, Passage

Progress = Callable[[str], None]
_SPARE = 40  # passages fetched so that removing the gold paragraph still leaves enough


@dataclass
class Rows:
    """Span rows and question rows as arrays; span rows of question ``g`` have group ``g``."""

    span_x: np.ndarray  # span features
    span_f1: np.ndarray  # token F1 against the gold answers (0 for unanswerable rows)
    span_evidence: np.ndarray  # the span's sentence holds a gold answer
    span_group: np.ndarray
    question_base: np.ndarray  # question features shared by the question's span rows
    question_article: np.ndarray
    question_answerable: np.ndarray
    question_removed: np.ndarray  # 1: asked with the gold paragraph removed
    question_ids: np.ndarray

    def save(self, path: Path) -> None:
        np.savez_compressed(path, **{k: getattr(self, k) for k in self.__dataclass_fields__})

    @classmethod
    def load(cls, path: Path) -> Rows:
        with np.load(path) as data:
            return cls(**{k: data[k] for k in cls.__dataclass_fields__})

    def spans_of(self, group: int) -> slice:
        return slice(int(self.starts[group]), int(self.starts[group + 1]))

    @cached_property
    def starts(self) -> np.ndarray:
        counts = np.bincount(self.span_group, minlength=len(self.question_ids))
        return np.concatenate([[0], np.cumsum(counts)])


def _drop_paragraph(passages: list[Passage], paragraph: int, keep: int) -> list[Passage]:
    kept = [p for p in passages if p.sentence.paragraph != paragraph][:keep]
    return [
        Passage(p.sentence, p.score, p.dense, p.lexical, rank) for rank, p in enumerate(kept, 1)
    ]


def readings_for(
    articles: list[SquadArticle], settings: Settings, progress: Progress = print
) -> Iterator[tuple[int, SquadQuestion, bool, Reading, Article]]:
    """(article number, question, gold paragraph removed?, reading, article) for every
    question, plus a removed-paragraph reading for each answerable one."""
    resources = Resources(settings)
    keep = settings.top_k + 5
    for number, squad in enumerate(articles):
        article = article_from_text(squad.text, source=f"squad:{squad.title}")
        paragraphs = {s.paragraph for s in article.sentences}
        if len(paragraphs) != len({q.paragraph for q in squad.questions} | paragraphs):
            raise ValueError(f"{squad.title}: paragraphs did not survive cleaning")
        index = resources.index(article)
        retriever = HybridRetriever(
            index=index,
            embedder=resources.embedder,
            k=keep + _SPARE,
            fusion=settings.fusion,
            dense_weight=settings.dense_weight,
            pool=keep + _SPARE,
        )
        docs = SentenceDocs(index, resources.nlp)
        docs.prefetch(range(1, len(article.sentences) + 1))
        questions = list(squad.questions)
        parsed = resources.nlp.pipe(q.question for q in questions)
        for done, (q, qdoc) in enumerate(zip(questions, parsed, strict=True), start=1):
            passages = retriever.passages(q.question)
            reading = read(qdoc, passages[:keep], article, docs, top_k=settings.top_k)
            yield number, q, False, reading, article
            if q.answers:
                without = _drop_paragraph(passages, q.paragraph, keep)
                reading = read(qdoc, without, article, docs, top_k=settings.top_k)
                yield number, q, True, reading, article
            if done % 200 == 0:
                progress(f"  {squad.title}: {done}/{len(questions)} questions")
        progress(f"{squad.title}: {len(questions)} questions, {len(article.sentences)} sentences")


def build_rows(
    articles: list[SquadArticle], settings: Settings, progress: Progress = print
) -> Rows:
    xs, f1s, evidence, groups, bases = [], [], [], [], []
    numbers: list[int] = []
    answerable: list[bool] = []
    removed: list[bool] = []
    ids: list[str] = []
    for number, q, is_removed, reading, _ in readings_for(articles, settings, progress):
        group = len(ids)
        has_answer = bool(q.answers) and not is_removed
        golds = q.answers if has_answer else ()
        f1s.append(
            [max((token_f1(o.text, g) for g in golds), default=0.0) for o in reading.options]
        )
        evidence.append(
            [
                any(contains_answer(o.scored[1].sentence.text, g) for g in golds)
                for o in reading.options
            ]
        )
        xs.append(reading.rows.reshape(len(reading.options), len(SPAN_FEATURES)))
        groups.append(np.full(len(reading.options), group))
        bases.append(reading.base)
        numbers.append(number)
        answerable.append(has_answer)
        removed.append(is_removed)
        ids.append(q.id)
    return Rows(
        np.concatenate(xs),
        np.concatenate([np.asarray(f, dtype=float) for f in f1s]),
        np.concatenate([np.asarray(e, dtype=bool) for e in evidence]),
        np.concatenate(groups),
        np.asarray(bases),
        np.asarray(numbers),
        np.asarray(answerable, dtype=bool),
        np.asarray(removed, dtype=bool),
        np.asarray(ids),
    )


def question_rows(rows: Rows, span_scores: np.ndarray) -> np.ndarray:
    """The no-answer model's rows, from (cross-fitted) span scores."""
    out = []
    for group in range(len(rows.question_ids)):
        part = rows.spans_of(group)
        out.append(question_features(list(rows.question_base[group]), span_scores[part],
                                     rows.span_x[part]))  # fmt: skip
    return np.vstack(out)
