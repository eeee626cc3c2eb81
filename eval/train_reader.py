"""Train the learned reader from ../shared/data (SQuAD 2.0) and write rag/reader/reader.pkl.

    python -m eval.train_reader            # what `make train-reader` runs
    python -m eval.train_reader --out /tmp/reader.pkl --seed 1

Split by article: the training file's first 8 articles fit the models, its last 2 choose
the no-answer threshold (validation); the 4 dev articles are a held-out test never used for
choices. The span model is fitted on answerable questions only; the no-answer model reads
span scores that are cross-fitted by article (4 folds), so it never sees scores of spans the
span model was trained on. Prints the metrics and stores them, with the data's sha256 and
the settings, in the model file.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import GroupKFold

from eval.metrics import tradeoff_curve
from eval.reader_data import (
    Rows,
    build_rows,
    question_rows,
)
from eval.sets import SquadArticle, read_squad_articles
from rag.config import Settings
from rag.reader.model import Reader, shipped_model_path
from rag.reader.neural import file_sha256

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TRAIN_FILE = DATA / "squad2-train-10-articles.json"
DEV_FILE = DATA / "squad2-dev-4-articles.json"
VALIDATION_ARTICLES = 2
SPAN_PARAMS: dict[str, Any] = {"max_iter": 300, "learning_rate": 0.08, "max_leaf_nodes": 31,
                               "min_samples_leaf": 40, "l2_regularization": 1.0}  # fmt: skip
ANSWER_PARAMS: dict[str, Any] = {"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15,
                                 "min_samples_leaf": 40, "l2_regularization": 1.0}  # fmt: skip
THRESHOLDS = [round(t, 2) for t in np.arange(0.05, 0.96, 0.05)]


def fit_span_model(rows: Rows, seed: int, keep: np.ndarray | None = None) -> Any:
    """Fitted on the span rows of answerable questions (within ``keep``, if given)."""
    mask = rows.question_answerable[rows.span_group]
    if keep is not None:
        mask &= keep
    model = HistGradientBoostingRegressor(random_state=seed, **SPAN_PARAMS)
    return model.fit(rows.span_x[mask], rows.span_f1[mask])


def cross_fitted_scores(rows: Rows, seed: int) -> np.ndarray:
    """Each span row's score from a model that did not train on its article."""
    article = rows.question_article[rows.span_group]
    scores = np.zeros(len(rows.span_f1))
    for train, held in GroupKFold(n_splits=4).split(rows.span_x, groups=article):
        keep = np.zeros(len(scores), dtype=bool)
        keep[train] = True
        scores[held] = fit_span_model(rows, seed, keep).predict(rows.span_x[held])
    return scores


@dataclass
class Outcome:
    """Per question row: P(answerable), the chosen span's F1, and whether its sentence holds
    a gold answer."""

    p: np.ndarray
    f1: np.ndarray
    evidence: np.ndarray
    answerable: np.ndarray
    removed: np.ndarray


def outcome(reader: Reader, rows: Rows) -> Outcome:
    scores = reader.span_model.predict(rows.span_x)
    p = reader.answer_model.predict_proba(question_rows(rows, scores))[:, 1]
    f1, evidence = np.zeros(len(p)), np.zeros(len(p), dtype=bool)
    for group in range(len(p)):
        part = rows.spans_of(group)
        if part.stop > part.start:
            best = part.start + int(np.argmax(scores[part]))
            f1[group], evidence[group] = rows.span_f1[best], rows.span_evidence[best]
    return Outcome(p, f1, evidence, rows.question_answerable, rows.question_removed)


def metrics(o: Outcome, threshold: float, *, with_removed: bool = True) -> dict[str, float]:
    """HasAns F1, NoAns accuracy, overall F1 and evidence hit (answered and cited the gold
    sentence) at one threshold, in percent."""
    keep = np.ones(len(o.p), dtype=bool) if with_removed else ~o.removed
    answers = o.p >= threshold
    has = keep & o.answerable
    rows = list(zip(o.answerable[keep], o.p[keep], o.f1[keep], strict=True))
    _, hasans_f1, noans_acc = tradeoff_curve(rows, [threshold])[0]
    scored = [(f1 if p >= threshold else 0.0) if a else float(p < threshold) for a, p, f1 in rows]
    return {
        "hasans_f1": 100 * hasans_f1,
        "noans_acc": 100 * noans_acc,
        "overall_f1": 100 * float(np.mean(scored)),
        "evidence_hit": 100 * float((answers & o.evidence)[has].mean()) if has.any() else 0.0,
        "hasans_f1_forced": 100 * float(o.f1[has].mean()) if has.any() else float("nan"),
    }


def choose_threshold(o: Outcome) -> float:
    """The threshold that maximises overall F1 on the validation articles."""
    return max(THRESHOLDS, key=lambda t: (metrics(o, t)["overall_f1"], -abs(t - 0.5)))


def _line(name: str, m: dict[str, float]) -> str:
    return (
        f"{name:<34} HasAns F1 {m['hasans_f1']:5.1f}  NoAns {m['noans_acc']:5.1f}  "
        f"overall F1 {m['overall_f1']:5.1f}  evidence hit {m['evidence_hit']:5.1f}  "
        f"(F1 answering all {m['hasans_f1_forced']:5.1f})"
    )


def rows_for(
    name: str, articles: list[SquadArticle], settings: Settings, cache: Path | None
) -> Rows:
    """Rows built from ``articles``, or read from ``cache`` (a folder) when built before."""
    path = cache / f"{name}.npz" if cache else None
    if path is not None and path.exists():
        return Rows.load(path)
    rows = build_rows(articles, settings)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        rows.save(path)
    return rows


def train(
    train_file: Path, dev_file: Path, seed: int, settings: Settings, cache: Path | None = None
) -> Reader:
    started = time.perf_counter()
    articles = read_squad_articles(train_file)
    dev_articles = read_squad_articles(dev_file)
    fit_part, val_part = articles[:-VALIDATION_ARTICLES], articles[-VALIDATION_ARTICLES:]
    fit = rows_for("fit", fit_part, settings, cache)
    val = rows_for("validation", val_part, settings, cache)
    dev = rows_for("dev", dev_articles, settings, cache)
    built = time.perf_counter() - started
    print(f"rows built in {built:.0f} s: fit {len(fit.span_f1):,} spans / "
          f"{len(fit.question_ids):,} questions, validation {len(val.question_ids):,}, "
          f"dev {len(dev.question_ids):,}")  # fmt: skip

    span_model = fit_span_model(fit, seed)
    crossed = cross_fitted_scores(fit, seed)
    answer_model = HistGradientBoostingClassifier(random_state=seed, **ANSWER_PARAMS)
    answer_model.fit(question_rows(fit, crossed), fit.question_answerable)
    reader = Reader(span_model, answer_model, 0.5)
    fitted = time.perf_counter() - started - built

    val_outcome, dev_outcome = outcome(reader, val), outcome(reader, dev)
    reader.threshold = choose_threshold(val_outcome)
    results = {
        "validation": metrics(val_outcome, reader.threshold),
        "validation_squad_only": metrics(val_outcome, reader.threshold, with_removed=False),
        "dev": metrics(dev_outcome, reader.threshold),
        "dev_squad_only": metrics(dev_outcome, reader.threshold, with_removed=False),
    }
    curve = [
        {"threshold": t, **{k: round(v, 2) for k, v in metrics(val_outcome, t).items()}}
        for t in THRESHOLDS
    ]
    print(f"models fitted in {fitted:.0f} s; threshold {reader.threshold} (validation overall F1)")
    for name, m in results.items():
        print(_line(name, m))
    print("validation trade-off (threshold: HasAns F1 / NoAns):")
    print("  " + "  ".join(f"{c['threshold']}: {c['hasans_f1']:.0f}/{c['noans_acc']:.0f}"
                           for c in curve))  # fmt: skip
    reader.meta = {
        "data": {p.name: file_sha256(p) for p in (train_file, dev_file)},
        "split": {
            "fit": [a.title for a in fit_part],
            "validation": [a.title for a in val_part],
            "test": [a.title for a in dev_articles],
        },
        "seed": seed,
        "span_params": SPAN_PARAMS,
        "answer_params": ANSWER_PARAMS,
        "retrieval": {
            "top_k": settings.top_k,
            "fusion": settings.fusion,
            "dense_weight": settings.dense_weight,
        },
        "metrics": {k: {m: round(v, 2) for m, v in d.items()} for k, d in results.items()},
        "validation_curve": curve,
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    return reader


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=TRAIN_FILE)
    parser.add_argument("--dev", type=Path, default=DEV_FILE)
    parser.add_argument("--out", type=Path, default=None, help="default: the shipped model")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", type=Path, default=Path(".cache/reader-index"))
    parser.add_argument(
        "--rows-cache", type=Path, default=None, help="keep built rows here and reuse them"
    )
    args = parser.parse_args(argv)
    for path in (args.train, args.dev):
        if not path.is_file():
            parser.error(f"{path} not found: the SQuAD excerpts live in ../shared/data/")
    settings = Settings(data_dir=args.data_dir)
    reader = train(args.train, args.dev, args.seed, settings, args.rows_cache)
    out = args.out or shipped_model_path()
    reader.save(out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {reader.meta['train_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
