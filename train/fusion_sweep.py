"""Choose retrieval's dense/BM25 blend on the fitting data: how often the reader's windows hold
the evidence.

    python -m train.fusion_sweep                 # news-fit and the SQuAD pool (fitting data)
    python -m train.fusion_sweep --validation    # also news-dev and squad2-dev-4, to report

Retrieval alone: for each answerable question, the sentences its evidence lies in, and where
each fusion (the score blend at several dense weights, and reciprocal rank fusion) ranks them.
It prints the share with an evidence sentence first and in the top ``reader_windows`` (the
windows the neural reader reads). Choose on the fitting sets with the domains weighing the same
(the mean of the two); the validation sets are reported, never chosen on. Measured 2026-12-06:
0.7 (the default) is best on that mean, 0.912 in the top 3.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from eval.gate import gate_set
from eval.metrics import evidence_sentences
from eval.run import article_of
from eval.sets import EvalSet
from rag.config import Settings
from rag.retrieve.fusion import blend_scores, fuse_scores_by_rank
from rag.service import ArticleService
from rag.types import Article
from train.fit_decision import held_out_set
from train.neural_data import DATA

WEIGHTS = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def evidence_numbers(article: Article, evidence: Sequence[str]) -> set[int]:
    """The numbers of the sentences that hold any of the ``evidence`` texts.

    >>> from rag.ingest.article import article_from_text
    >>> evidence_numbers(article_from_text("One is here. Two is there."), ["Two is"])
    {2}
    """
    held = set(evidence_sentences(article, evidence))
    return {s.idx for s in article.sentences if (s.start, s.end) in held}


def rankings(dense: dict[int, float], lexical: dict[int, float]) -> dict[str, list[int]]:
    """Each fusion's ranking of the sentences, best first: "blend 0.7", …, "rrf".

    >>> ranked = rankings({1: 0.9, 2: 0.5}, {2: 4.0})
    >>> ranked["blend 1.0"], ranked["rrf"]  # dense alone; both lists agree on 2
    ([1, 2], [2, 1])
    """
    ranked = {f"blend {w}": [i for i, _ in blend_scores(dense, lexical, dense_weight=w)]
              for w in WEIGHTS}  # fmt: skip
    ranked["rrf"] = [i for i, _ in fuse_scores_by_rank(dense, lexical)]
    return ranked


def sweep(
    eval_set: EvalSet, service: ArticleService, windows: int
) -> dict[str, tuple[float, float]]:
    """Fusion -> (share with evidence first, share with evidence in the top ``windows``)."""
    first: dict[str, int] = {}
    read: dict[str, int] = {}
    counted = 0
    loaded = {}
    for item in eval_set.items:
        if not item.answerable:
            continue
        if item.article not in loaded:
            article = article_of(item.article, eval_set, service.settings)
            loaded[item.article] = service.load(article)
        gold = evidence_numbers(loaded[item.article].article, item.evidence)
        if not gold:
            continue
        counted += 1
        for name, ranked in rankings(*loaded[item.article].retriever.scores(item.question)).items():
            first[name] = first.get(name, 0) + (bool(ranked) and ranked[0] in gold)
            read[name] = read.get(name, 0) + bool(gold & set(ranked[:windows]))
    return {name: (first[name] / counted, read[name] / counted) for name in first}


def named_sets(validation: bool) -> Iterator[tuple[str, EvalSet]]:
    news = gate_set("news-fit", DATA)
    if news is None:
        raise SystemExit(f"news-fit is not in {DATA}")
    yield "news-fit", news
    yield "SQuAD pool", held_out_set(DATA)
    if validation:
        for name in ("news-dev", "squad2-dev-4"):
            found = gate_set(name, DATA)
            if found is None:
                raise SystemExit(f"{name} is not in {DATA}")
            yield name, found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--validation", action="store_true", help="also news-dev, squad2-dev-4")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir))
        service = ArticleService(settings)
        windows = settings.reader_windows
        results = {name: sweep(s, service, windows) for name, s in named_sets(args.validation)}
    table = Table(title=f"evidence first / in the top {windows}, by fusion")
    table.add_column("fusion")
    for name in results:
        table.add_column(name, justify="right")
    table.add_column("fitting mean", justify="right")
    for fusion in next(iter(results.values())):
        cells = [f"{r[fusion][0]:.3f} / {r[fusion][1]:.3f}" for r in results.values()]
        mean = (results["news-fit"][fusion][1] + results["SQuAD pool"][fusion][1]) / 2
        table.add_row(fusion, *cells, f"{mean:.3f}")
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
