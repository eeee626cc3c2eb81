"""The web chat's page: chat on the left, the article on the right (stacked on phones).

Concurrency (measured with `python -m bench.soak`, 20 people asking at once on 2 cores): an
answer takes ~35 ms of CPU on one core and answers run side by side, ``ANSWER_SLOTS`` at a
time (2 gave p50/p95 518/575 ms, 4 gave 534/638, 8 gave 506/934: more slots only add
contention). Indexing a new article is heavy (seconds of embedding), so 1 at a time, in its
own queue, and a long upload never delays other people's answers. At most 64 events wait in
the queue; past that Gradio tells the user the app is busy.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import gradio as gr
from gradio.events import api as endpoint

from rag.app.chat import ChatApp
from rag.app.saved import ARTICLE_KEY, CHAT_KEY, browser_secret
from rag.generate.chat_models import ChatModels
from rag.types import Article

ANSWER_SLOTS = 2  # answers computed at once (see the module docstring)


def backend_choices(models: ChatModels) -> list[tuple[str, str]]:
    """(label, value) for the Answerer selector: the installed answerers, then each optional
    one this set-up left out, labelled with the command that installs it (choosing it anyway
    answers with that command in the chat).

    >>> class Fake:
    ...     def available(self): return ["extractive"]
    ...     def missing(self): return {"local": "make local"}
    >>> backend_choices(Fake())  # type: ignore[arg-type]
    [('extractive', 'extractive'), ('local (not installed: run `make local`)', 'local')]
    """
    choices = [(name, name) for name in models.available()]
    for name, command in models.missing().items():
        choices.append((f"{name} (not installed: run `{command}`)", name))
    return choices


def build_demo(app: ChatApp, start: Article, seconds: float | None) -> gr.Blocks:
    """The page: chat on the left, the article on the right (stacked on phones); ``start``
    took ``seconds`` to load (None: it is indexed once the page is served)."""
    _, first_html, first_status, first_chips, *_ = app.shown(start, seconds)
    secret = browser_secret(app.service.settings.data_dir)
    with gr.Blocks(title="Article chatbot") as demo:
        article = gr.State(start)
        # this browser's article and chat, kept in its localStorage (rag/app/saved.py)
        saved = gr.BrowserState({}, storage_key=ARTICLE_KEY, secret=secret)
        kept_chat = gr.BrowserState({}, storage_key=CHAT_KEY, secret=secret)
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
                    backends = backend_choices(app.service.chat_models)
                    backend = gr.Dropdown(
                        backends,
                        value=backends[0][1],
                        label="Answerer",
                        scale=3,
                        interactive=len(backends) > 1,
                    )
                    clear = gr.Button("New chat", scale=1, min_width=100)
                    export = gr.DownloadButton(
                        "Export (.md)",
                        value=None,
                        interactive=False,
                        scale=1,
                        min_width=100,
                        elem_id="export",
                    )
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

        loaded_outputs = [article, panel, status, chips, chat, saved, kept_chat, export]
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
        asked = [question, chat, article, backend, kept_chat]
        answered = [chat, question, panel, kept_chat, export]
        for trigger in (send.click, question.submit):
            trigger(app.respond, asked, answered, **asking).then(None, js=scroll)
        chips.click(lambda sample: sample[0], chips, question, api_visibility="private").then(
            app.respond, asked, answered, **asking
        ).then(None, js=scroll)
        cleared = [chat, panel, kept_chat, export]
        clear.click(app.new_chat, article, cleared, api_visibility="private")
        chat.clear(app.new_chat, article, cleared, api_visibility="private")  # its bin icon
        reload = app.restore, [saved, kept_chat, article], loaded_outputs
        demo.load(*reload, **private).then(None, js=scroll)

        endpoint(app.api_load_article, api_name="load_article", concurrency_id="index")
        endpoint(
            app.api_ask, api_name="ask", concurrency_id="answer", concurrency_limit=ANSWER_SLOTS
        )
        endpoint(app.api_export_markdown, api_name="export_markdown", concurrency_limit=None)
    demo.queue(default_concurrency_limit=1, max_size=64)
    blocks: gr.Blocks = demo
    return blocks


def launch_options() -> dict[str, Any]:
    """Theme, CSS and the script for [n] links, passed to ``demo.launch``."""
    assets = resources.files("rag.app") / "assets"
    return {
        "theme": gr.themes.Soft(),
        "css": (assets / "app.css").read_text("utf-8"),
        "head": f"<script>{(assets / 'app.js').read_text('utf-8')}</script>",
    }
