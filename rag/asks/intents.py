"""The fitted intent classifier: is a message a request for an overview, for the people of
the article, small talk, or a question about it?

A multinomial logistic regression over the question's MiniLM embedding (the same vector
retrieval uses), fitted by ``python -m train.train_intents`` on phrasings we wrote
(train/phrasings/) and SQuAD v1.0 training questions, and shipped as intents.json: a few
kilobytes of weights applied with numpy, so nothing is loaded but the embedder.

    classifier = IntentClassifier.load()
    classifier.intent(embedder.embed_query("tl;dr pls"))   # -> "overview"
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from rag.errors import BackendUnavailable

INTENTS_FILE = "intents.json"
QUESTION = "question"
# A message is taken as another intent than a question only when the classifier gives that
# intent at least this probability: a question wrongly answered with an overview or a list
# of people costs more than an overview answered by the reader (which says what it can).
MIN_PROBABILITY = 0.6


def shipped_file() -> Path:
    return Path(str(resources.files("rag.asks") / INTENTS_FILE))


@dataclass(frozen=True)
class IntentClassifier:
    classes: tuple[str, ...]
    weights: np.ndarray  # (classes, dimensions)
    bias: np.ndarray  # (classes,)
    card: dict[str, object]

    @classmethod
    def load(cls, path: Path | None = None) -> IntentClassifier:
        """The classifier in ``path`` (default: the shipped one); BackendUnavailable naming
        the command that rebuilds it when the file is missing or unreadable."""
        path = path or shipped_file()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                tuple(data["classes"]),
                np.asarray(data["weights"], dtype=np.float64),
                np.asarray(data["bias"], dtype=np.float64),
                data.get("card", {}),
            )
        except (OSError, ValueError, KeyError) as exc:
            raise BackendUnavailable(
                f"The intent classifier {path} is missing or unreadable ({exc}). "
                "Rebuild it with `python -m train.train_intents`."
            ) from exc

    def probabilities(self, vector: Sequence[float]) -> dict[str, float]:
        """Each intent's probability for a question embedding (normalised here)."""
        x = np.asarray(vector, dtype=np.float64)
        x = x / max(float(np.linalg.norm(x)), 1e-12)
        logits = self.weights @ x + self.bias
        p = np.exp(logits - logits.max())
        p /= p.sum()
        return {c: float(v) for c, v in zip(self.classes, p, strict=True)}

    def intent(self, vector: Sequence[float]) -> str:
        """The most probable intent when it reaches MIN_PROBABILITY, else a question."""
        probabilities = self.probabilities(vector)
        best = max(probabilities, key=probabilities.__getitem__)
        return best if probabilities[best] >= MIN_PROBABILITY else QUESTION
