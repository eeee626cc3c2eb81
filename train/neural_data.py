"""Training windows for the neural reader, built in the product's whole-article setting.

Each SQuAD-format title becomes one article (paragraphs joined by a blank line, cleaned and
split as the product does). For each question, sentences are retrieved from the whole article
(BM25 over its sentences, as the lexical half of the product's retrieval) and turned into
windows (rag/read/neural/windows.py: a sentence led by the end of the one before):

- ``gold``: the window around the sentence holding the gold answer, labelled with its span;
- ``edge``: for some answerable questions, the window of a neighbour of that sentence (the
  answer sits in its clipped lead, or just outside it, as when retrieval ranks the neighbour
  first);
- ``retrieved``: top retrieved windows that hold no gold answer, labelled "no answer": the
  question asked against its article without the gold paragraph's help;
- ``unanswerable``: SQuAD 2.0's unanswerable questions, against their top retrieved windows
  (several each: the scarcest kind is read more than once).

Every example carries its file and article title, so holding out is by article, never by
question. The sampling is seeded: the same files and seed give the same examples.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.errors import ArticleError
from rag.index.collection import tokenize_for_bm25
from rag.ingest.article import article_from_text
from rag.read.neural.windows import make_window
from rag.types import Article

DATA = Path("../shared/data")
# Held out from training: the decision model (train/fit_decision.py) is fitted and its
# threshold chosen on the reader's answers to these seven articles of the SQuAD 2.0 training
# pool (1,914 questions, about half unanswerable), which the reader never reads. The reported
# test sets (squad2-dev-4, news-dev) play no part in training or in any choice.
HELD_OUT_POOL = "squad2-dev-19-articles-for-training"
HELD_OUT_TITLES = (
    "Black_Death",
    "Geology",
    "Pharmacy",
    "Prime_number",
    "Sky_(United_Kingdom)",
    "Southern_California",
    "Victoria_(Australia)",
)
VALIDATION = {f"{HELD_OUT_POOL}:{title}" for title in HELD_OUT_TITLES}


@dataclass(frozen=True, slots=True)
class Example:
    question: str
    window: str  # the window's text
    answer: tuple[int, int] | None  # character range in ``window``; None: no answer here
    kind: str  # gold, edge, retrieved, unanswerable
    source: str  # "<file stem>:<title>"


@dataclass(frozen=True)
class Recipe:
    """How many examples to draw from one file."""

    path: Path
    questions: int | None  # answerable + unanswerable questions sampled; None: all
    negatives: float = 0.3  # retrieved no-answer windows per answerable question (on average)
    unanswerable_windows: int = 4  # windows per unanswerable question
    edge_share: float = 0.05  # share of answerable questions that add an edge window
    lead_words: int = 16  # the window shape (rag/read/neural/reader.py model_settings)


@dataclass(frozen=True)
class _Question:
    text: str
    answer: tuple[int, int] | None  # character range in the article text
    paragraph: int


def _locate(article: Article, paragraph: int, answer: str, offset: int) -> tuple[int, int] | None:
    """The gold answer's range in the cleaned article: its occurrence in the paragraph closest
    to SQuAD's ``answer_start`` (cleaning may shift offsets a little)."""
    inside = [s for s in article.sentences if s.paragraph == paragraph]
    if not inside or not answer.strip():
        return None
    start, end = inside[0].start, inside[-1].end
    body = article.text[start:end]
    found, at = [], body.find(answer)
    while at >= 0:
        found.append(at)
        at = body.find(answer, at + 1)
    if not found:
        return None
    best = min(found, key=lambda f: abs(f - offset))
    return start + best, start + best + len(answer)


def _articles(path: Path) -> Iterator[tuple[str, Article, list[_Question]]]:
    for entry in json.loads(path.read_text(encoding="utf-8"))["data"]:
        contexts = [p["context"].strip() for p in entry["paragraphs"]]
        try:
            article = article_from_text("\n\n".join(contexts), source=entry["title"])
        except ArticleError:
            continue
        if len({s.paragraph for s in article.sentences}) != len(contexts):
            continue  # a paragraph did not survive cleaning: offsets would not line up
        questions = []
        for number, paragraph in enumerate(entry["paragraphs"], start=1):
            for qa in paragraph["qas"]:
                if qa.get("is_impossible") or not qa["answers"]:
                    questions.append(_Question(qa["question"], None, number))
                    continue
                gold = qa["answers"][0]
                located = _locate(article, number, gold["text"], gold["answer_start"])
                if located:
                    questions.append(_Question(qa["question"], located, number))
        yield entry["title"], article, questions


def _retrieve(article: Article, questions: list[str], k: int) -> list[list[int]]:
    """Top ``k`` sentence numbers per question by BM25 over the article's sentences."""
    import bm25s

    bm25 = bm25s.BM25()
    bm25.index(tokenize_for_bm25([s.text for s in article.sentences]), show_progress=False)
    k = min(k, len(article.sentences))
    out = []
    for question in questions:
        tokens = tokenize_for_bm25([question])
        if not tokens.vocab:
            out.append(list(range(1, k + 1)))
            continue
        docs, _ = bm25.retrieve(tokens, k=k, show_progress=False)
        out.append([int(d) + 1 for d in np.asarray(docs[0])])
    return out


def examples_from(recipe: Recipe, rng: random.Random, skip: set[str]) -> list[Example]:
    """Examples of one file, articles named in ``skip`` ("<stem>:<title>") left out."""
    pool: list[tuple[str, Article, _Question]] = []
    for title, article, questions in _articles(recipe.path):
        source = f"{recipe.path.stem}:{title}"
        if source not in skip:
            pool.extend((source, article, q) for q in questions)
    if recipe.questions is not None and recipe.questions < len(pool):
        pool = rng.sample(pool, recipe.questions)
    by_article: dict[str, list[tuple[Article, _Question]]] = {}
    for source, article, q in pool:
        by_article.setdefault(source, []).append((article, q))

    examples: list[Example] = []
    for source, items in sorted(by_article.items()):
        article = items[0][0]
        ranked = _retrieve(article, [q.text for _, q in items], k=8)
        for (_, q), top in zip(items, ranked, strict=True):
            examples.extend(_windows_for(article, q, top, recipe, rng, source))
    return examples


def _windows_for(
    article: Article, q: _Question, top: list[int], recipe: Recipe, rng: random.Random, source: str
) -> Iterator[Example]:
    text, sentences = article.text, article.sentences
    if q.answer is None:
        for centre in top[: recipe.unanswerable_windows]:
            window = make_window(sentences, text, centre, recipe.lead_words)
            yield Example(q.text, window.text, None, "unanswerable", source)
        return
    a, b = q.answer
    gold = next(s.idx for s in sentences if s.start <= a < s.end)
    window = make_window(sentences, text, gold, recipe.lead_words)
    if window.start <= a and b <= window.end:
        yield Example(q.text, window.text, (a - window.start, b - window.start), "gold", source)
    if rng.random() < recipe.edge_share:
        centre = gold + rng.choice([-1, 1])
        if 1 <= centre <= len(sentences):
            window = make_window(sentences, text, centre, recipe.lead_words)
            inside = window.start <= a and b <= window.end
            span = (a - window.start, b - window.start) if inside else None
            yield Example(q.text, window.text, span, "edge", source)
    answer_text = text[a:b]
    wanted = int(recipe.negatives) + (rng.random() < recipe.negatives % 1)
    negatives = 0
    for centre in top:
        if negatives == wanted:
            break
        window = make_window(sentences, text, centre, recipe.lead_words)
        if (window.end > a and window.start < b) or answer_text in window.text:
            continue  # holds the gold answer (or the same words): not a negative
        negatives += 1
        yield Example(q.text, window.text, None, "retrieved", source)


def build_examples(recipes: list[Recipe], seed: int, skip: set[str]) -> list[Example]:
    """All recipes' examples, shuffled with ``seed``."""
    rng = random.Random(seed)
    examples = [e for r in recipes for e in examples_from(r, rng, skip)]
    rng.shuffle(examples)
    return examples


def describe(examples: list[Example]) -> str:
    """'48,120 windows: gold 18,002, retrieved 17,950, ...' for logs and the model card."""
    kinds = Counter(e.kind for e in examples)
    parts = ", ".join(f"{k} {n:,}" for k, n in kinds.most_common())
    return f"{len(examples):,} windows: {parts}"


def distinct_questions(examples: list[Example]) -> int:
    """How many different questions (by article and text) the examples read."""
    return len({(e.source, e.question) for e in examples})
