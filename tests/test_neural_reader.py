"""The neural reader (rag/read/neural/reader.py): the shipped model, its card, and how it answers."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from rag.config import Settings
from rag.errors import BackendUnavailable
from rag.ingest.article import article_from_text
from rag.read.neural.decision import DECISION_FILE, FEATURES
from rag.read.neural.reader import CARD_FILE, MODEL_FILE, NeuralReader, model_settings, shipped_dir
from rag.service import ArticleService
from tests.conftest import resources_like

REBUILD = "Rebuild it with `make train-reader`, or set RAG_READER=rules."


def _card() -> dict:  # type: ignore[type-arg]
    return json.loads((shipped_dir() / CARD_FILE).read_text(encoding="utf-8"))


def test_shipped_model_is_small_and_matches_its_card() -> None:
    model = shipped_dir() / MODEL_FILE
    card = _card()
    assert model.stat().st_size <= 30_000_000
    assert hashlib.sha256(model.read_bytes()).hexdigest() == card["sha256"]
    assert card["settings"] == model_settings()
    assert card["seed"] == 0
    assert card["training"]["distinct_questions"] >= 60_000
    assert card["quantization"]["options"]["reduce_range"]  # no saturation without VNNI


def test_card_records_the_data_and_holds_out_the_test_sets() -> None:
    card = _card()
    data = card["training"]["data"]
    assert "squad1-train-432-articles.json" in data
    assert all(len(digest) == 64 for digest in data.values())
    assert "squad2-dev-4-articles.json" not in data  # held out: reported, never trained on
    held = card["training"]["held_out_articles"]
    assert len(held) == 7 and not any("squad2-dev-4" in name for name in held)
    assert 0.0 <= card["validation_windows"]["no_answer_accuracy"] <= 1.0


def test_a_missing_model_names_the_command_that_rebuilds_it(model_copy: Path) -> None:
    (model_copy / MODEL_FILE).unlink()
    with pytest.raises(BackendUnavailable) as err:
        NeuralReader.load(model_copy)
    assert (
        str(err.value)
        == f"The neural reader's file {model_copy / MODEL_FILE} is missing. {REBUILD}"
    )


def test_a_model_built_for_other_settings_is_refused(model_copy: Path) -> None:
    card = json.loads((model_copy / CARD_FILE).read_text())
    card["settings"]["max_tokens"] = 512
    (model_copy / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(BackendUnavailable) as err:
        NeuralReader.load(model_copy)
    assert str(err.value) == (
        f"The reader model in {model_copy} was built for other settings than this code uses. "
        f"{REBUILD}"
    )


def test_a_model_file_that_does_not_match_its_card_is_refused(model_copy: Path) -> None:
    with (model_copy / MODEL_FILE).open("ab") as f:
        f.write(b"\0")
    with pytest.raises(BackendUnavailable, match="does not match its card"):
        NeuralReader.load(model_copy)


@pytest.fixture(scope="module")
def reader() -> NeuralReader:
    return NeuralReader.load()


@pytest.fixture
def service(seed_resources, tmp_path: Path) -> ArticleService:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data", reader="neural")
    return ArticleService(settings, resources_like(seed_resources, settings))


@pytest.mark.slow
def test_neural_reader_answers_and_cites_the_sentence_holding_the_span(
    service, seed_article
) -> None:  # type: ignore[no-untyped-def]
    key = service.load(seed_article).id
    answer = service.ask(key, "Who is the Kremlin spokesman?")
    assert not answer.abstained and answer.short == "Dmitry Peskov"
    assert 4 in [c.sentence for c in answer.citations]
    assert answer.short in seed_article.sentence(4).text
    assert answer.confidence >= service.resources.reader.threshold


@pytest.mark.slow
def test_the_headline_question_is_answered_from_sentence_8(service, seed_article) -> None:  # type: ignore[no-untyped-def]
    key = service.load(seed_article).id
    for question in ("Who ruled out sending troops?", "who ruled out sending troops"):
        answer = service.ask(key, question)
        assert not answer.abstained, question
        assert 8 in [c.sentence for c in answer.citations]
        assert answer.short in seed_article.sentence(8).text


@pytest.mark.slow
def test_answers_carry_the_decision_s_probability(service, seed_article) -> None:  # type: ignore[no-untyped-def]
    key = service.load(seed_article).id
    decision = service.resources.reader.decision
    answer = service.ask(key, "Who is the Kremlin spokesman?")
    assert 0.0 < answer.confidence <= 1.0
    assert answer.is_low_confidence == (answer.confidence < decision.low_mark)
    assert set(answer.features) == set(FEATURES)
    refused = service.ask(key, "How many troops has France sent to Ukraine?")
    assert refused.confidence < decision.threshold


def test_without_a_decision_the_reader_answers_everything(model_copy: Path) -> None:
    (model_copy / DECISION_FILE).unlink()
    reader = NeuralReader.load(model_copy, decide=False)
    assert reader.decision is None and reader.threshold == 0.0


@pytest.mark.slow
def test_neural_reader_abstains_showing_the_closest_sentences(service, seed_article) -> None:  # type: ignore[no-untyped-def]
    key = service.load(seed_article).id
    answer = service.ask(key, "How many troops has France sent to Ukraine?")
    assert answer.abstained and answer.text == "The article doesn't say."
    assert answer.citations == [] and len(answer.closest) == 3
    assert answer.guess  # its best span is kept for the eval's trade-off curve


# A decision fitted on news-fit too learned that a question's words missing from the article
# mean little (news-fit's questions are paraphrased) and answered the first of these "Peskov"
# at 54 % (issue 28's notes): any refit must keep off-topic questions refused.
OFF_TOPIC = ("Who won the football match?", "What is the capital of Australia?",
             "When did the company release its new phone?")  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("question", OFF_TOPIC)
def test_a_question_about_something_else_is_refused(service, seed_article, question) -> None:  # type: ignore[no-untyped-def]
    answer = service.ask(service.load(seed_article).id, question)
    assert answer.abstained and answer.confidence < service.resources.reader.threshold


@pytest.mark.slow
def test_every_citation_is_the_article_s_own_sentence(service, seed_article) -> None:  # type: ignore[no-untyped-def]
    key = service.load(seed_article).id
    for question in ("What did Peskov tell reporters?", "Where did Macron speak?",
                     "Who is Dmitry Peskov?"):  # fmt: skip
        answer = service.ask(key, question)
        for c in answer.citations:
            assert seed_article.text[c.start : c.end] == c.text
        if not answer.abstained:
            cited = " ".join(c.text for c in answer.citations)
            assert answer.short in cited


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Macron spoke in Paris on Monday.", "Where did Macron speak?"),
        ("The mayor, " + "who spoke at length, " * 1000 + "left early.", "Who left early?"),
        ("Macron spoke in Paris on Monday. He ruled nothing out.", "Who " + "spoke " * 165),
        ("Macron spoke in Paris on Monday. He ruled nothing out.", "¿Quién habló en París?"),
        ("Macron spoke in Paris on Monday. He ruled nothing out.", "誰がパリで話しましたか"),
    ],
    ids=["one-sentence", "20000-char-sentence", "1000-char-question", "spanish", "japanese"],
)
def test_odd_input_is_answered_or_abstained_never_a_crash(service, text, question) -> None:  # type: ignore[no-untyped-def]
    article = article_from_text(text)
    key = service.load(article).id
    answer = service.ask(key, question)
    said_english = answer.kind == "other_language" and "I read and answer in English" in answer.text
    assert answer.abstained or answer.citations or said_english
    for c in answer.citations:
        assert article.text[c.start : c.end] == c.text
    if answer.abstained:
        assert answer.text == "The article doesn't say." and answer.closest


@pytest.mark.slow
def test_one_sentence_article_answers_from_its_only_sentence(service) -> None:  # type: ignore[no-untyped-def]
    article = article_from_text("Macron spoke in Paris on Monday.")
    answer = service.ask(service.load(article).id, "Where did Macron speak?")
    assert answer.short == "Paris" and [c.sentence for c in answer.citations] == [1]


def ask_cli_with(model: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """`rag ask` on the seed question with the neural reader in ``model``; exits 1, no trace."""
    from typer.testing import CliRunner

    from rag.cli import app
    from tests.conftest import SEED_ARTICLE

    monkeypatch.setenv("RAG_READER", "neural")
    monkeypatch.setenv("RAG_READER_MODEL", str(model))
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(app, ["ask", str(SEED_ARTICLE), "Who ruled out sending troops?"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    return result


@pytest.mark.slow
def test_cli_says_which_command_rebuilds_a_mismatched_model(
    model_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    card = json.loads((model_copy / CARD_FILE).read_text())
    card["settings"]["lead_words"] = 2
    (model_copy / CARD_FILE).write_text(json.dumps(card))
    result = ask_cli_with(model_copy, monkeypatch, tmp_path)
    assert f"built for other settings than this code uses. {REBUILD}" in result.output


@pytest.mark.slow
def test_cli_says_which_command_rebuilds_a_missing_decision(
    model_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (model_copy / DECISION_FILE).unlink()
    result = ask_cli_with(model_copy, monkeypatch, tmp_path)
    assert (
        f"The reader's decision file {model_copy / DECISION_FILE} is missing. Rebuild it with "
        "`make train-reader` (or `python -m train.fit_decision` for this model)."
    ) in " ".join(result.output.split())
