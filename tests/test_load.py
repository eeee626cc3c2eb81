"""Load: 20 concurrent gradio_client sessions against the real app, each with its own article.

Each session loads a different text, asks 5 questions, and must get no failed request and
only citations of its own article. Bounded: every session has a deadline; the p95 latency is
printed (speed targets live in `rag-eval bench`, not here).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from eval.metrics import percentile

pytestmark = pytest.mark.slow

SESSIONS = 20
TOWNS = ["Halden", "Moss", "Larvik", "Skien", "Arendal", "Hamar", "Gjovik", "Molde", "Bodo",
         "Narvik", "Tromso", "Alta", "Voss", "Leknes", "Egersund", "Kongsberg", "Lillehammer",
         "Drammen", "Horten", "Sandnes"]  # fmt: skip
QUESTIONS = [
    "When will the bridge reopen?",
    "How much did the repairs cost?",
    "Who told reporters about the repairs?",
    "How many cyclists cross the bridge each day?",
    "Who won the 1990 World Cup?",
]


def article_for(n: int) -> str:
    town = TOWNS[n]
    return (
        f"The old bridge in {town} will reopen on {n + 1} March, the {town} council said on "
        f"Monday. Repairs cost {20 + n} million kroner, engineer Ingrid Dahl-{n} told "
        f"reporters. About {1000 + 37 * n} cyclists crossed the bridge each day before it "
        f"closed. The mayor of {town} thanked residents for their patience."
    )


def session(url: str, n: int, deadline: float) -> dict[str, Any]:
    from gradio_client import Client

    text = article_for(n)
    client = Client(url, verbose=False)
    key = client.predict(text, api_name="/load_article")["article_id"]
    latencies, foreign, failures = [], 0, 0
    for question in QUESTIONS:
        if time.monotonic() > deadline:
            failures += 1
            continue
        started = time.perf_counter()
        try:
            reply = client.predict(key, question, None, api_name="/ask")
        except Exception:  # any failed request counts
            failures += 1
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        for c in reply["citations"] + reply["closest"]:
            foreign += text[c["start"] : c["end"]] != c["text"]
    return {"latencies": latencies, "foreign": foreign, "failures": failures}


def test_twenty_concurrent_sessions_each_see_only_their_own_article(app_url: str) -> None:
    deadline = time.monotonic() + 240
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        results = list(pool.map(lambda n: session(app_url, n, deadline), range(SESSIONS)))
    latencies = [ms for r in results for ms in r["latencies"]]
    print(
        f"\n{SESSIONS} sessions x {len(QUESTIONS)} questions: {len(latencies)} answers, "
        f"p50 {percentile(latencies, 50):.0f} ms, p95 {percentile(latencies, 95):.0f} ms, "
        f"max {max(latencies):.0f} ms"
    )
    assert sum(r["failures"] for r in results) == 0
    assert sum(r["foreign"] for r in results) == 0
    assert len(latencies) == SESSIONS * len(QUESTIONS)
