import json
from pathlib import Path

import pytest

from eval.sets import EvalSetError, read_jsonl, read_squad

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = json.dumps(
    {
        "id": "a",
        "question": "Q?",
        "answers": ["x"],
        "evidence": ["x"],
        "answerable": True,
        "article": "story.txt",
    }
)


def test_bad_lines_are_reported_with_numbers_and_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path / "set.jsonl",
        [
            GOOD,
            "{not json",
            json.dumps({"id": "b", "question": "Q?", "answerable": True}),
            json.dumps({"id": "c", "question": "Q?", "answers": ["y"], "answerable": False}),
            json.dumps({"id": "d", "question": "", "answerable": False}),
            GOOD,
            "",
            json.dumps({"id": "e", "question": "Q?", "answerable": False}),
        ],
    )
    loaded = read_jsonl(path)
    assert [i.id for i in loaded.items] == ["a"]
    assert loaded.problems == (
        "line 2: not JSON (Expecting property name enclosed in double quotes)",
        "line 3: line: Value error, an answerable question needs at least one answer",
        "line 4: line: Value error, an unanswerable question must have empty answers and evidence",
        "line 5: question: String should have at least 1 character",
        "line 6: duplicate id 'a'",
        "line 8: no article (give one in the line or --article)",
    )
    assert loaded.items[0].article == str((tmp_path / "story.txt").resolve())


def test_default_article_applies_to_lines_without_one(tmp_path: Path) -> None:
    line = json.dumps({"id": "z", "question": "Q?", "answerable": False})
    loaded = read_jsonl(write(tmp_path / "s.jsonl", [line]), default_article=tmp_path / "d.txt")
    assert loaded.items[0].article == str((tmp_path / "d.txt").resolve())


def test_no_valid_line_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EvalSetError) as err:
        read_jsonl(write(tmp_path / "bad.jsonl", ["[]"]))
    assert str(err.value) == (
        f"No valid question in {tmp_path / 'bad.jsonl'} (line 1: line: Input should be a valid "
        "dictionary or instance of EvalLine)."
    )
    with pytest.raises(EvalSetError, match="Eval set not found"):
        read_jsonl(tmp_path / "missing.jsonl")


def test_squad_import() -> None:
    loaded = read_squad(FIXTURES / "squad-tiny.json")
    assert [(i.id, i.answerable, i.answers) for i in loaded.items] == [
        ("q1", True, ("1872",)),
        ("q2", False, ()),
        ("q3", True, ("Ada Holm",)),
        ("q4", True, ("14 kilometres",)),
    ]
    assert loaded.articles["squad:Lighthouse"] == (
        "The Skerry lighthouse was built in 1872. Its lamp was electrified in 1931.\n\n"
        "A keeper named Ada Holm lived there until 1950."
    )
    assert [i.article for i in read_squad(FIXTURES / "squad-tiny.json", 1).items] == [
        "squad:Lighthouse"
    ] * 3


def test_shipped_sets_are_valid_and_their_evidence_is_in_the_article() -> None:
    for name, minimum, unanswerable in (("seed-article", 60, 15), ("harbour-bridge", 40, 10)):
        loaded = read_jsonl(ROOT / "eval" / "sets" / f"{name}.jsonl")
        assert loaded.problems == ()
        assert len(loaded.items) >= minimum
        assert sum(not i.answerable for i in loaded.items) >= unanswerable
        text = Path(loaded.items[0].article).read_text(encoding="utf-8")
        for item in loaded.items:
            assert all(e in text for e in item.evidence), item.id


SEED_SHA256 = "f26aa9438d918670bb6529d4b4727ece3bf58b975441a24fce621c7646f177de"


def test_shipped_seed_article_matches_shared_copy() -> None:
    """The copy in rag/app/examples/ is byte-identical to ../shared/seed-article.txt (compared
    directly where the shared folder exists, by its recorded sha256 on a bare clone)."""
    import hashlib

    shipped = (ROOT / "rag" / "app" / "examples" / "seed-article.txt").read_bytes()
    assert hashlib.sha256(shipped).hexdigest() == SEED_SHA256
    shared = ROOT.parent / "shared" / "seed-article.txt"
    if shared.exists():
        assert shipped == shared.read_bytes()


@pytest.mark.parametrize("name", ["seed-article", "harbour-bridge"])
def test_shipped_example_questions_are_the_eval_sets_answerable_ones(name: str) -> None:
    """rag/app/examples/questions.json lists, per article, the first question asked of each
    distinct answer in its eval set (at most four): answerable questions with a known answer."""
    lines = read_jsonl(ROOT / "eval" / "sets" / f"{name}.jsonl").items
    answered = [item for item in lines if item.answerable and item.answers]
    firsts = {item.answers[0]: item.question for item in reversed(answered)}
    listed = json.loads((ROOT / "rag" / "app" / "examples" / "questions.json").read_text("utf-8"))
    assert listed[f"{name}.txt"] == list(firsts.values())[::-1][:4]
    assert all(Path(item.article).name == f"{name}.txt" for item in lines)
