"""The eval runner end to end on small sets, its report files, --compare and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.report import write_report
from eval.run import run
from eval.sets import read_squad
from rag.config import Settings

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


@pytest.fixture
def small_set(tmp_path: Path) -> Path:
    article = tmp_path / "story.txt"
    article.write_text(
        "The ferry service started on Monday. It carries 300 passengers.\n"
        "The mayor, Ada Holm, opened the terminal.\nNo comments:\n",
        encoding="utf-8",
    )
    lines = [
        {
            "id": "a1",
            "question": "How many passengers does the ferry carry?",
            "answers": ["300"],
            "evidence": ["It carries 300 passengers."],
            "answerable": True,
        },
        {
            "id": "a2",
            "question": "Who opened the terminal?",
            "answers": ["Ada Holm"],
            "evidence": ["Ada Holm, opened the terminal"],
            "answerable": True,
        },
        {
            "id": "u1",
            "question": "How much does a ticket cost?",
            "answers": [],
            "evidence": [],
            "answerable": False,
        },
    ]
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n{oops\n", encoding="utf-8")
    return path


def test_run_scores_and_writes_reports(small_set: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    done: list[int] = []
    report = run(
        small_set,
        settings=settings,
        article=small_set.parent / "story.txt",
        on_progress=lambda d, _t: done.append(d),
    )
    assert done == [1, 2, 3]
    assert report.problems == [
        "line 4: not JSON (Expecting property name enclosed in double quotes)"
    ]
    rows = {p["id"]: p for p in report.predictions}
    assert rows["a1"]["short_answer"] == "300" and rows["a1"]["em"] == 1.0
    assert rows["a1"]["evidence_hit"] and rows["a1"]["citations"][0]["sentence"] == 2
    assert rows["a2"]["short_answer"] == "Ada Holm"
    assert rows["u1"]["abstained"] and rows["u1"]["em"] == 1.0
    m = report.metrics
    assert (m["questions"], m["hasans_f1"], m["abstention_accuracy"], m["problems"]) == (
        3,
        1.0,
        1.0,
        1,
    )
    assert m["citation_precision"] == 1.0

    json_path, html_path = write_report(report, tmp_path / "out")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert set(data) == {"metrics", "config", "predictions", "problems"}
    first = data["predictions"][0]
    assert {
        "id",
        "question",
        "answer",
        "abstained",
        "citations",
        "latency_ms",
        "em",
        "f1",
        "evidence_hit",
    } <= set(first)
    assert set(first["citations"][0]) == {"sentence", "start", "end", "text"}
    html = html_path.read_text(encoding="utf-8")
    assert "<mark>It carries 300 passengers.</mark>" in html
    assert "<script" not in html and "http" not in html.split("</style>")[0]
    assert "latency histogram" in html


def test_squad_run_on_fixture(tmp_path: Path) -> None:
    report = run(read_squad(FIXTURES / "squad-tiny.json"), settings=Settings(data_dir=tmp_path))
    rows = {p["id"]: p for p in report.predictions}
    assert rows["q1"]["short_answer"] == "1872"
    assert rows["q4"]["short_answer"] == "14 kilometres"
    assert report.config["articles"] == ["squad:Canal", "squad:Lighthouse"]


def test_cli_eval_compare_and_errors(
    small_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    story = str(small_set.parent / "story.txt")
    a = runner.invoke(
        app, ["run", str(small_set), "--article", story, "--out", str(tmp_path / "a")]
    )
    assert a.exit_code == 0, a.output
    assert "hasans_f1" in a.stdout and "problem: line 4: not JSON" in a.stdout
    monkeypatch.setenv("RAG_TOP_K", "1")
    b = runner.invoke(
        app, ["run", str(small_set), "--article", story, "--out", str(tmp_path / "b")]
    )
    assert b.exit_code == 0, b.output
    cmp = runner.invoke(
        app,
        [
            "run",
            "--compare",
            str(tmp_path / "a" / "report.json"),
            str(tmp_path / "b" / "report.json"),
        ],
    )
    assert cmp.exit_code == 0, cmp.output
    assert "eval comparison" in cmp.stdout and "wrong -> right (" in cmp.stdout

    missing = runner.invoke(app, ["run", str(tmp_path / "none.jsonl")])
    assert (missing.exit_code, missing.stderr.strip()) == (
        1,
        f"error: Eval set not found: {tmp_path / 'none.jsonl'}",
    )
    neither = runner.invoke(app, ["run"])
    assert (
        neither.stderr.strip()
        == "error: Give an eval set (SET.jsonl) or --squad FILE, or --compare A B."
    )
    bad_backend = runner.invoke(app, ["run", str(small_set), "--backend", "gpt9"])
    assert bad_backend.exit_code == 1
    assert (
        bad_backend.stderr.strip()
        == "error: Invalid settings: backend: Input should be 'extractive', 'local', 'openai' or 'hf'"
    )
    not_report = runner.invoke(app, ["run", "--compare", str(small_set), str(small_set)])
    assert not_report.exit_code == 1 and "is not an eval report.json" in not_report.stderr
