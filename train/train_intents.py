"""Fit the intent classifier (rag/asks/intents.json) on phrasings we wrote and SQuAD questions.

    python -m train.train_intents            # writes rag/asks/intents.json, prints CV accuracy

Data: train/phrasings/{overview,people,chitchat,question}.txt (written for this project: how
people ask for a summary, for who is in a story, small talk, and questions that share their
words), plus SAMPLE_SQUAD questions of ../shared/data/squad1-train-432-articles.json as more
questions. Never asks-dev: that stays validation. Features: the packaged MiniLM's question
embedding (the ONNX embedder retrieval uses), normalised. Model: multinomial logistic
regression (scikit-learn), its regularisation chosen by 5-fold cross-validation accuracy.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

import numpy as np

from rag.asks.intents import QUESTION, shipped_file
from rag.config import Settings
from rag.pipeline import Resources

HERE = Path(__file__).resolve().parent
PHRASINGS = HERE / "phrasings"
SQUAD = HERE.parent.parent / "shared" / "data" / "squad1-train-432-articles.json"
SAMPLE_SQUAD = 800
SEED = 0
CS = (1.0, 4.0, 16.0, 64.0)  # inverse regularisation tried; the best 5-fold CV accuracy wins


def read_phrasings() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for path in sorted(PHRASINGS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(line.strip())
                labels.append(path.stem)
    return texts, labels


def squad_questions(count: int) -> list[str]:
    data = json.loads(SQUAD.read_text(encoding="utf-8"))["data"]
    questions = [qa["question"].strip() for a in data for p in a["paragraphs"] for qa in p["qas"]]
    return random.Random(SEED).sample(questions, count)


def main(argv: list[str] | None = None) -> int:
    import argparse

    argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0]).parse_args(argv)
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    texts, labels = read_phrasings()
    extra = squad_questions(SAMPLE_SQUAD)
    texts += extra
    labels += [QUESTION] * len(extra)
    embedder = Resources(Settings()).embedder
    x = np.array([embedder.embed_query(t) for t in texts], dtype=np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.array(labels)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    tried = {}
    for c in CS:
        guesses = cross_val_predict(LogisticRegression(C=c, max_iter=4000), x, y, cv=folds)
        tried[c] = (float((guesses == y).mean()), guesses)
        print(f"C={c}: 5-fold CV accuracy {tried[c][0]:.4f}")
    best = max(CS, key=lambda c: tried[c][0])
    accuracy, predicted = tried[best]
    model = LogisticRegression(C=best, max_iter=4000)
    per_class = {c: round(float((predicted[y == c] == c).mean()), 4) for c in sorted(set(labels))}
    print(f"5-fold CV accuracy {accuracy:.4f}; recall by class {per_class}")
    for text, gold, guess in zip(texts, y, predicted, strict=True):
        if gold != guess:
            print(f"  {gold:>9} -> {guess:<9} {text}")
    model.fit(x, y)
    pairs = zip(texts, labels, strict=True)
    digest = hashlib.sha256("\n".join(f"{text}\t{label}" for text, label in pairs).encode())
    card = {
        "data": "train/phrasings/*.txt + SQuAD v1.0 train questions",
        "counts": {c: labels.count(c) for c in sorted(set(labels))},
        "data_sha256": digest.hexdigest(),
        "cv_accuracy": round(accuracy, 4),
        "cv_recall": per_class,
        "C": best,
        "seed": SEED,
    }
    out = {
        "classes": [str(c) for c in model.classes_],
        "weights": np.round(model.coef_, 6).tolist(),
        "bias": np.round(model.intercept_, 6).tolist(),
        "card": card,
    }
    shipped_file().write_text(json.dumps(out) + "\n", encoding="utf-8")
    print(f"wrote {shipped_file()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
