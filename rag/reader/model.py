"""The learned reader: which candidate span answers, and whether to answer at all.

    reader = Reader.load(path)                       # the shipped model by default
    answer = reader.answer(question_doc, passages, article, sentence_doc, top_k=5)

Two gradient-boosted models trained on SQuAD 2.0 (eval/train_reader.py): a span scorer
(predicted token F1 of each candidate) and a no-answer classifier (probability that the
article answers the question). ``threshold`` on that probability decides abstention. The
model file is a pickle of plain dicts and scikit-learn estimators; its ``meta`` records the
training data's sha256, the settings and the validation metrics.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc

from rag.errors import BackendUnavailable
from rag.evidence import ScoredSentence, SentenceDoc, missing_names, score_sentences
from rag.extractive import NO_ANSWER
from rag.question import QuestionType, Term, classify, content_terms
from rag.reader.candidates import Option, collect
from rag.reader.features import (
    QUESTION_FEATURES,
    SPAN_FEATURES,
    question_base,
    question_features,
    span_features,
)
from rag.spans import best_clause
from rag.types import Answer, Article, Citation, Passage

MODEL_FILE = "reader.pkl"


def shipped_model_path() -> Path:
    return Path(str(resources.files("rag.reader") / MODEL_FILE))


@dataclass
class Reading:
    """Everything the reader looked at for one question (training reuses it)."""

    qtype: QuestionType
    terms: list[Term]
    scored: list[ScoredSentence]
    options: list[Option]
    rows: np.ndarray  # span features, one row per option
    base: list[float]  # question features shared by every row
    missing: bool  # the question names someone the article never mentions


def read(
    question: Doc,
    passages: Sequence[Passage],
    article: Article,
    sentence_doc: SentenceDoc,
    *,
    top_k: int = 5,
) -> Reading:
    """Candidates from the ``top_k`` best supported passages, with their features.

    Typed questions ("how many", "when") whose top sentences hold no span of a fitting entity
    type also read the spare passages, as the rules do.
    """
    qtype = classify(question)
    terms = content_terms(question)
    missing = bool(missing_names(terms, article.text))
    scored = score_sentences(question, terms, passages[:top_k], sentence_doc)
    options = collect(question, qtype, terms, scored, sentence_doc)
    fits = any(
        o.span is not None and any(t.ent_type_ in qtype.labels for t in o.span) for o in options
    )
    if qtype.labels and not fits and len(passages) > top_k:
        scored += score_sentences(question, terms, passages[top_k:], sentence_doc)
        options = collect(question, qtype, terms, scored, sentence_doc)
    base = question_base(question, qtype, terms, missing)
    rows = span_features(options, question, qtype, terms, base, sentence_doc)
    return Reading(qtype, terms, scored, options, rows, base, missing)


@dataclass
class Reader:
    span_model: Any  # regressor: span features -> predicted token F1
    answer_model: Any  # classifier: question features -> P(the article answers)
    threshold: float  # answer when P(answerable) >= threshold
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Reader:
        path = path or shipped_model_path()
        try:
            payload = pickle.loads(path.read_bytes())
        except FileNotFoundError as exc:
            raise BackendUnavailable(
                f"The reader model {path} is missing. Rebuild it with `make train-reader`, "
                "or set RAG_READER=rules."
            ) from exc
        if (
            payload.get("span_features") != SPAN_FEATURES
            or payload.get("question_features") != QUESTION_FEATURES
        ):
            raise BackendUnavailable(
                f"The reader model {path} was trained on other features than this code "
                "computes. Rebuild it with `make train-reader`."
            )
        return cls(
            payload["span_model"], payload["answer_model"], payload["threshold"], payload["meta"]
        )

    def save(self, path: Path) -> None:
        payload = {
            "span_model": self.span_model,
            "answer_model": self.answer_model,
            "threshold": self.threshold,
            "meta": self.meta,
            "span_features": SPAN_FEATURES,
            "question_features": QUESTION_FEATURES,
        }
        path.write_bytes(pickle.dumps(payload, protocol=5))

    def span_scores(self, reading: Reading) -> np.ndarray:
        if not len(reading.rows):
            return np.zeros(0)
        return np.asarray(self.span_model.predict(reading.rows))

    def p_answerable(self, reading: Reading, scores: np.ndarray) -> float:
        row = question_features(reading.base, scores, reading.rows)
        return float(self.answer_model.predict_proba(row.reshape(1, -1))[0, 1])

    def answer(
        self,
        question: Doc,
        passages: Sequence[Passage],
        article: Article,
        sentence_doc: SentenceDoc,
        *,
        top_k: int = 5,
    ) -> Answer:
        closest = [Citation.of(p.sentence) for p in passages[:3]]
        if not passages:
            return Answer(NO_ANSWER, True, [], closest=closest)
        reading = read(question, passages, article, sentence_doc, top_k=top_k)
        scores = self.span_scores(reading)
        p = self.p_answerable(reading, scores)
        if not reading.options:
            return Answer(NO_ANSWER, True, [], closest=closest, confidence=p)
        best = reading.options[int(np.argmax(scores))]
        if p < self.threshold:
            return Answer(NO_ANSWER, True, [], closest=closest, confidence=p, guess=best.text)
        citations = [Citation.of(article.sentence(n)) for n in sorted(set(best.sentences))]
        markers = "".join(f"[{c.sentence}]" for c in citations)
        text = f"{best.text} {markers}"
        if best.text in ("Yes", "No"):
            clause = best_clause(article.sentence(best.number).text, reading.terms)
            text = f"{best.text}: {clause} {markers}"
        return Answer(
            text=text,
            abstained=False,
            citations=citations,
            short=best.text,
            closest=closest,
            confidence=p,
            guess=best.text,
        )
