"""Fit the reader's answer decision on articles it never read: ``make train-reader``'s last step.

    python -m train.fit_decision                  # writes rag/read/neural/decision.json
    python -m train.fit_decision --model DIR      # for the reader in DIR

The seven SQuAD 2.0 training-pool articles train/train_neural.py holds out (1,914 questions,
about half unanswerable) are answered in the product's whole-article setting with the decision
off, so each answer records the reader's best span and the decision's features
(rag/read/neural/decision.py). The label is "the best span is right": the question is answerable
and the span scores F1 >= 0.5 against a gold answer.

Cross-fitting: a logistic regression is fitted on six articles and predicts the seventh, for
each article in turn, so every question gets a probability from a model that never saw its
article. On those out-of-article probabilities:

- the threshold is the highest cut that refuses at most 15 % of the answerable questions
  (people ask about an article mostly what it says), which catches as many unanswerable ones
  as that allows;
- the low-confidence mark is 0.5 (the span is then more likely wrong than right), or the
  threshold if that is higher;
- the expected calibration error and the reliability table are recorded.

The shipped model is then fitted on all seven articles. The reported test sets (news-dev,
squad2-dev-4) play no part in any of this.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval.metrics import calibration, roc_auc
from eval.run import run
from eval.scores import RIGHT_F1
from eval.sets import EvalSet, read_squad
from rag.config import Settings
from rag.pipeline import Resources
from rag.read.neural.decision import DECISION_FILE, FEATURES, Decision
from rag.read.neural.reader import NeuralReader, shipped_dir
from train.neural_data import DATA, HELD_OUT_POOL, VALIDATION

MAX_REFUSED = 0.15  # answerable questions the cut may refuse
LOW_MARK = 0.5  # under it an answer is more likely wrong than right


@dataclass
class Rows:
    """The held-out questions as the decision sees them."""

    x: np.ndarray  # [questions, features] in FEATURES order
    right: np.ndarray  # bool: the best span is right
    answerable: np.ndarray  # bool
    f1: np.ndarray  # F1 of the best span (0 for unanswerable questions)
    article: np.ndarray  # str: the article each question is about


def held_out_set(data: Path) -> EvalSet:
    """The held-out articles of the training pool, read as read_squad reads any SQuAD file."""
    pool = read_squad(data / f"{HELD_OUT_POOL}.json")
    keep = {f"squad:{name.split(':', 1)[1]}" for name in VALIDATION}
    items = tuple(i for i in pool.items if i.article in keep)
    articles = {k: v for k, v in pool.articles.items() if k in keep}
    return EvalSet(items, (), articles, "decision-held-out")


def rows_of(predictions: list[dict[str, Any]]) -> Rows:
    """Feature matrix and labels from a run's report rows (the decision off)."""
    kept = [p for p in predictions if p.get("features")]
    f1 = np.array([float(p["guess_f1"] or 0.0) if p["answerable"] else 0.0 for p in kept])
    answerable = np.array([bool(p["answerable"]) for p in kept])
    return Rows(
        x=np.array([[p["features"][name] for name in FEATURES] for p in kept], dtype=float),
        right=answerable & (f1 >= RIGHT_F1),
        answerable=answerable,
        f1=f1,
        article=np.array([p["article"] for p in kept]),
    )


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(mean, scale, coef, intercept) of an L2 logistic regression on standardised ``x``."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)
    return mean, scale, model.coef_[0], float(model.intercept_[0])


def predict(params: tuple[np.ndarray, np.ndarray, np.ndarray, float], x: np.ndarray) -> np.ndarray:
    mean, scale, coef, intercept = params
    z = ((x - mean) / scale) @ coef + intercept
    p: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    return p


def cross_fitted(rows: Rows) -> np.ndarray:
    """Each question's probability from a model fitted on the other articles."""
    p = np.zeros(len(rows.right))
    for article in sorted(set(rows.article)):
        test = rows.article == article
        p[test] = predict(fit(rows.x[~test], rows.right[~test]), rows.x[test])
    return p


def choose_threshold(
    p: np.ndarray, answerable: np.ndarray, max_refused: float = MAX_REFUSED
) -> float:
    """The highest cut that refuses at most ``max_refused`` of the answerable questions.

    >>> choose_threshold(np.array([0.9, 0.8, 0.3, 0.2, 0.1]), np.array([1, 1, 1, 0, 0], bool), 0.34)
    0.55
    """
    scores = np.sort(p[answerable])
    allowed = int(np.floor(max_refused * len(scores)))  # refused: p < cut
    if allowed == 0:
        return float(scores[0]) if len(scores) else 0.5
    return round(float((scores[allowed - 1] + scores[allowed]) / 2), 4)


def summary(p: np.ndarray, rows: Rows, threshold: float) -> dict[str, Any]:
    """What the cut does on these questions, and how well ``p`` is calibrated."""
    answered = p >= threshold
    has, no = rows.answerable, ~rows.answerable
    ece, table = calibration(p.tolist(), rows.right.tolist())
    return {
        "questions": len(p),
        "answerable": int(has.sum()),
        "answerable_refused": round(float((~answered[has]).mean()), 4),
        "noans": round(float((~answered[no]).mean()), 4) if no.any() else None,
        "hasans_f1": round(float(np.where(answered[has], rows.f1[has], 0.0).mean()), 4),
        "forced_hasans_f1": round(float(rows.f1[has].mean()), 4),
        "auc_answerable": round(roc_auc(p.tolist(), has.tolist()), 4),
        "auc_right": round(roc_auc(p.tolist(), rows.right.tolist()), 4),
        "auc_margin_answerable": round(roc_auc(rows.x[:, 0].tolist(), has.tolist()), 4),
        "ece": round(ece, 4),
        "reliability": table,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--model", type=Path, default=None, help="folder with neural.onnx")
    args = parser.parse_args(argv)
    folder = args.model or shipped_dir()
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), reader="neural", reader_model=folder)
        resources = Resources(settings)
        resources.reader = NeuralReader.load(folder, decide=False)
        report = run(held_out_set(args.data), settings=settings, resources=resources)
    rows = rows_of(report.predictions)
    p = cross_fitted(rows)
    threshold = choose_threshold(p, rows.answerable)
    low_mark = max(LOW_MARK, threshold)
    held_out = summary(p, rows, threshold)
    mean, scale, coef, intercept = fit(rows.x, rows.right)
    reader = resources.reader
    decision = Decision(
        features=FEATURES,
        mean=tuple(round(float(v), 6) for v in mean),
        scale=tuple(round(float(v), 6) for v in scale),
        coef=tuple(round(float(v), 6) for v in coef),
        intercept=round(intercept, 6),
        threshold=threshold,
        low_mark=low_mark,
        model_sha256=reader.card["sha256"],
        card={
            "fitted_on": sorted(VALIDATION),
            "label": f"answerable and the best span's F1 >= {RIGHT_F1}",
            "model": "logistic regression (C=1) on standardised features",
            "rule": f"highest cut refusing <= {MAX_REFUSED:.0%} of answerable questions, "
            "on probabilities cross-fitted across the articles (one left out at a time)",
            "low_mark": f"{LOW_MARK}, or the threshold if higher",
            "cross_fitted": held_out,
        },
    )
    path = folder / DECISION_FILE
    path.write_text(json.dumps(decision.to_json(), indent=2) + "\n", encoding="utf-8")
    print(
        f"decision on {held_out['questions']} held-out questions (cross-fitted): threshold "
        f"{threshold}, answerable refused {held_out['answerable_refused']:.1%}, NoAns "
        f"{held_out['noans']:.1%}, HasAns F1 {held_out['hasans_f1']:.3f} (forced "
        f"{held_out['forced_hasans_f1']:.3f}), AUC {held_out['auc_answerable']:.3f} (margin "
        f"alone {held_out['auc_margin_answerable']:.3f}), ECE {held_out['ece']:.3f}; "
        f"written to {path}"
    )


if __name__ == "__main__":
    main()
