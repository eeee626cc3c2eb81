"""Choose the neural reader's abstention threshold on held-out training-pool articles.

    python -m eval.choose_threshold              # writes the threshold into rag/reader/neural.json

The article eval/train_neural.py held out from training (Southern_California, from the SQuAD
2.0 training pool: 324 questions, 144 unanswerable) is answered in the product's whole-article
setting with the threshold off, so every answer records the reader's margin and best span.
The threshold is the margin with the best HasAns F1 among those that still abstain on 70 % of
the unanswerable questions there (the issue's NoAns floor). The reported
test sets (squad2-dev-4, news-dev) play no part in the choice.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from itertools import pairwise
from pathlib import Path

from eval.metrics import tradeoff_curve
from eval.run import run
from eval.sets import EvalSet, read_squad
from eval.train_neural import DATA, VALIDATION
from rag.config import Settings
from rag.reader.neural import CARD_FILE, shipped_dir

POOL = "squad2-dev-19-articles-for-training"
# The floor for unanswerable questions (NoAns >= 70 on held-out SQuAD articles): the
# threshold answers as much as it can while keeping it on the validation articles.
NOANS_FLOOR = 0.70


def validation_set(data: Path) -> EvalSet:
    """The held-out article(s) of the training pool, read as read_squad reads any SQuAD file."""
    pool = read_squad(data / f"{POOL}.json")
    keep = {f"squad:{name.split(':', 1)[1]}" for name in VALIDATION}
    items = tuple(i for i in pool.items if i.article in keep)
    articles = {k: v for k, v in pool.articles.items() if k in keep}
    return EvalSet(items, (), articles, "neural-validation")


def best_threshold(
    rows: list[tuple[bool, float, float]], noans_floor: float = NOANS_FLOOR
) -> tuple[float, float, float, float]:
    """(threshold, overall F1, HasAns F1, NoAns) at the margin with the best HasAns F1 among
    those that abstain on at least ``noans_floor`` of the unanswerable questions (the lowest
    such margin on ties).

    >>> best_threshold([(True, 2.0, 1.0), (True, 0.5, 0.5), (False, 1.0, 0.0)], 0.7)
    (1.5, 0.6666666666666666, 0.5, 1.0)
    >>> best_threshold([(True, 2.0, 1.0), (True, 0.5, 0.5), (False, 1.0, 0.0)], 0.0)
    (-0.5, 0.5, 0.75, 0.0)
    """
    margins = sorted({c for _, c, _ in rows})
    candidates = [margins[0] - 1.0] + [(a + b) / 2 for a, b in pairwise(margins)]
    candidates.append(margins[-1] + 1.0)
    n_has = sum(1 for answerable, _, _ in rows if answerable)
    n_no = len(rows) - n_has
    best = None
    for t, has, no in tradeoff_curve(rows, candidates):
        if n_no and no < noans_floor:
            continue
        overall = (has * n_has + no * n_no) / len(rows)
        if best is None or has > best[2]:
            best = (round(t, 3), overall, has, no)
    assert best is not None  # the highest candidate abstains on everything
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--model", type=Path, default=None, help="folder with neural.onnx")
    args = parser.parse_args(argv)
    folder = args.model or shipped_dir()
    eval_set = validation_set(args.data)
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            data_dir=Path(data_dir),
            reader="neural",
            reader_model=folder,
            reader_threshold=-1e9,
        )
        report = run(eval_set, settings=settings)
    rows = [(p["answerable"], p["confidence"], p["guess_f1"] or 0.0) for p in report.predictions]
    threshold, overall, has, no = best_threshold(rows)
    curve = tradeoff_curve(rows, [float(t) for t in range(-6, 7)])
    card_path = folder / CARD_FILE
    card = json.loads(card_path.read_text(encoding="utf-8"))
    card["threshold"] = threshold
    card["threshold_choice"] = {
        "on": sorted(VALIDATION),
        "questions": len(rows),
        "rule": f"best HasAns F1 with NoAns >= {NOANS_FLOOR} (whole articles, product retrieval)",
        "overall_f1": round(overall, 4),
        "hasans_f1": round(has, 4),
        "noans": round(no, 4),
        "curve": [
            {"margin": t, "hasans_f1": round(h, 4), "noans": round(n, 4)} for t, h, n in curve
        ],
    }
    card_path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"threshold {threshold} on {len(rows)} held-out questions: overall F1 {overall:.3f}, "
          f"HasAns F1 {has:.3f}, NoAns {no:.3f}; written to {card_path}")  # fmt: skip


if __name__ == "__main__":
    main()
