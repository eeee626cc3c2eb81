"""The web chat's handlers, called directly as plain functions (no browser, no server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.app.chat import PENDING, ChatApp, plain_history
from rag.ingest.article import looks_like_url
from rag.service import ArticleService

pytestmark = pytest.mark.slow

OTHER = (
    "The Harbour Bridge in Halden Bay will reopen on 14 March, the city council said. "
    "Repairs cost 41 million kroner, engineer Ingrid Solvang told reporters."
)


@pytest.fixture(scope="module")
def service(seed_resources):  # type: ignore[no-untyped-def]
    return ArticleService(seed_resources.settings, seed_resources)


@pytest.fixture(scope="module")
def chat_app(service: ArticleService) -> ChatApp:
    return ChatApp(service)


def test_respond_shows_pending_then_the_cited_answer_and_highlights_it(
    chat_app: ChatApp, seed_article
) -> None:  # type: ignore[no-untyped-def]
    steps = list(chat_app.respond("Who ruled out sending troops?", [], seed_article, "extractive"))
    assert len(steps) == 2
    pending, box, *_ = steps[0]
    assert pending[-1] == {"role": "assistant", "content": PENDING}
    assert box == ""
    chat, box, panel, *_ = steps[1]
    assert chat[0] == {"role": "user", "content": "Who ruled out sending troops?"}
    assert chat[1]["content"].startswith("Britain, Germany, Spain and Poland")
    assert 'href="#sent-8"' in chat[1]["content"]
    assert chat[2]["metadata"]["title"] == "Sources (1)"
    assert "including Britain, Germany, Spain and Poland" in chat[2]["content"]
    assert 'class="sent cited" id="sent-8"' in panel
    assert panel.count("sent cited") == 1


def test_abstention_says_so_and_offers_the_closest_sentences(
    chat_app: ChatApp, seed_article
) -> None:  # type: ignore[no-untyped-def]
    *_, (chat, _, panel, *_) = chat_app.respond(
        "What is the capital of Australia?", [], seed_article, "extractive"
    )
    assert chat[1]["content"] == "The article doesn't say."
    assert chat[2]["metadata"]["title"].startswith("Closest sentences")
    assert "sent cited" not in panel


def test_an_empty_question_warns_and_changes_nothing(chat_app: ChatApp, seed_article) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(UserWarning, match="The question is empty"):
        steps = list(
            chat_app.respond("   ", [{"role": "user", "content": "hi"}], seed_article, "extractive")
        )
    assert steps == [({"__type__": "update"},) * 5]


def test_history_passes_on_turns_without_the_sources_sections() -> None:
    messages = [
        {"role": "user", "content": [{"type": "text", "text": "Who is Peskov?"}]},
        {"role": "assistant", "content": "Kremlin spokesman [5]"},
        {"role": "assistant", "content": "[5] …", "metadata": {"title": "Sources (1)"}},
    ]
    assert plain_history(messages) == [
        {"role": "user", "content": "Who is Peskov?"},
        {"role": "assistant", "content": "Kremlin spokesman [5]"},
    ]


def test_pasting_an_article_replaces_the_panel_and_clears_the_chat(chat_app: ChatApp) -> None:
    article, panel, status, chips, chat, *_ = chat_app.load_pasted(OTHER)
    assert article.text.startswith("The Harbour Bridge")
    assert 'id="sent-2"' in panel and "Halden Bay" in panel
    assert status.startswith("**Pasted text** · 2 sentences")
    assert chat == []
    assert chips.visible is True and ["Who is Ingrid Solvang?"] in chips.raw_samples
    *_, (answer_chat, *_) = chat_app.respond(
        "How much did repairs cost?", [], article, "extractive"
    )
    assert "41 million kroner" in answer_chat[1]["content"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "photo.txt", "photo.txt is a PNG image, not text"),
        (b"No comments:\nPost a Comment\n", "empty.txt", "Only boilerplate found"),
    ],
)
def test_a_bad_upload_warns_and_keeps_the_current_article(
    chat_app: ChatApp, tmp_path: Path, content: bytes, name: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.warns(UserWarning, match=message):
        outputs = chat_app.load_upload(str(path))
    assert outputs == ({"__type__": "update"},) * 8  # nothing replaced


def test_an_oversized_upload_is_refused_before_reading(chat_app: ChatApp, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * 1_200_000)  # 6 MB
    with pytest.warns(UserWarning, match=r"huge\.txt is 6\.0 MB; the limit is 5 MB"):
        assert chat_app.load_upload(str(path)) == ({"__type__": "update"},) * 8


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the article's URL"),
        ("ftp://example.com/story", "http"),
        ("http://169.254.169.254/latest/meta-data", "a cloud metadata address"),
    ],
)
def test_a_refused_url_warns_without_connecting(chat_app: ChatApp, url: str, message: str) -> None:
    with pytest.warns(UserWarning, match=message):
        assert chat_app.load_url(url) == ({"__type__": "update"},) * 8


def test_new_chat_clears_messages_and_highlights_but_keeps_the_article(
    chat_app: ChatApp, seed_article
) -> None:  # type: ignore[no-untyped-def]
    chat, panel, *_ = chat_app.new_chat(seed_article)
    assert chat == []
    assert "sent cited" not in panel and 'id="sent-16"' in panel


def test_api_round_trip_and_an_unknown_id(chat_app: ChatApp) -> None:
    import gradio as gr

    loaded = chat_app.api_load_article(OTHER)
    assert loaded["sentences"] == 2 and len(loaded["article_id"]) == 16
    reply = chat_app.api_ask(loaded["article_id"], "When will the bridge reopen?")
    assert reply["answer"].startswith("14 March") and reply["abstained"] is False
    assert reply["citations"][0]["sentence"] == 1
    assert reply["citations"][0]["start"] == 0
    with pytest.raises(gr.Error, match="No article with id 'nope' is loaded"):
        chat_app.api_ask("nope", "Who?")
    with pytest.raises(gr.Error, match="The article is empty"):
        chat_app.api_load_article("  ")


def test_text_or_url_is_read_as_a_url_only_when_it_is_one_token() -> None:
    assert looks_like_url(" https://example.com/a ")
    assert not looks_like_url("See https://example.com for more. It rained.")
    assert not looks_like_url("Plain text.")
