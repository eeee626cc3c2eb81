"""The CLI through typer's CliRunner: exit codes and exact text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.ingest.article import article_from_text
from tests.conftest import SEED_ARTICLE

runner = CliRunner()


@pytest.fixture
def data_env(monkeypatch: pytest.MonkeyPatch, session_data_dir: Path) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", str(session_data_dir))


@pytest.mark.slow
def test_ask_prints_answer_and_cited_sentence(data_env: None) -> None:
    result = runner.invoke(app, ["ask", str(SEED_ARTICLE), "Who ruled out sending troops?"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Britain, Germany, Spain and Poland [8]",
        "  [8] Several NATO members quickly ruled out sending troops to Ukraine following "
        "Macron’s comments, including Britain, Germany, Spain and Poland, according to Reuters.",
    ]


@pytest.mark.slow
def test_ask_json(data_env: None) -> None:
    result = runner.invoke(
        app, ["ask", str(SEED_ARTICLE), "How many members does NATO have?", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {
        "answer",
        "abstained",
        "citations",
        "latency_ms",
        "confidence",
        "low_confidence",
    }
    assert payload["answer"] == "32 [10]" and payload["abstained"] is False
    [citation] = payload["citations"]
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    assert citation["sentence"] == 10
    assert text[citation["start"] : citation["end"]] == citation["text"]
    assert citation["text"].startswith("If troops from one of the 32 NATO members")


@pytest.mark.slow
def test_ask_abstains_with_closest_sentences(data_env: None) -> None:
    result = runner.invoke(app, ["ask", str(SEED_ARTICLE), "What is the capital of France?"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:2] == ["The article doesn't say.", "Closest sentences:"]
    assert len(lines) == 5


@pytest.mark.slow
def test_chat_loop_answers_until_eof(data_env: None) -> None:
    result = runner.invoke(app, ["chat", str(SEED_ARTICLE)], input="Who is Peskov?\n\nnot read\n")
    assert result.exit_code == 0
    assert "Loaded" in result.stdout and "16 sentences" in result.stdout
    assert "Kremlin spokesman [4]" in result.stdout
    assert "not read" not in result.stdout


@pytest.mark.slow
def test_chat_save_keeps_the_conversation_with_its_quotes(data_env: None, tmp_path: Path) -> None:
    target = tmp_path / "nato.md"
    asked = "Who ruled out sending troops?\nWhat is the capital of Australia?\n"
    result = runner.invoke(app, ["chat", str(SEED_ARTICLE), "--save", str(target)], input=asked)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().endswith(f"Saved 2 question(s) to {target}.")
    text = target.read_text(encoding="utf-8")
    sentence8 = article_from_text(SEED_ARTICLE.read_text(encoding="utf-8")).sentence(8).text
    assert text.startswith("# The Kremlin warned Tuesday")
    assert "## 1. Who ruled out sending troops?\n\nBritain, Germany, Spain and Poland [8]" in text
    assert "## 2. What is the capital of Australia?\n\nThe article doesn't say." in text
    assert f"> [8] {sentence8}" in text.splitlines()
    assert not list(tmp_path.glob(".*partial"))  # written whole, nothing left behind


@pytest.mark.slow
def test_chat_save_never_overwrites_and_needs_a_folder(data_env: None, tmp_path: Path) -> None:
    mine = tmp_path / "notes.md"
    mine.write_text("my notes", encoding="utf-8")
    taken = runner.invoke(app, ["chat", str(SEED_ARTICLE), "--save", str(mine)], input="x\n")
    assert (taken.exit_code, taken.stderr.strip()) == (
        1,
        f"error: {mine} already exists; give a new file name (or move it away first).",
    )
    assert mine.read_text(encoding="utf-8") == "my notes"
    nowhere = tmp_path / "missing" / "chat.md"
    lost = runner.invoke(app, ["chat", str(SEED_ARTICLE), "--save", str(nowhere)], input="x\n")
    assert lost.stderr.strip() == f"error: No folder {nowhere.parent} to save chat.md in."


@pytest.mark.slow
def test_index_reports_reuse(data_env: None) -> None:
    runner.invoke(app, ["index", str(SEED_ARTICLE)])
    result = runner.invoke(app, ["index", str(SEED_ARTICLE)])
    assert result.exit_code == 0
    assert result.stdout.startswith("16 sentences, 0 embedded now, ")


@pytest.mark.slow
def test_stdin_article(data_env: None) -> None:
    result = runner.invoke(
        app,
        ["ask", "-", "When does the bridge reopen?"],
        input="The mayor said on Monday that the old bridge will reopen in May.",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "May [1]"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "/no/such/file.txt", "q"], "error: File not found: /no/such/file.txt"),
        (
            ["ask", "ftp://example.com/a.txt", "q"],
            "error: Only http:// and https:// URLs can be loaded (got ftp): ftp://example.com/a.txt",
        ),
        (
            ["ask", "http://127.0.0.1:9/story", "q"],
            "error: Refused to fetch http://127.0.0.1:9/story: 127.0.0.1 resolves to 127.0.0.1, "
            "a loopback address. Set RAG_ALLOW_PRIVATE_URLS=true to allow it.",
        ),
        (
            ["ask", "http://169.254.169.254/latest/meta-data/", "q"],
            "error: Refused to fetch http://169.254.169.254/latest/meta-data/: 169.254.169.254 "
            "resolves to 169.254.169.254, a cloud metadata address. "
            "Set RAG_ALLOW_PRIVATE_URLS=true to allow it.",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_1(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.strip() == message
    assert "Traceback" not in result.output


def test_binary_and_empty_files(tmp_path: Path) -> None:
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    result = runner.invoke(app, ["ask", str(png), "q"])
    assert (result.exit_code, result.stderr.strip()) == (
        1,
        f"error: {png} is a PNG image, not text. Load a .txt, .md or .html file.",
    )
    empty = tmp_path / "empty.md"
    empty.write_text("")
    result = runner.invoke(app, ["ask", str(empty), "q"])
    assert result.stderr.strip() == "error: The article is empty. Paste or load the article's text."


@pytest.mark.slow
def test_empty_question(data_env: None) -> None:
    result = runner.invoke(app, ["ask", str(SEED_ARTICLE), "  "])
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == "error: The question is empty. Type a question about the article."
    )


def test_bad_config_file(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ask", str(SEED_ARTICLE), "q", "--config", str(tmp_path / "x.toml")]
    )
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"error: Invalid settings: Config file not found: {tmp_path / 'x.toml'}"
    )


def test_a_low_confidence_answer_is_marked_in_the_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from rag.cli import _print_answer
    from rag.types import Answer, Citation

    cite = Citation(sentence=3, start=0, end=20, text="NATO has 32 members.")
    _print_answer(Answer("32 [3]", False, [cite], confidence=0.31, is_low_confidence=True))
    assert capsys.readouterr().out.splitlines() == [
        "32 [3]",
        "low confidence (31%): check the cited sentence.",
        "  [3] NATO has 32 members.",
    ]


def test_rag_eval_names_the_command_that_scores() -> None:
    result = runner.invoke(app, ["eval", "eval/sets/seed-article.jsonl", "--out", "x"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Scoring is its own command now: rag-eval run SET (see rag-eval run --help)."
    ]


def test_help_says_where_scoring_timing_and_training_live() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "rag-eval run SET (eval/)" in text and "rag-eval bench (bench/)" in text
    assert "make train-reader (train/)" in text
    assert " eval " not in text.split("Commands")[-1].split("Scoring")[0]  # hidden
