"""The neural reader's decision to answer: the probability that its best span is right.

    features = decision_features(reading)        # pure: feature name -> value
    decision = Decision.load(folder)             # rag/read/neural/decision.json
    p = decision.probability(features)           # of answers given p = 0.7, about 70 % are right

A logistic regression over what the reader saw (best margin, the best rival elsewhere, agreement
across windows, span length, the [CLS] scores), what retrieval saw (dense and BM25 scores and
the rank of the window that answers) and what the question shares with the article (content
words found around the cited sentence, names and numbers found nowhere, the answer's type
against the wh-word). train/fit_decision.py fits it, cross-fitted across held-out SQuAD
articles, and chooses ``threshold`` (answer at or above it) and ``low_mark`` (answers under it
are shown as low confidence). The coefficients are JSON: no pickle, nothing version-bound.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rag.errors import BackendUnavailable
from rag.stems import stem_words
from rag.types import Article, Passage, Sentence

DECISION_FILE = "decision.json"
REFIT = "Rebuild it with `make train-reader` (or `python -m train.fit_decision` for this model)."

FEATURES = (
    "margin",  # best window: span score - [CLS] score
    "null",  # best window's [CLS] ("no answer here") score
    "margin_gap",  # best margin - the best margin found elsewhere in the article (capped)
    "agree",  # windows whose best span is the same text, per window a reading has
    "positive_windows",  # windows whose span beats their [CLS], per window a reading has
    "span_words",  # log(1 + words in the span)
    "span_in_question",  # share of the span's content words the question already has
    "window_rank",  # retrieval rank of the answering window, 0 = first
    "dense_top",  # cosine of the question to the top retrieved sentence
    "dense_best",  # ... to the answering window's sentence
    "lexical_top",  # log(1 + BM25 of the top sentence)
    "lexical_best_share",  # BM25 of the answering sentence / the top one (at most 1)
    "overlap_cited",  # question content words found in the cited sentences and neighbours
    "overlap_window",  # ... in the answering window
    "missing_terms",  # question content words found nowhere in the article
    "missing_names",  # names and numbers of the question found nowhere (0, 1, 2+)
    "typed",  # the wh-word asks for a type (who, when, how many, where)
    "type_fits",  # ... and the span is of that type
    "question_words",  # log(1 + words in the question)
)

_STOP_WORDS = (
    "a an the of in on at to for from by with and or but is are was were be been being do does "
    "did has have had what which who whom whose when where why how that this these those it its "
    "as into about after before than then there their they them he she his her him i you we our "
    "your not no can could would should will may might must also any some such one many much "
    "if so up out over under more most other just only very s"
)
_STOP = frozenset(_STOP_WORDS.split())
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|century|year|years|decade"
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundred|thousand|"
    "million|billion|half|several|few|percent"
)
_TYPES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    # (question pattern, what an answer of that type holds)
    (
        re.compile(
            r"\bhow (many|much|long|old|far|big|large|often)\b"
            r"|\bwhat (percent|percentage|number)\b",
            re.I,
        ),
        re.compile(rf"\d|\b({_NUMBER_WORDS})\b", re.I),
    ),
    (
        re.compile(r"\bwhen\b|\bwhat (year|date|day|month|time|century)\b", re.I),
        re.compile(rf"\d|\b({_MONTHS})\b", re.I),
    ),
    (re.compile(r"\b(who|whom|whose)\b", re.I), re.compile(r"[A-Z]")),
    (re.compile(r"\bwhere\b", re.I), re.compile(r"[A-Z]")),
)


@dataclass(frozen=True)
class Reading:
    """What the reader saw for one question: its windows in retrieval order."""

    question: str
    margins: Sequence[float]  # per window: best span score - [CLS] score
    nulls: Sequence[float]  # per window: [CLS] score
    spans: Sequence[str]  # per window: the best span's text
    places: Sequence[tuple[int, int]]  # per window: the best span's (start, end) in the article
    windows_wanted: int  # the windows a reading has when the article is long enough
    best: int  # the window that answers
    window_text: str  # the answering window's text
    cited: Sequence[Sentence]  # the sentences the best span lies in
    passages: Sequence[Passage]  # retrieval, best first (a window per passage, in order)
    article: Article


def content_stems(text: str) -> set[str]:
    """The stems of ``text``'s words that carry content.

    >>> sorted(content_stems("Who ruled out sending troops to Ukraine?"))
    ['rule', 'send', 'troop', 'ukrain']
    """
    words = [w for w in re.findall(r"\w+", text.lower()) if w not in _STOP and len(w) > 1]
    return set(stem_words(words))


@lru_cache(maxsize=16)
def _article_stems(text: str) -> frozenset[str]:
    """Every content stem of an article, kept for its next questions."""
    return frozenset(content_stems(text))


@lru_cache(maxsize=16)
def _lowered(text: str) -> str:
    """An article's text in lower case, kept for its next questions."""
    return text.lower()


def _share_found(wanted: set[str], text: str) -> float:
    return len(wanted & content_stems(text)) / len(wanted) if wanted else 1.0


def _names_and_numbers(question: str) -> list[str]:
    """Capitalised words after the first, and numbers: what an answer's article must name.

    >>> _names_and_numbers("Did Macron visit Kyiv in 2024?")
    ['Macron', 'Kyiv', '2024']
    """
    words = re.findall(r"\w[\w'-]*", question)
    return [w for i, w in enumerate(words) if any(c.isdigit() for c in w) or (i and w[0].isupper())]


def answer_type(question: str, span: str) -> tuple[float, float]:
    """(typed, fits): whether the question asks for a type, and whether ``span`` is of it.

    >>> answer_type("How many members does NATO have?", "32")
    (1.0, 1.0)
    >>> answer_type("Who ruled out sending troops?", "several members")
    (1.0, 0.0)
    >>> answer_type("What did Macron say?", "anything")
    (0.0, 0.0)
    """
    for asks, holds in _TYPES:
        if asks.search(question):
            return 1.0, float(bool(holds.search(span)))
    return 0.0, 0.0


def decision_features(r: Reading) -> dict[str, float]:
    """The decision's inputs for one question (all finite; FEATURES names them in order).

    They mean the same on an article of two sentences and of two thousand: a window whose span
    lies where the answer's does (two windows overlap on adjacent sentences) is no rival, a
    reading with no rival elsewhere gets the gap from nothing (0), and the shares count the
    windows a reading has on a long article, so a short article's lone window reads as one
    window of three that says something.
    """
    margin = r.margins[r.best]
    start, end = r.places[r.best]
    rivals = [
        m
        for i, (m, (s, e)) in enumerate(zip(r.margins, r.places, strict=True))
        if i != r.best and not (s < end and start < e)
    ]
    runner_up = max(rivals, default=0.0)
    span = r.spans[r.best]
    norm = " ".join(span.lower().split())
    same = sum(1 for s in r.spans if " ".join(s.lower().split()) == norm)
    wanted = max(r.windows_wanted, len(r.margins))
    top, chosen = r.passages[0], r.passages[r.best]
    stems = content_stems(r.question)
    article = r.article
    around = {n for s in r.cited for n in (s.idx - 1, s.idx, s.idx + 1)}
    count = len(article.sentences)
    near = " ".join(article.sentence(n).text for n in sorted(around) if 1 <= n <= count)
    in_article = _article_stems(article.text) if stems else frozenset()
    names = _names_and_numbers(r.question)
    lowered = _lowered(article.text)
    typed, fits = answer_type(r.question, span)
    values = {
        "margin": margin,
        "null": r.nulls[r.best],
        "margin_gap": min(margin - runner_up, 20.0),
        "agree": same / wanted,
        "positive_windows": sum(1 for m in r.margins if m > 0) / wanted,
        "span_words": math.log1p(len(span.split())),
        "span_in_question": _share_found(content_stems(span), r.question) if span else 0.0,
        "window_rank": float(r.best),
        "dense_top": top.dense,
        "dense_best": chosen.dense,
        "lexical_top": math.log1p(max(top.lexical, 0.0)),
        "lexical_best_share": min(chosen.lexical / top.lexical, 1.0) if top.lexical > 0 else 0.0,
        "overlap_cited": _share_found(stems, near),
        "overlap_window": _share_found(stems, r.window_text),
        "missing_terms": len(stems - in_article) / len(stems) if stems else 0.0,
        "missing_names": float(min(2, sum(1 for n in names if n.lower() not in lowered))),
        "typed": typed,
        "type_fits": fits,
        "question_words": math.log1p(len(r.question.split())),
    }
    return {k: (v if math.isfinite(v) else 0.0) for k, v in values.items()}


@dataclass(frozen=True)
class Decision:
    """A fitted logistic regression over FEATURES, with the cut chosen for the product."""

    features: tuple[str, ...]
    mean: tuple[float, ...]  # standardisation, per feature
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float  # answer when the probability reaches it
    low_mark: float  # answers under it are shown as "low confidence"
    model_sha256: str  # the reader model it was fitted on
    card: dict[str, Any]  # how it was fitted and what it scored (train/fit_decision.py)

    def probability(self, values: dict[str, float]) -> float:
        """P(the best span is right) for one question's features."""
        z = self.intercept + sum(
            c * (values[name] - m) / s
            for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "low_mark": self.low_mark,
            "model_sha256": self.model_sha256,
            "card": self.card,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Decision:
        names = tuple(data["features"])
        if names != FEATURES:
            raise ValueError("its features are not the ones this code computes")
        mean, scale, coef = (tuple(float(v) for v in data[k]) for k in ("mean", "scale", "coef"))
        if not len(mean) == len(scale) == len(coef) == len(names):
            raise ValueError("its vectors do not match its features")
        return cls(
            names,
            mean,
            scale,
            coef,
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            low_mark=float(data["low_mark"]),
            model_sha256=str(data["model_sha256"]),
            card=dict(data.get("card", {})),
        )

    @classmethod
    def load(cls, folder: Path, model_sha256: str) -> Decision:
        """``folder``/decision.json, fitted on the model whose sha256 is given;
        BackendUnavailable naming the rebuild command when missing, unreadable or stale."""
        path = folder / DECISION_FILE
        if not path.is_file():
            raise BackendUnavailable(f"The reader's decision file {path} is missing. {REFIT}")
        try:
            decision = cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BackendUnavailable(
                f"The reader's decision file {path} is unreadable ({exc}). {REFIT}"
            ) from exc
        if decision.model_sha256 != model_sha256:
            raise BackendUnavailable(
                f"The reader's decision file {path} was fitted for another reader model. {REFIT}"
            )
        return decision
