"""The web chat's first questions answered by kind, through the service the app, CLI and API
share, with the shipped models (the neural reader, the intent classifier, spaCy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.asks.intents import IntentClassifier
from rag.config import Settings
from rag.service import ArticleService
from rag.types import NO_ANSWER

from .conftest import resources_like

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def service(seed_resources, tmp_path_factory: pytest.TempPathFactory) -> ArticleService:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path_factory.mktemp("asks-data"))  # the neural default
    return ArticleService(settings, resources_like(seed_resources, settings))


@pytest.fixture(scope="module")
def seed_id(service: ArticleService, seed_article) -> str:  # type: ignore[no-untyped-def]
    return service.load(seed_article).id


@pytest.mark.parametrize(
    "message,intent",
    [
        ("What is this article about?", "overview"),
        ("summarise pls", "overview"),
        ("hi", "chitchat"),
        ("thanks!", "chitchat"),
        ("who's involved?", "people"),
        ("Who ruled out sending troops?", "question"),
        ("What happened to the bridge after the storm?", "question"),
    ],
)
def test_the_shipped_classifier_knows_what_is_asked(
    seed_resources, message: str, intent: str
) -> None:  # type: ignore[no-untyped-def]
    classifier = IntentClassifier.load()
    assert classifier.intent(seed_resources.embedder.embed_query(message)) == intent


def test_an_overview_is_a_cited_list_led_by_the_lead(service: ArticleService, seed_id: str) -> None:
    answer = service.ask(seed_id, "What is this article about?")
    assert answer.kind == "overview" and not answer.abstained
    numbers = [c.sentence for c in answer.citations]
    assert numbers[0] == 1 and 3 <= len(numbers) <= 5 and numbers == sorted(numbers)
    lines = answer.text.splitlines()
    assert len(lines) == len(numbers)
    for line, citation in zip(lines, answer.citations, strict=True):
        assert line == f"- {citation.text} [{citation.sentence}]"  # quoted, not paraphrased


@pytest.mark.parametrize("message", ["hi", "thanks!", "what can you do?"])
def test_small_talk_gets_a_reply_and_two_questions(
    service: ArticleService, seed_id: str, message: str
) -> None:
    answer = service.ask(seed_id, message)
    assert answer.kind == "chitchat" and not answer.abstained
    assert NO_ANSWER not in answer.text
    assert "“What is this article about?”" in answer.text and "“Who is" in answer.text


def test_people_are_named_with_their_roles(service: ArticleService, seed_id: str) -> None:
    answer = service.ask(seed_id, "who's involved?")
    assert answer.kind == "people"
    assert "- Dmitry Peskov, Kremlin spokesman [4]" in answer.text
    assert "- Robert Fico, Slovak Prime Minister [2]" in answer.text
    who = service.ask(seed_id, "Who is Peskov?")
    assert (who.text, who.short) == ("Dmitry Peskov: Kremlin spokesman [4]", "Kremlin spokesman")


def test_a_list_question_gets_every_item(service: ArticleService, seed_id: str) -> None:
    answer = service.ask(seed_id, "Which countries ruled out sending troops?")
    assert answer.kind == "list"
    assert answer.short == "Britain, Germany, Spain and Poland"
    assert [c.sentence for c in answer.citations] == [8]


def test_yes_no_starts_with_the_answer_and_quotes_the_evidence(
    service: ArticleService, seed_id: str
) -> None:
    answer = service.ask(seed_id, "is ukraine even in nato?")
    assert answer.kind == "yes_no"
    assert answer.text.startswith("No. “Ukraine is not currently a NATO member")
    assert [c.sentence for c in answer.citations] == [12]


def test_how_someone_reacted_quotes_where_they_speak(service: ArticleService, seed_id: str) -> None:
    answer = service.ask(seed_id, "How did the Kremlin react to Macron's comments?")
    assert answer.kind == "how" and not answer.abstained
    assert "The Kremlin responded that such a decision would result" in answer.text


def test_who_answered_with_a_group_also_gets_the_names_the_sentence_gives(
    service: ArticleService, seed_id: str
) -> None:
    answer = service.ask(seed_id, "Who ruled out sending troops?")
    assert answer.text == "NATO members, including Britain, Germany, Spain and Poland [8]"
    assert answer.short == "Britain, Germany, Spain and Poland"  # in the cited sentence
    assert [c.sentence for c in answer.citations] == [8]


def test_a_how_question_is_not_answered_with_a_bare_noun(
    service: ArticleService, seed_id: str
) -> None:
    """The reader's span here is "reporters" (whom Peskov told): a noun names no manner."""
    answer = service.ask(seed_id, "How did the Kremlin respond to Macron?")
    assert answer.short != "reporters" and not answer.abstained
    assert answer.text.startswith("“The Kremlin responded that such a decision would result")
    assert [c.sentence for c in answer.citations] == [3]


def test_another_language_gets_one_clear_line(service: ArticleService, seed_id: str) -> None:
    answer = service.ask(seed_id, "Qui a exclu l'envoi de troupes ?")
    assert answer.kind == "other_language" and not answer.abstained
    assert answer.text.startswith("I read and answer in English, and this looks like French.")


def test_a_followup_is_read_where_the_chat_points(service: ArticleService, seed_id: str) -> None:
    first = service.ask(seed_id, "Who is Dmitry Peskov?")
    history = [
        {"role": "user", "content": "Who is Dmitry Peskov?"},
        {"role": "assistant", "content": first.text},
    ]
    answer = service.ask(seed_id, "what did he say next?", history)
    assert answer.note.startswith("Understood as: what did Peskov say next?")
    assert not answer.abstained and {c.sentence for c in answer.citations} & {5, 6}


def test_an_unanswerable_question_is_still_refused(service: ArticleService, seed_id: str) -> None:
    answer = service.ask(seed_id, "What did the Pope say about the troops?")
    assert answer.abstained and answer.text == NO_ANSWER


def test_every_kind_keeps_citations_inside_the_article(
    service: ArticleService, seed_id: str, seed_article
) -> None:  # type: ignore[no-untyped-def]
    for message in ["tl;dr", "who is quoted?", "Which countries ruled out sending troops?",
                    "is ukraine in nato", "hello"]:  # fmt: skip
        for c in service.ask(seed_id, message).citations:
            assert (
                seed_article.text[c.start : c.end]
                == c.text
                == seed_article.sentence(c.sentence).text
            )


def test_one_sentence_article_overview_and_people(service: ArticleService) -> None:
    loaded = service.load_text(
        "The mayor of Avonmouth, Jane Okafor, opened the new harbour bridge on Friday."
    )
    overview = service.ask(loaded.id, "summarize")
    assert [c.sentence for c in overview.citations] == [1]
    people = service.ask(loaded.id, "who is in this story?")
    assert "Jane Okafor" in people.text and people.citations[0].sentence == 1


def test_paths_are_package_data() -> None:
    from rag.asks.intents import shipped_file

    assert (
        shipped_file().is_file()
        and shipped_file().parent == Path(__file__).parents[1] / "rag" / "asks"
    )
