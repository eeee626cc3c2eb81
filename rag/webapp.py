"""The web chat: handlers as plain methods (tested directly), then a short gr.Blocks.

Each browser session keeps its own Article in ``gr.State`` and its own history in the
Chatbot; the shared ArticleService only caches indexes by content hash (rag/service.py).

Concurrency (measured with `python -m eval.soak`, 20 people asking at once on 2 cores): an
answer takes ~35 ms of CPU on one core and answers run side by side, ``ANSWER_SLOTS`` at a
time (2 gave p50/p95 518/575 ms, 4 gave 534/638, 8 gave 506/934: more slots only add
contention). Indexing a new article is heavy (seconds of embedding), so 1 at a time, in its
own queue, and a long upload never delays other people's answers. At most 64 events wait in
the queue; past that Gradio tells the user the app is busy.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.events import api as endpoint

from rag.chain import check_question
from rag.errors import QuestionError, RagError
from rag.render import (
    answer_markdown,
    article_html,
    sources_markdown,
    sources_title,
    status_line,
)
from rag.service import ArticleService, LoadedArticle
from rag.suggest import suggest_questions
from rag.types import Answer, Article

log = logging.getLogger(__name__)

Messages = list[dict[str, Any]]
ANSWER_SLOTS = 2  # answers computed at once (see the module docstring)
PENDING = "Reading the article…"
ASSETS = Path(__file__).parent / "assets"


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


def backend_choices(service: Any) -> list[tuple[str, str]]:
    """(label, value) for the Answerer selector: the installed answerers, then each optional
    one this set-up left out, labelled with the command that installs it (choosing it anyway
    answers with that command in the chat).

    >>> class Fake:
    ...     def available_backends(self): return ["extractive"]
    ...     def missing_backends(self): return {"local": "make local"}
    >>> backend_choices(Fake())
    [('extractive', 'extractive'), ('local (not installed: run `make local`)', 'local')]
    """
    choices = [(name, name) for name in service.available_backends()]
    for name, command in service.missing_backends().items():
        choices.append((f"{name} (not installed: run `{command}`)", name))
    return choices


def build_demo(app: ChatApp, start: LoadedArticle) -> gr.Blocks:
    """The page: chat on the left, the article on the right (stacked on phones)."""
    _, first_html, first_status, first_chips, _ = app.shown(start)
    with gr.Blocks(title="Article chatbot") as demo:
        article = gr.State(start.article)
        gr.Markdown(
            "### Ask the article\nEvery answer cites the article's own sentences; "
            "click a **[n]** to see it in the text.",
            elem_id="intro",
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=340):
                chat = gr.Chatbot(
                    label="Chat",
                    elem_id="chat",
                    height=460,
                    layout="bubble",
                    feedback_options=None,
                    buttons=["copy"],
                    placeholder="Ask a question about the article, or pick an example below.",
                )
                with gr.Row():
                    question = gr.Textbox(
                        show_label=False,
                        placeholder="Ask about the article…",
                        elem_id="question",
                        scale=5,
                        max_lines=4,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=72)
                chips = gr.Dataset(
                    components=[question],
                    samples=first_chips.raw_samples,
                    visible=first_chips.visible,
                    label="Examples",
                    elem_id="examples",
                    layout="gallery",
                )
                with gr.Row():
                    backends = backend_choices(app.service)
                    backend = gr.Dropdown(
                        backends,
                        value=backends[0][1],
                        label="Answerer",
                        scale=3,
                        interactive=len(backends) > 1,
                    )
                    clear = gr.Button("New chat", scale=1, min_width=100)
            with gr.Column(scale=4, min_width=320):
                status = gr.Markdown(first_status, elem_id="status")
                panel = gr.HTML(first_html, elem_id="article-panel", padding=False)
                with gr.Accordion("Load another article", open=False, elem_id="loaders"):
                    with gr.Tab("Paste"):
                        pasted = gr.Textbox(lines=6, show_label=False, placeholder="Paste text")
                        paste_btn = gr.Button("Load text")
                    with gr.Tab("Upload"):
                        upload = gr.File(
                            file_types=[".txt", ".md", ".html", ".htm"],
                            type="filepath",
                            label=".txt, .md or .html",
                            elem_id="upload",
                        )
                    with gr.Tab("URL"):
                        url = gr.Textbox(show_label=False, placeholder="https://…")
                        url_btn = gr.Button("Fetch")

        loaded_outputs = [article, panel, status, chips, chat]
        private: dict[str, Any] = {"api_visibility": "private", "concurrency_id": "index"}
        paste_btn.click(app.load_pasted, pasted, loaded_outputs, **private)
        url_btn.click(app.load_url, url, loaded_outputs, **private)
        url.submit(app.load_url, url, loaded_outputs, **private)
        upload.upload(app.load_upload, upload, loaded_outputs, **private)

        asking: dict[str, Any] = {
            "api_visibility": "private",
            "concurrency_id": "answer",
            "concurrency_limit": ANSWER_SLOTS,
        }
        scroll = "() => window.ragScrollToCited && window.ragScrollToCited()"
        for trigger in (send.click, question.submit):
            trigger(
                app.respond, [question, chat, article, backend], [chat, question, panel], **asking
            ).then(None, js=scroll)
        chips.click(lambda sample: sample[0], chips, question, api_visibility="private").then(
            app.respond, [question, chat, article, backend], [chat, question, panel], **asking
        ).then(None, js=scroll)
        clear.click(app.new_chat, article, [chat, panel], api_visibility="private")

        endpoint(app.api_load_article, api_name="load_article", concurrency_id="index")
        endpoint(
            app.api_ask, api_name="ask", concurrency_id="answer", concurrency_limit=ANSWER_SLOTS
        )
    demo.queue(default_concurrency_limit=1, max_size=64)
    blocks: gr.Blocks = demo
    return blocks


def launch_options() -> dict[str, Any]:
    """Theme, CSS and the script for [n] links, passed to ``demo.launch``."""
    return {
        "theme": gr.themes.Soft(),
        "css": (ASSETS / "app.css").read_text("utf-8"),
        "head": f"<script>{(ASSETS / 'app.js').read_text('utf-8')}</script>",
    }
