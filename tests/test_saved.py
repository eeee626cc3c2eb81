"""What a browser keeps of its chat (rag/app/saved.py): the shape, the size budget, and saved
values that no longer parse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.app.saved import browser_secret, read_saved, saved_chat
from rag.ingest.article import article_from_text
from rag.transcript import Turn
from rag.types import Answer, Article, Citation

BUDGET = 2_000_000


def answer_to(article: Article, n: int) -> Answer:
    cite = Citation.of(article.sentence(n))
    return Answer(f"span [{n}]", False, [cite], short="span", confidence=0.8, is_calibrated=True)


def test_answers_survive_their_json_both_ways(seed_article: Article) -> None:
    answer = answer_to(seed_article, 8)
    answer.note = "Understood as: who ruled out troops?"
    answer.timings["total"] = 12.5
    again = Answer.from_json(json.loads(json.dumps(answer.to_json())))
    assert again.to_json() == answer.to_json()
    abstained = Answer.abstain([Citation.of(seed_article.sentence(3))])
    assert Answer.from_json(abstained.to_json()).to_json() == abstained.to_json()


def test_a_saved_chat_reads_back_whole(seed_article: Article) -> None:
    turns = [Turn("Who ruled out sending troops?", answer_to(seed_article, 8))]
    saved = json.loads(json.dumps(saved_chat(seed_article, turns, BUDGET)))  # as a browser has it
    kept = read_saved(saved)
    assert kept is not None and kept.notice == ""
    assert kept.article.text == seed_article.text and kept.article.sha256 == seed_article.sha256
    assert [(t.question, t.answer.to_json()) for t in kept.turns] == [
        (t.question, t.answer.to_json()) for t in turns
    ]


def test_past_the_budget_the_text_goes_first_then_the_oldest_turns() -> None:
    article = article_from_text("A sentence about the harbour. " * 2000, source="https://x.test/a")
    turns = [Turn(f"Question {i}?", answer_to(article, 1)) for i in range(40)]
    small = saved_chat(article, turns[:2], budget=20_000)
    assert small["article"]["text"] is None and len(small["turns"]) == 2
    kept = read_saved(small)
    assert kept is not None
    assert kept.notice.startswith("“https://x.test/a” is too large to keep in this browser")
    assert "fetched again" in kept.notice
    tight = saved_chat(article, turns, budget=10_000)
    assert len(json.dumps(tight, ensure_ascii=False).encode()) <= 10_000
    questions = [t["question"] for t in tight["turns"]]
    assert questions and questions == [f"Question {i}?" for i in range(40 - len(questions), 40)]


def test_pasted_text_too_large_to_keep_says_to_load_it_again() -> None:
    article = article_from_text("Text about the council. " * 2000, source="<pasted text>")
    kept = read_saved(saved_chat(article, [], budget=10_000))
    assert kept is not None and "load it again" in kept.notice


@pytest.mark.parametrize("raw", [None, "", {}, []])
def test_nothing_kept_is_none(raw: object) -> None:
    assert read_saved(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        {"version": 2, "article": {"source": "x", "sha256": "y"}, "turns": []},
        {"version": 1, "turns": []},
        {"version": 1, "article": {"source": "x", "sha256": "y"}, "turns": [{"question": "q"}]},
        {
            "version": 1,
            "article": {"source": "x", "sha256": "y"},
            "turns": [{"question": "q", "answer": {"answer": "a", "citations": [{"n": 1}]}}],
        },
        "not json at all",
        [1, 2, 3],
    ],
)
def test_a_saved_value_that_does_not_parse_is_dropped_with_a_notice(raw: object) -> None:
    with pytest.raises(ValueError) as err:
        read_saved(raw)
    assert str(err.value) == (
        "The chat saved in this browser could not be read (it is from another version of the "
        "app, or was changed), so it was cleared."
    )


def test_the_browser_secret_is_made_once_per_data_folder(tmp_path: Path) -> None:
    first = browser_secret(tmp_path / "data")
    assert len(first) >= 24 and browser_secret(tmp_path / "data") == first
    assert browser_secret(tmp_path / "other") != first
