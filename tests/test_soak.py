"""The soak (bench/soak.py) at a size a test run affords: the real app, articles past the
store's bound, then 20 people at once. Timings are printed by `python -m bench.soak`, not
asserted here."""

from __future__ import annotations

import time

import pytest

from bench.soak import load_phase, missed_targets, store_phase

pytestmark = pytest.mark.slow


def test_store_stays_bounded_and_dropped_articles_answer_again() -> None:
    store = store_phase(articles=40, max_articles=10, deadline=time.monotonic() + 600)
    assert store["failed_requests"] == 0
    assert store["right"] == store["asked"] == 40
    assert store["dropped_reasked"] == 1 and store["dropped_reasked_right"] == 1
    points = store["checkpoints"]
    assert points[40]["folder_mb"] <= 1.5 * points[10]["folder_mb"], points


def test_twenty_sessions_at_once_get_their_own_right_answers() -> None:
    load = load_phase(sessions=20, questions=2)
    assert load["answers"] == 40
    assert load["failed_requests"] == 0
    assert load["wrong_answers"] == 0
    assert load["foreign_citations"] == 0


def test_missed_targets_names_each_miss() -> None:
    store = {
        "articles": 300,
        "loaded": 300,
        "checkpoints": {
            10: {"folder_mb": 2.0, "rss_mb": 900.0},
            40: {"folder_mb": 3.5, "rss_mb": 950.0},
            100: {"folder_mb": 2.5, "rss_mb": 1000.0},
            300: {"folder_mb": 2.5, "rss_mb": 1200.0},
        },
        "failed_requests": 0,
        "asked": 300,
        "right": 300,
        "dropped_reasked": 27,
        "dropped_reasked_right": 27,
    }
    load = {"failed_requests": 1, "wrong_answers": 0, "foreign_citations": 0, "p95_ms": 650.0}
    assert missed_targets(store, load) == [
        "the data folder after 40 articles is over 1.5x its size after 10",
        "RSS changed 20% from article 100 to 300 (over 15 %)",
        "some requests failed",
        "answer p95 under load is over 500 ms",
    ]
