"""The asks harness: the judge of every kind on hand-made answers (exact reasons), reading
.asks.jsonl files and folders, the report's HTML, and one slow run end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.asks import AskLine, ask_row, is_asks_path, read_asks, run_asks
from eval.asks_judge import Ask, asks_metrics, is_named, judge, pass_by_kind
from eval.report import render_html, write_report
from eval.run import Report
from eval.scores import is_correct
from eval.sets import EvalSetError
from rag.config import Settings
from rag.ingest.article import article_from_text
from rag.pipeline import Resources
from rag.types import Answer, Article, Citation
from tests.conftest import resources_like

STORY = """Ferry service opens in Harbourtown

Monday, May 4, 2026

The new ferry service started on Monday. It carries 300 passengers.

The mayor, Ada Holm, opened the terminal. Councillor Ben Chan said the fares were too high.

Holm said the ferry was needed because the bridge was closed. Residents reacted with cheers.
"""
# Sentences: [1] headline, [2] dateline, [3] started, [4] 300 passengers, [5] Ada Holm opened,
# [6] Chan on fares, [7] needed because the bridge was closed, [8] cheers.
ARTICLE: Article = article_from_text(STORY, source="story.txt")
LEAD = "The new ferry service started on Monday."
BECAUSE = "Holm said the ferry was needed because the bridge was closed."


def reply(text: str, *cited: int, abstained: bool = False, short: str = "") -> Answer:
    """An Answer citing the article's sentences ``cited``."""
    citations = [Citation.of(ARTICLE.sentence(n)) for n in cited]
    return Answer(text, abstained, citations, short=short)


REFUSED = Answer("The article doesn't say.", True, [])
OVERVIEW = Ask("o", "overview", "tl;dr", key_sentences=(LEAD, "It carries 300 passengers."))
PEOPLE = Ask("p", "people", "who is in this?", must_mention=("Holm", "Chan", "Ng"))
LIST = Ask("l", "list", "who spoke?", must_mention=("Holm", "Chan", "Ng", "Residents"))
YES = Ask("y", "yes_no", "did the ferry start?", polarity="yes", evidence=(LEAD,))
FACT = Ask("f", "fact", "how many pasengers", answers=("300", "300 passengers"))
FOLLOW = Ask("u", "followup", "and who opened it?", answers=("Ada Holm",), history=("ferry?",))
WHY = Ask("w", "why", "why was it needed", answers=("the bridge was closed",), evidence=(BECAUSE,))
HOW = Ask("h", "how", "how did people react", evidence=("Residents reacted with cheers.",))
OTHER = Ask("x", "other_language", "Wie viele Passagiere?", evidence=("300 passengers",))
NONE = Ask("n", "unanswerable", "who wrote this?")
CHAT = Ask("c", "chitchat", "hello")


@pytest.mark.parametrize(
    ("ask", "answer", "expected"),
    [
        (OVERVIEW, reply("It opened [3], carrying 300 [4].", 3, 4), (True, "cited 2 of 2 key sentences")),
        (OVERVIEW, reply("It opened [3].", 3), (False, "cited 1 sentence(s), wanted at least 2")),
        (OVERVIEW, reply("Holm [5], Chan [6].", 5, 6), (False, "cited 0 of 2 key sentences, wanted at least 2")),
        (OVERVIEW, REFUSED, (False, "refused")),
        (PEOPLE, reply("Ada Holm [5] and Ben Chan [6].", 5, 6), (True, "named 2 of 3; missing Ng")),
        (PEOPLE, reply("Ben Chan [6].", 6), (False, "named 1 of 3; missing Holm, Ng")),
        (LIST, reply("Holm, Chan and residents.", 5), (True, "named 3 of 4; missing Ng")),
        (LIST, reply("Holm and Chan.", 5), (False, "named 2 of 4; missing Ng, Residents")),
        (YES, reply("Yes, it started on Monday [3].", 3), (True, "first word 'yes'")),
        (YES, reply("The ferry started on Monday [3].", 3), (False, "first word 'the', wanted 'yes'")),
        (YES, REFUSED, (False, "refused")),
        (FACT, reply("It carries 300 passengers [4].", 4, short="300"), (True, "contains '300'")),
        (FACT, reply("Three hundred people [4].", 4, short="three hundred people"), (False, "best F1 0.00 against '300', and no gold answer in the text")),
        (FACT, reply("300 passengers.", short="300"), (False, "no citation")),
        (FACT, REFUSED, (False, "refused")),
        (FOLLOW, reply("The mayor, Ada Holm [5].", 5), (True, "contains 'Ada Holm'")),
        (FOLLOW, reply("Holm, the mayor [5].", 5, short="Holm"), (True, "F1 0.67 against 'Ada Holm'")),
        (FOLLOW, reply("Ben Chan [6].", 6), (False, "best F1 0.00 against 'Ada Holm', and no gold answer in the text")),
        (WHY, reply("The bridge was closed [7].", 7), (True, "cites the evidence")),
        (WHY, reply("Ada Holm opened it [5].", 5), (False, "cited [5], none overlaps the evidence")),
        (WHY, reply("Because."), (False, "no citation")),
        (HOW, reply("With cheers [8].", 8), (True, "cites the evidence")),
        (HOW, REFUSED, (False, "refused")),
        (OTHER, reply("300 Passagiere [4].", 4), (True, "cites the evidence")),
        (OTHER, reply("I can only answer in English: 300."), (True, "says it answers in English")),
        (OTHER, REFUSED, (False, "no citation overlaps the evidence, and no reply in English")),
        (NONE, REFUSED, (True, "refused")),
        (NONE, Answer("Sorry, the article doesn’t say who wrote it.", False, []), (True, "refused")),
        (NONE, reply("Ada Holm wrote it [5].", 5), (False, "answered instead of refusing")),
        (CHAT, Answer("Hello! Ask me about the article.", False, []), (True, "replied")),
        (CHAT, REFUSED, (False, "refused")),
        (CHAT, Answer("  ", False, []), (False, "empty reply")),
    ],
)  # fmt: skip
def test_judge_gives_the_verdict_and_its_reason(
    ask: Ask, answer: Answer, expected: tuple[bool, str]
) -> None:
    assert judge(ask, answer, ARTICLE) == expected


@pytest.mark.parametrize(
    ("item", "text", "named"),
    [
        ("soybean, cotton, and peanut", "Peanut, cotton and soybean.", True),
        ("soybean, cotton, and peanut", "Soybean and cotton.", False),
        ("Holm", "ada HOLM", True),
        ("Ada Holm", "Holm", False),
    ],
)
def test_an_item_that_is_a_list_is_named_by_all_its_parts(
    item: str, text: str, named: bool
) -> None:
    assert is_named(item, text) is named


def test_rows_tally_by_kind_in_kind_order() -> None:
    rows = [
        ask_row(CHAT, Answer("Hi!", False, []), ARTICLE, 5.0),
        ask_row(FACT, reply("300 [4].", 4, short="300"), ARTICLE, 20.0),
        ask_row(FACT, REFUSED, ARTICLE, 40.0),
    ]
    assert rows[1]["citations"] == [
        {"sentence": 4, "start": 98, "end": 124, "text": "It carries 300 passengers."}
    ]
    assert (rows[2]["passed"], rows[2]["reason"], rows[2]["answer_kind"]) == (
        False,
        "refused",
        "fact",
    )
    assert pass_by_kind(rows) == [("fact", 1, 2), ("chitchat", 1, 1)]
    assert is_correct(rows[1]) and not is_correct(rows[2])  # what --compare calls right
    assert asks_metrics(rows) == {
        "asks": 3,
        "asks_pass": 2 / 3,
        "asks_fact": 2,
        "asks_pass_fact": 0.5,
        "asks_chitchat": 1,
        "asks_pass_chitchat": 1.0,
        "latency_p50_ms": 20.0,
        "latency_p50_ms_fact": 20.0,
        "latency_p50_ms_chitchat": 5.0,
    }


def test_the_html_shows_pass_rate_by_kind_and_failures_first() -> None:
    rows = [
        ask_row(CHAT, Answer("Hi!", False, []), ARTICLE, 5.0),
        ask_row(FOLLOW, reply("Ben Chan [6].", 6), ARTICLE, 20.0),
    ]
    report = Report(asks_metrics(rows), {"set": "tiny"}, rows, [], {"": ARTICLE})
    page = render_html(report)
    assert "<h2>Pass rate by kind</h2>" in page
    assert "<td>followup</td><td class='v'>0/1</td><td class='v'>0 %</td>" in page
    assert "<td>all</td><td class='v'>1/2</td><td class='v'>50 %</td>" in page
    assert page.index("and who opened it?") < page.index("hello")  # the failure first
    assert "<ol class='history'><li>ferry?</li></ol>" in page
    assert "best F1 0.00 against &#x27;Ada Holm&#x27;, and no gold answer in the text" in page
    assert "<mark>Councillor Ben Chan said the fares were too high.</mark>" in page


def write_set(folder: Path, slug: str, lines: list[str], article: str | None = STORY) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if article is not None:
        (folder / f"{slug}.txt").write_text(article, encoding="utf-8")
    path = folder / f"{slug}.asks.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = json.dumps({"id": "s-a1", "kind": "chitchat", "question": "hello"})
FACT_LINE = json.dumps(
    {
        "id": "s-a2",
        "kind": "fact",
        "question": "how many passengers",
        "answers": ["300"],
        "evidence": ["It carries 300 passengers."],
    }
)


def test_reading_a_file_reports_bad_lines_with_their_number(tmp_path: Path) -> None:
    path = write_set(
        tmp_path,
        "story",
        [
            GOOD,
            "{oops",
            json.dumps({"id": "s-a3", "kind": "gossip", "question": "hi"}),
            json.dumps({"id": "s-a4", "kind": "fact", "question": "how many?"}),
            "",
            GOOD,
            FACT_LINE,
        ],
    )
    asks = read_asks(path)
    assert [a.id for a in asks.items] == ["s-a1", "s-a2"]
    assert asks.problems == (
        "story.asks.jsonl line 2: not JSON (Expecting property name enclosed in double quotes)",
        "story.asks.jsonl line 3: kind: Input should be 'overview', 'people', 'list', 'yes_no', "
        "'fact', 'why', 'how', 'followup', 'other_language', 'unanswerable' or 'chitchat'",
        "story.asks.jsonl line 4: line: Value error, a fact ask needs answers",
        "story.asks.jsonl line 6: duplicate id 's-a1'",
    )
    article = str((tmp_path / "story.txt").resolve())
    assert asks.items[1] == Ask(
        "s-a2",
        "fact",
        "how many passengers",
        answers=("300",),
        evidence=("It carries 300 passengers.",),
        article=article,
    )
    assert asks.articles == {article: STORY} and asks.name == "story"
    assert is_asks_path(path) and not is_asks_path(tmp_path / "story.txt")


def test_reading_a_folder_reads_every_asks_file_beside_its_article(tmp_path: Path) -> None:
    write_set(tmp_path / "set", "b-story", [FACT_LINE])
    write_set(tmp_path / "set", "a-story", [GOOD])
    write_set(
        tmp_path / "set",
        "c-lost",
        [json.dumps({"id": "c", "kind": "chitchat", "question": "yo"})],
        article=None,
    )
    asks = read_asks(tmp_path / "set")
    assert [(a.id, Path(a.article).name) for a in asks.items] == [
        ("s-a1", "a-story.txt"),
        ("s-a2", "b-story.txt"),
    ]
    assert asks.problems == (
        f"c-lost.asks.jsonl line 1: skipped: Article not found: {(tmp_path / 'set' / 'c-lost.txt').resolve()}",
    )
    assert asks.name == "set" and is_asks_path(tmp_path / "set")


def test_a_set_with_no_valid_ask_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EvalSetError) as err:
        read_asks(write_set(tmp_path, "story", ["{oops"]))
    assert str(err.value) == (
        f"No valid ask in {tmp_path / 'story.asks.jsonl'} (story.asks.jsonl line 1: not JSON "
        "(Expecting property name enclosed in double quotes))."
    )
    with pytest.raises(EvalSetError) as err:
        read_asks(tmp_path / "story.jsonl")
    assert str(err.value) == (
        f"{tmp_path / 'story.jsonl'} is not an asks set: its name must end in .asks.jsonl."
    )
    with pytest.raises(EvalSetError) as err:
        read_asks(tmp_path / "gone.asks.jsonl")
    assert str(err.value) == f"Asks set not found: {tmp_path / 'gone.asks.jsonl'}"
    (tmp_path / "empty").mkdir()
    with pytest.raises(EvalSetError, match=r"^No \.asks\.jsonl file in "):
        read_asks(tmp_path / "empty")


def test_a_yes_no_line_needs_yes_or_no() -> None:
    with pytest.raises(ValueError, match="polarity"):
        AskLine.model_validate({"id": "y", "kind": "yes_no", "question": "?", "polarity": "maybe"})


def test_the_cli_refuses_article_for_an_asks_set(tmp_path: Path) -> None:
    from eval.cli import app

    path = write_set(tmp_path, "story", [GOOD])
    result = CliRunner().invoke(app, ["run", str(path), "--article", str(tmp_path / "story.txt")])
    assert result.exit_code == 1
    assert "--article does not apply to asks sets: X.asks.jsonl reads X.txt beside it." in (
        result.output
    )


@pytest.mark.slow
def test_run_asks_end_to_end(
    tmp_path: Path,
    settings: Settings,
    seed_resources: Resources,
) -> None:
    """The real chain (packaged MiniLM + spaCy, rules reader) over a two-ask set."""
    write_set(tmp_path / "set", "story", [GOOD, FACT_LINE])
    done: list[int] = []
    report = run_asks(
        tmp_path / "set",
        settings=settings,
        resources=resources_like(seed_resources, settings),
        on_progress=lambda d, _t: done.append(d),
    )
    assert done == [1, 2] and report.problems == []
    assert report.metrics["asks"] == 2
    assert "asks_pass_fact" in report.metrics and "asks_pass_chitchat" in report.metrics
    rows = {p["id"]: p for p in report.predictions}
    assert (rows["s-a1"]["kind"], rows["s-a2"]["kind"]) == ("chitchat", "fact")
    assert all(isinstance(p["passed"], bool) and p["reason"] for p in report.predictions)
    assert rows["s-a2"]["citations"] and rows["s-a2"]["latency_ms"] > 0
    json_path, html_path = write_report(report, tmp_path / "out")
    assert json.loads(json_path.read_text(encoding="utf-8"))["metrics"]["asks"] == 2
    assert "Pass rate by kind" in html_path.read_text(encoding="utf-8")
