"""The reader's answer decision (rag/read/neural/decision.py) and its fitting (train/fit_decision.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag.errors import BackendUnavailable
from rag.ingest.article import article_from_text
from rag.read.neural.decision import (
    DECISION_FILE,
    FEATURES,
    Decision,
    Reading,
    decision_features,
)
from rag.read.neural.reader import CARD_FILE, shipped_dir
from rag.types import Passage
from train.fit_decision import Rows, choose_threshold, cross_fitted

REFIT = "Rebuild it with `make train-reader` (or `python -m train.fit_decision` for this model)."
ARTICLE = article_from_text(
    "Macron met Scholz in Paris on Monday. He said troops could not be ruled out.\n\n"
    "Britain, Germany, Spain and Poland ruled out sending troops. Moscow warned of war."
)


def _place(sentence, word: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    start = sentence.start + sentence.text.index(word)
    return start, start + len(word)


def reading(question: str, best: int = 0, margins: tuple[float, ...] = (4.0, -2.0)) -> Reading:
    passages = [
        Passage(ARTICLE.sentence(3), score=0.9, dense=0.7, lexical=6.0, rank=1),
        Passage(ARTICLE.sentence(2), score=0.5, dense=0.4, lexical=2.0, rank=2),
    ]
    return Reading(
        question=question,
        margins=margins,
        nulls=(1.0, 3.0),
        spans=("Britain, Germany, Spain and Poland", "Macron"),
        places=(_place(ARTICLE.sentence(3), "Britain"), _place(ARTICLE.sentence(2), "He")),
        windows_wanted=2,
        best=best,
        window_text=ARTICLE.sentence(3).text,
        cited=[ARTICLE.sentence(3)],
        passages=passages,
        article=ARTICLE,
    )


def test_features_read_the_reader_retrieval_and_question() -> None:
    f = decision_features(reading("Who ruled out sending troops?"))
    assert list(f) == list(FEATURES)
    assert f["margin"] == 4.0 and f["margin_gap"] == 6.0 and f["null"] == 1.0
    assert f["agree"] == 0.5 and f["positive_windows"] == 0.5 and f["window_rank"] == 0.0
    assert f["dense_top"] == 0.7 and f["lexical_best_share"] == 1.0  # capped: 6.0 / 6.0
    assert f["overlap_cited"] == 1.0  # ruled, out... sending, troops: all in sentence 3
    assert f["missing_terms"] == 0.0 and f["missing_names"] == 0.0
    assert (f["typed"], f["type_fits"]) == (1.0, 1.0)  # who -> a capitalised span


def test_a_question_about_what_the_article_never_names_shows_it() -> None:
    f = decision_features(reading("Did Trudeau send 5000 troops to Estonia?"))
    assert f["missing_names"] == 2.0  # Trudeau, 5000, Estonia: capped at 2
    assert f["missing_terms"] > 0.5
    g = decision_features(reading("¿Quién descartó enviar tropas?"))
    assert g["missing_terms"] == 1.0  # another language: none of its words are here


def test_a_lone_window_reads_as_one_window_of_a_long_article_s_reading() -> None:
    # A one-sentence article gives one window: no rival anywhere (the gap from nothing, not
    # a 20-point gap) and one window of the reading's two that says something, as on an
    # article long enough for both windows.
    r = reading("Who ruled out sending troops?", margins=(4.0,))
    r = Reading(
        **{
            **r.__dict__,
            "nulls": (1.0,),
            "spans": ("Britain",),
            "places": r.places[:1],
            "passages": r.passages[:1],
        }
    )
    f = decision_features(r)
    assert f["margin_gap"] == 4.0 and f["agree"] == 0.5 and f["positive_windows"] == 0.5


def test_a_window_whose_span_lies_where_the_answer_does_is_no_rival() -> None:
    # Adjacent retrieved sentences give overlapping windows that may read the same span:
    # that is the answer read twice, not a second candidate.
    r = reading("Who ruled out sending troops?", margins=(4.0, 3.5))
    twice = Reading(**{**r.__dict__, "places": (r.places[0], r.places[0])})
    assert decision_features(r)["margin_gap"] == 0.5  # a rival elsewhere
    assert decision_features(twice)["margin_gap"] == 4.0  # no rival: the gap from nothing


def _decision(**changes: object) -> Decision:
    n = len(FEATURES)
    fields = {
        "features": FEATURES,
        "mean": (0.0,) * n,
        "scale": (1.0,) * n,
        "coef": (0.5,) + (0.0,) * (n - 1),  # the margin alone
        "intercept": -1.0,
        "threshold": 0.4,
        "low_mark": 0.5,
        "model_sha256": "abc",
        "card": {},
    }
    return Decision(**{**fields, **changes})  # type: ignore[arg-type]


def test_probability_is_a_logistic_of_the_standardised_features() -> None:
    decision = _decision()
    values = dict.fromkeys(FEATURES, 0.0)
    assert decision.probability({**values, "margin": 2.0}) == pytest.approx(0.5)
    assert decision.probability({**values, "margin": 10.0}) == pytest.approx(1 / (1 + np.exp(-4)))
    assert decision.probability({**values, "margin": -1e6}) > 0.0  # clipped, never an overflow


def test_a_decision_round_trips_through_json() -> None:
    decision = _decision(card={"fitted_on": ["x"]})
    assert Decision.from_json(json.loads(json.dumps(decision.to_json()))) == decision


def _sha(folder: Path) -> str:
    return str(json.loads((folder / CARD_FILE).read_text())["sha256"])


def test_a_missing_decision_names_the_command_that_rebuilds_it(model_copy: Path) -> None:
    (model_copy / DECISION_FILE).unlink()
    with pytest.raises(BackendUnavailable) as err:
        Decision.load(model_copy, _sha(model_copy))
    assert str(err.value) == (
        f"The reader's decision file {model_copy / DECISION_FILE} is missing. {REFIT}"
    )


def test_a_decision_fitted_for_another_model_is_refused(model_copy: Path) -> None:
    with pytest.raises(BackendUnavailable) as err:
        Decision.load(model_copy, "0" * 64)
    assert str(err.value) == (
        f"The reader's decision file {model_copy / DECISION_FILE} was fitted for another "
        f"reader model. {REFIT}"
    )


def test_a_decision_with_other_features_is_refused(model_copy: Path) -> None:
    path = model_copy / DECISION_FILE
    data = json.loads(path.read_text())
    data["features"] = data["features"][:-1]
    path.write_text(json.dumps(data))
    with pytest.raises(BackendUnavailable, match="features are not the ones this code computes"):
        Decision.load(model_copy, _sha(model_copy))


def test_the_shipped_decision_fits_the_shipped_model_and_was_chosen_on_held_out_articles() -> None:
    folder = shipped_dir()
    decision = Decision.load(folder, _sha(folder))
    card = json.loads((folder / CARD_FILE).read_text())
    assert set(decision.card["fitted_on"]) == set(card["training"]["held_out_articles"])
    assert not any("squad2-dev-4" in a or "news" in a for a in decision.card["fitted_on"])
    held = decision.card["cross_fitted"]
    assert held["answerable_refused"] <= 0.16  # the rule: at most 15 % (ties may add a few)
    assert 0.0 < decision.threshold <= decision.low_mark < 1.0
    assert held["ece"] < 0.1


def test_the_cut_refuses_at_most_the_share_of_answerable_questions_allowed() -> None:
    rng = np.random.default_rng(0)
    p = rng.random(200)
    answerable = rng.random(200) < 0.6
    cut = choose_threshold(p, answerable, 0.15)
    assert (p[answerable] < cut).mean() <= 0.15
    assert (p[answerable] < cut + 0.02).mean() > 0.15  # the highest such cut, near enough


def test_cross_fitting_predicts_each_article_from_the_others_only() -> None:
    # Two articles where the feature means opposite things: a model fitted on the other
    # article must get each one wrong, which one fitted on both would not.
    x = np.array([[1.0], [2.0], [3.0], [4.0]] * 2)
    right = np.array([False, False, True, True, True, True, False, False])
    rows = Rows(
        x=np.repeat(x, len(FEATURES), axis=1),
        right=right,
        answerable=np.ones(8, bool),
        f1=right.astype(float),
        article=np.array(["a"] * 4 + ["b"] * 4),
    )
    p = cross_fitted(rows)
    assert p[3] < p[0] and p[7] > p[4]  # each article scored by the other's opposite rule
