"""What each web-chat event does, as plain methods over values (tested directly).

Each browser session keeps its own Article in ``gr.State`` and its own history in the
Chatbot; the shared ArticleService only caches indexes by content hash (rag/service.py).
rag/app/layout.py wires these handlers to the page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from rag.app.render import (
    answer_markdown,
    article_html,
    sources_markdown,
    sources_title,
    status_line,
)
from rag.app.suggest import suggest_questions
from rag.errors import QuestionError, RagError
from rag.pipeline import check_question
from rag.service import ArticleService, LoadedArticle
from rag.types import Answer, Article

log = logging.getLogger(__name__)

Messages = list[dict[str, Any]]
PENDING = "Reading the article…"


def message_text(message: dict[str, Any]) -> str:
    """The text of a Chatbot message, whether content is a string or Gradio 6 blocks."""
    content = message.get("content", "")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(b.get("text", "") for b in content if isinstance(b, dict))
    return ""


def plain_history(messages: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """User and answer turns only ({"role", "content"}), without the Sources sections."""
    return [
        {"role": m["role"], "content": message_text(m)}
        for m in messages
        if m.get("role") in ("user", "assistant") and not (m.get("metadata") or {}).get("title")
    ]


def answer_messages(answer: Answer) -> Messages:
    """The answer bubble and, under it, the collapsed Sources (or closest sentences)."""
    shown = answer.closest if answer.abstained else answer.citations
    bubble: Messages = [{"role": "assistant", "content": answer_markdown(answer)}]
    if shown:
        bubble.append(
            {
                "role": "assistant",
                "content": sources_markdown(shown),
                "metadata": {"title": sources_title(answer), "status": "done"},
            }
        )
    return bubble


def highlighted_html(article: Article, answer: Answer) -> str:
    return article_html(article, cited={c.sentence for c in answer.citations})


class ChatApp:
    """What each UI event does, as plain methods over values (no Gradio components)."""

    def __init__(self, service: ArticleService) -> None:
        self.service = service

    # ---- loading ------------------------------------------------------------------
    def shown(self, loaded: LoadedArticle) -> tuple[Article, str, str, Any, Messages]:
        """Outputs after a load: state, panel, status, example chips, a fresh chat."""
        examples = suggest_questions(loaded.article, self.service.resources.nlp)
        chips = gr.Dataset(samples=[[q] for q in examples], visible=bool(examples))
        status = status_line(loaded.article, loaded.seconds)
        return loaded.article, article_html(loaded.article), status, chips, []

    def _load(self, load: Any, progress: gr.Progress) -> tuple[Any, ...]:
        def on_progress(done: int, total: int) -> None:
            progress((done, total), desc="Embedding sentences", unit="sentences")

        try:
            loaded = load(on_progress)
            outputs = self.shown(loaded)
            notices = self.service.resources.notices
            while notices:
                gr.Warning(notices.pop(0))
            if loaded.article.notice:  # also kept in the status line under the article
                gr.Warning(loaded.article.notice)
            return outputs
        except RagError as exc:
            gr.Warning(str(exc))
            return (gr.skip(),) * 5

    def load_pasted(self, text: str, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        return self._load(lambda cb: self.service.load_text(text or "", on_progress=cb), progress)

    def load_url(self, url: str, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        if not (url or "").strip():
            gr.Warning("Enter the article's URL (http:// or https://).")
            return (gr.skip(),) * 5
        return self._load(lambda cb: self.service.load_url(url, on_progress=cb), progress)

    def load_upload(
        self, path: str | None, progress: gr.Progress = gr.Progress()
    ) -> tuple[Any, ...]:
        if not path:
            return (gr.skip(),) * 5
        file = Path(path)
        limit = self.service.settings.max_upload_bytes
        return self._load(
            lambda cb: self.service.load_file(file, cb, label=file.name, max_bytes=limit),
            progress,
        )

    # ---- chatting -----------------------------------------------------------------
    def respond(
        self, question: str, messages: Messages | None, article: Article, backend: str
    ) -> Iterator[tuple[Any, Any, Any]]:
        """Yield (chat, question box, article panel): the pending bubble, then the answer."""
        messages = list(messages or [])
        try:
            asked = check_question(question or "")
        except QuestionError as exc:
            gr.Warning(str(exc))
            yield gr.skip(), gr.skip(), gr.skip()
            return
        history = plain_history(messages)
        messages.append({"role": "user", "content": asked})
        yield [*messages, {"role": "assistant", "content": PENDING}], "", gr.skip()
        answer: Answer | None = None
        try:
            loaded = self.service.load(article)
            for part in self.service.stream(loaded.id, asked, history, backend or "extractive"):
                if isinstance(part, Answer):
                    answer = part
                else:  # an LLM's text so far; the checked answer replaces it at the end
                    streamed = {"role": "assistant", "content": escape(part)}
                    yield [*messages, streamed], "", gr.skip()
        except RagError as exc:
            log.warning("answer failed: %s", exc)
            failed = {"role": "assistant", "content": f"⚠️ {exc}"}
            yield [*messages, failed], question, gr.skip()  # the question stays in the box
            return
        assert answer is not None
        yield [*messages, *answer_messages(answer)], "", highlighted_html(article, answer)

    @staticmethod
    def new_chat(article: Article) -> tuple[Messages, str]:
        """Clear the conversation, keep the article (its highlights cleared too)."""
        return [], article_html(article)

    # ---- API for programs (gradio_client) -------------------------------------------
    def api_load_article(self, text_or_url: str) -> dict[str, Any]:
        """Load an article from its text or an http(s) URL.

        Returns {"article_id", "sentences", "title", "source", "notice"}; pass article_id
        to /ask. "notice" says how a page that is not UTF-8 was decoded ("" when it is).
        """
        try:
            loaded = self.service.load_source(text_or_url or "")
        except RagError as exc:
            raise gr.Error(str(exc)) from None
        article = loaded.article
        return {
            "article_id": loaded.id,
            "sentences": len(article.sentences),
            "title": article.title,
            "source": article.source,
            "notice": article.notice,
        }

    def api_ask(
        self,
        article_id: str,
        question: str,
        history: list[dict[str, Any]] | None = None,
        backend: str = "extractive",
    ) -> dict[str, Any]:
        """Ask a question about a loaded article.

        Returns {"answer", "abstained", "citations": [{"sentence", "start", "end", "text"}],
        "latency_ms", ...}; history is a list of earlier {"role", "content"} turns.
        """
        try:
            answer = self.service.ask(article_id, question, history or [], backend)
        except RagError as exc:
            raise gr.Error(str(exc)) from None
        return answer.to_json()
