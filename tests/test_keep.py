"""The web chat's keeping, called as plain handlers: each answer goes into the browser's saved
value and the export; a reload (``restore``) rebuilds the page from it; the API exports."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from rag.app.chat import ChatApp
from rag.app.render import answer_messages
from rag.app.saved import read_saved, saved_article
from rag.config import Settings
from rag.service import ArticleService
from rag.types import Answer
from tests.conftest import http_server, resources_like

pytestmark = pytest.mark.slow

OTHER = (
    "The Harbour Bridge in Halden Bay will reopen on 14 March, the city council said. "
    "Repairs cost 41 million kroner, engineer Ingrid Solvang told reporters."
)
SKIP = {"__type__": "update"}
BUDGET = 2_000_000


@pytest.fixture(scope="module")
def chat_app(seed_resources) -> ChatApp:  # type: ignore[no-untyped-def]
    return ChatApp(ArticleService(seed_resources.settings, seed_resources))


def ask(app: ChatApp, question: str, chat: list[Any], article: Any, saved: Any) -> tuple[Any, ...]:
    *_, last = app.respond(question, chat, article, "extractive", saved)
    return tuple(last)


def test_each_answer_is_kept_and_a_reload_brings_the_page_back(
    chat_app: ChatApp, seed_article
) -> None:  # type: ignore[no-untyped-def]
    chat, _, _, turns, export = ask(chat_app, "Who ruled out sending troops?", [], seed_article, {})
    chat, _, panel, turns, export = ask(
        chat_app, "How much aid has the U.S. alone given?", chat, seed_article, turns
    )
    saved = saved_article(seed_article, BUDGET)
    kept = read_saved(saved, turns)
    assert kept is not None and [t.question for t in kept.turns] == [
        "Who ruled out sending troops?",
        "How much aid has the U.S. alone given?",
    ]
    assert export.interactive is True
    assert Path(export.value["path"]).read_text("utf-8").count("## ") == 2

    restored = chat_app.restore(saved, turns, seed_article)
    article, restored_panel, status, chips, restored_chat, saved_again, turns_again, _ = restored
    assert article.sha256 == seed_article.sha256
    assert restored_chat == chat  # the same bubbles, Sources and [n] links
    assert restored_panel == panel and 'class="sent cited" id="sent-16"' in panel
    assert status.startswith("**seed-article.txt**") and chips.visible
    assert (saved_again, turns_again) == (saved, turns)


def test_a_pasted_article_comes_back_with_its_chat(chat_app: ChatApp) -> None:
    article, *_, saved, turns, export = chat_app.load_pasted(OTHER)
    assert turns["turns"] == [] and export.interactive is False
    assert saved["text"] == article.text and saved["source"] == "<pasted text>"
    chat, _, _, turns, _ = ask(chat_app, "How much did repairs cost?", [], article, turns)
    restored = chat_app.restore(saved, turns, article)
    assert restored[0].text == article.text and restored[0].source == "<pasted text>"
    assert restored[4] == chat and "41 million kroner" in chat[1]["content"]


def test_new_chat_clears_what_the_browser_keeps(chat_app: ChatApp, seed_article) -> None:  # type: ignore[no-untyped-def]
    ask(chat_app, "Who is Dmitry Peskov?", [], seed_article, {})
    chat, _, cleared, export = chat_app.new_chat(seed_article)
    assert chat == [] and cleared["turns"] == [] and export.interactive is False
    _, _, _, after, _ = ask(chat_app, "Who ruled out sending troops?", [], seed_article, cleared)
    assert len(after["turns"]) == 1


def test_a_saved_value_that_does_not_parse_is_cleared_with_a_notice(
    chat_app: ChatApp, seed_article
) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(UserWarning, match="could not be read"):
        outputs = chat_app.restore({"version": 7, "chat": "from the future"}, {}, seed_article)
    assert outputs[:5] == (SKIP,) * 5  # the page keeps its start article
    assert outputs[5:7] == ({}, {}) and outputs[7].interactive is False
    assert chat_app.restore({}, {}, seed_article) == (SKIP,) * 8  # nothing kept: nothing to do


def test_pasted_text_too_large_to_keep_restores_the_chat_alone(
    seed_resources, seed_article, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path, reader="rules", browser_keep_bytes=10_000)
    app = ChatApp(ArticleService(settings, resources_like(seed_resources, settings)))
    long_text = OTHER + " " + " ".join(f"Ferry {i} sailed at dawn." for i in range(600))
    article, *_, saved, turns, _ = app.load_pasted(long_text)
    chat, _, _, turns, _ = ask(app, "How much did repairs cost?", [], article, turns)
    assert saved["text"] is None
    outputs = app.restore(saved, turns, seed_article)  # the page opened on the seed again
    assert outputs[:2] == (SKIP, SKIP) and outputs[3] == SKIP and outputs[5:7] == (SKIP, SKIP)
    # the conversation is back, exportable, beside the seed article; its [n] link nowhere
    # (which answer it is does not matter here: retrieval over 600 near-identical sentences
    # is approximate, see the closing note of the layout issue)
    answer = Answer.from_json(turns["turns"][0]["answer"])
    assert outputs[4] == [chat[0], *answer_messages(answer, linked=False)]
    assert "cite" not in str(outputs[4])
    assert outputs[2].startswith("**seed-article.txt**")
    assert outputs[2].endswith(
        "⚠️ “The Harbour Bridge in Halden Bay will reopen on 14 March, the city council said.” "
        "is too large to keep in this browser: load it again to ask more about it. "
        "The conversation was kept."
    )
    exported = Path(outputs[7].value["path"]).read_text("utf-8")
    assert exported.startswith("# The Harbour Bridge in Halden Bay will reopen on 14 March")


class Story(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        first, second = OTHER.split(". ", 1)
        body = (
            "<html><head><title>Bridge</title></head><body><nav>Home</nav><article>"
            f"<h1>Bridge</h1><p>{first}.</p><p>{second}</p></article></body></html>"
        )
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def test_a_page_too_large_to_keep_is_fetched_again_on_reload(
    seed_resources, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path, reader="rules", browser_keep_bytes=10_000, allow_loopback_urls=True
    )
    app = ChatApp(ArticleService(settings, resources_like(seed_resources, settings)))
    with http_server(Story) as base:
        article, *_, saved, turns, _ = app.load_url(f"{base}/bridge.html")
        padded = {**saved, "text": None}  # as if too large
        infos: list[str] = []
        original = gr.Info
        gr.Info = infos.append  # type: ignore[assignment]
        try:
            restored = app.restore(padded, turns, article)
        finally:
            gr.Info = original  # type: ignore[assignment]
    assert restored[0].sha256 == article.sha256 and restored[0].title == "Bridge"
    assert infos and "fetched again from its address" in infos[0]


def test_the_api_exports_what_ask_returned(chat_app: ChatApp) -> None:
    loaded = chat_app.api_load_article(OTHER)
    answer = chat_app.api_ask(loaded["article_id"], "How much did repairs cost?")
    markdown = chat_app.api_export_markdown(
        loaded["article_id"], [{"question": "How much did repairs cost?", "answer": answer}]
    )
    assert markdown.startswith("# The Harbour Bridge in Halden Bay will reopen on 14 March")
    assert "## 1. How much did repairs cost?" in markdown
    assert "> [2] Repairs cost 41 million kroner, engineer Ingrid Solvang told reporters." in (
        markdown.splitlines()
    )
    with pytest.raises(gr.Error, match='Each exchange needs "question" and "answer"'):
        chat_app.api_export_markdown(loaded["article_id"], [{"question": "only"}])
