"""What a browser keeps of its chat (rag/app/saved.py): the shape, the size budget, and saved
values that no longer parse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.app.saved import UNREADABLE, browser_secret, read_saved, saved_article, saved_turns
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


def kept_json(article: Article, turns: list[Turn], budget: int = BUDGET) -> tuple[object, object]:
    """The two values as a browser holds them (through JSON)."""
    pair = saved_article(article, budget), saved_turns(article, turns, budget)
    return json.loads(json.dumps(pair[0])), json.loads(json.dumps(pair[1]))


def test_a_saved_chat_reads_back_whole(seed_article: Article) -> None:
    turns = [Turn("Who ruled out sending troops?", answer_to(seed_article, 8))]
    kept = read_saved(*kept_json(seed_article, turns))
    assert kept is not None and kept.notice == ""
    assert kept.article.text == seed_article.text and kept.article.sha256 == seed_article.sha256
    assert [(t.question, t.answer.to_json()) for t in kept.turns] == [
        (t.question, t.answer.to_json()) for t in turns
    ]


def test_turns_about_another_article_are_not_shown_with_this_one(seed_article: Article) -> None:
    other = article_from_text("The bridge reopens in May. Repairs cost $3 million.")
    turns = [Turn("Who ruled out sending troops?", answer_to(seed_article, 8))]
    kept = read_saved(kept_json(other, [])[0], kept_json(seed_article, turns)[1])
    assert kept is not None and kept.article.sha256 == other.sha256 and kept.turns == []


def test_past_the_budget_the_article_keeps_its_source_and_old_turns_go() -> None:
    article = article_from_text("A sentence about the harbour. " * 2000, source="https://x.test/a")
    small = saved_article(article, budget=20_000)
    assert small["text"] is None and small["source"] == "https://x.test/a"
    kept = read_saved(small, {})
    assert kept is not None
    assert kept.notice.startswith("“A sentence about the harbour.” is too large to keep in this")
    assert "fetched again" in kept.notice
    turns = [Turn(f"Question {i}?", answer_to(article, 1)) for i in range(40)]
    tight = saved_turns(article, turns, budget=10_000)
    assert len(json.dumps(tight, ensure_ascii=False).encode()) <= 10_000
    questions = [t["question"] for t in tight["turns"]]
    assert questions and questions == [f"Question {i}?" for i in range(40 - len(questions), 40)]
    assert saved_article(article, budget=BUDGET)["text"] == article.text  # within it: whole


def test_pasted_text_too_large_to_keep_says_to_load_it_again() -> None:
    article = article_from_text("Text about the council. " * 2000, source="<pasted text>")
    kept = read_saved(saved_article(article, budget=10_000), {})
    assert kept is not None and "load it again" in kept.notice


@pytest.mark.parametrize("raw", [None, "", {}, []])
def test_nothing_kept_is_none(raw: object) -> None:
    assert read_saved(raw, raw) is None


GOOD_ARTICLE = {"version": 1, "source": "x", "sha256": "y", "text": "t"}


@pytest.mark.parametrize(
    ("article", "chat"),
    [
        ({"version": 2, "source": "x", "sha256": "y"}, {}),
        ({"source": "x", "sha256": "y"}, {}),
        ("not json at all", {}),
        ([1, 2, 3], {}),
        (GOOD_ARTICLE, {"version": 1, "sha256": "y", "turns": [{"question": "q"}]}),
        (
            GOOD_ARTICLE,
            {
                "version": 1,
                "sha256": "y",
                "turns": [{"question": "q", "answer": {"answer": "a", "citations": [{"n": 1}]}}],
            },
        ),
        (GOOD_ARTICLE, {"turns": []}),
    ],
)
def test_a_saved_value_that_does_not_parse_is_dropped_with_a_notice(
    article: object, chat: object
) -> None:
    with pytest.raises(ValueError) as err:
        read_saved(article, chat)
    assert (
        str(err.value)
        == UNREADABLE
        == (
            "The chat saved in this browser could not be read (it is from another version of the "
            "app, or was changed), so it was cleared."
        )
    )


def test_the_browser_secret_is_made_once_per_data_folder(tmp_path: Path) -> None:
    first = browser_secret(tmp_path / "data")
    assert len(first) >= 24 and browser_secret(tmp_path / "data") == first
    assert browser_secret(tmp_path / "other") != first
