"""What each web-chat event does, as plain methods over values (tested directly).

Each browser session keeps its own Article in ``gr.State``, its chat in the Chatbot, and both
in its own localStorage (rag/app/saved.py), so a reload restores them; the shared
ArticleService only caches indexes by content hash (rag/service.py). Handlers that change
the conversation also return the new saved value and the Markdown export's file.
rag/app/layout.py wires these handlers to the page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from rag.app.export import ExportFolder
from rag.app.render import (
    Messages,
    answer_messages,
    article_html,
    highlighted_html,
    plain_history,
    status_line,
    turn_messages,
)
from rag.app.saved import Kept, read_saved, read_turns, saved_article, saved_turns
from rag.app.suggest import suggest_questions
from rag.errors import ArticleError, QuestionError, RagError
from rag.ingest.article import article_from_text
from rag.pipeline import check_question
from rag.service import ArticleService, LoadedArticle
from rag.transcript import Heading, Turn, transcript_markdown
from rag.types import Answer, Article

log = logging.getLogger(__name__)

PENDING = "Reading the article…"


class ChatApp:
    """What each UI event does, as plain methods over values (no Gradio components)."""

    def __init__(self, service: ArticleService, exports: ExportFolder | None = None) -> None:
        self.service = service
        self.exports = exports or ExportFolder()
        self.keep_bytes = service.settings.browser_keep_bytes

    # ---- what the browser keeps, and the export ---------------------------------------
    def kept(self, article: Article, turns: list[Turn]) -> tuple[dict[str, Any], Any]:
        """(the browser's saved chat, the export button) for ``turns`` about ``article``."""
        saved = saved_turns(article, turns, self.keep_bytes)
        return saved, self.export_button(Heading.of(article), turns)

    def export_button(self, heading: Heading, turns: list[Turn]) -> Any:
        path = self.exports.write(heading, turns) if turns else None
        return gr.DownloadButton(value=path, interactive=bool(turns))

    @staticmethod
    def turns_of(saved: Any, article: Article) -> list[Turn]:
        """The turns kept in ``saved`` about ``article`` ([] for another article or none)."""
        try:
            return read_turns(saved, article.sha256)
        except ValueError:
            return []

    # ---- loading ------------------------------------------------------------------
    def shown(
        self, article: Article, seconds: float | None, turns: list[Turn] | None = None
    ) -> tuple[Any, ...]:
        """Outputs after a load (``seconds`` it took; None: still being indexed): state,
        panel, status, example chips, the chat (fresh, or ``turns`` restored with the last
        answer's sentences highlighted), the browser's saved article and chat, export."""
        turns = turns or []
        examples = suggest_questions(article, lambda: self.service.resources.nlp)
        chips = gr.Dataset(samples=[[q] for q in examples], visible=bool(examples))
        status = status_line(article, seconds)
        messages = turn_messages(turns)
        cited = {c.sentence for c in turns[-1].answer.citations} if turns else set()
        panel = article_html(article, cited)
        kept_article = saved_article(article, self.keep_bytes)
        return article, panel, status, chips, messages, kept_article, *self.kept(article, turns)

    def _load(self, load: Any, progress: gr.Progress) -> tuple[Any, ...]:
        def on_progress(done: int, total: int) -> None:
            progress((done, total), desc="Embedding sentences", unit="sentences")

        try:
            loaded = load(on_progress)
            outputs = self.shown(loaded.article, loaded.seconds)
            notices = self.service.resources.notices
            while notices:
                gr.Warning(notices.pop(0))
            if loaded.article.notice:  # also kept in the status line under the article
                gr.Warning(loaded.article.notice)
            return outputs
        except RagError as exc:
            gr.Warning(str(exc))
            return (gr.skip(),) * 8

    def load_pasted(self, text: str, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        return self._load(lambda cb: self.service.load_text(text or "", on_progress=cb), progress)

    def load_url(self, url: str, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        if not (url or "").strip():
            gr.Warning("Enter the article's URL (http:// or https://).")
            return (gr.skip(),) * 8
        return self._load(lambda cb: self.service.load_url(url, on_progress=cb), progress)

    def load_upload(
        self, path: str | None, progress: gr.Progress = gr.Progress()
    ) -> tuple[Any, ...]:
        if not path:
            return (gr.skip(),) * 8
        file = Path(path)
        limit = self.service.settings.max_upload_bytes
        return self._load(
            lambda cb: self.service.load_file(file, cb, label=file.name, max_bytes=limit),
            progress,
        )

    # ---- chatting -----------------------------------------------------------------
    def respond(
        self,
        question: str,
        messages: Messages | None,
        article: Article,
        backend: str,
        saved: Any = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Yield (chat, question box, article panel, kept chat, export): the pending bubble,
        then the answer, kept with the earlier turns of ``saved`` (the browser's kept chat)."""
        messages = list(messages or [])
        later = gr.skip(), gr.skip()  # saved and export change only with the answer
        try:
            asked = check_question(question or "")
        except QuestionError as exc:
            gr.Warning(str(exc))
            yield gr.skip(), gr.skip(), gr.skip(), *later
            return
        history = plain_history(messages)
        messages.append({"role": "user", "content": asked})
        yield [*messages, {"role": "assistant", "content": PENDING}], "", gr.skip(), *later
        answer: Answer | None = None
        try:
            loaded = self.service.load(article)
            for part in self.service.stream(loaded.id, asked, history, backend or "extractive"):
                if isinstance(part, Answer):
                    answer = part
                else:  # an LLM's text so far; the checked answer replaces it at the end
                    streamed = {"role": "assistant", "content": escape(part)}
                    yield [*messages, streamed], "", gr.skip(), *later
        except RagError as exc:
            log.warning("answer failed: %s", exc)
            failed = {"role": "assistant", "content": f"⚠️ {exc}"}
            yield [*messages, failed], question, gr.skip(), *later  # the question stays
            return
        assert answer is not None
        turns = [*self.turns_of(saved, article), Turn(asked, answer)]
        shown = [*messages, *answer_messages(answer)]
        yield shown, "", highlighted_html(article, answer), *self.kept(article, turns)

    def new_chat(self, article: Article) -> tuple[Any, ...]:
        """Clear the conversation (here and in the browser's keeping), keep the article (its
        highlights cleared too): (chat, panel, saved, export)."""
        return [], article_html(article), *self.kept(article, [])

    # ---- a reload: the browser's saved chat back on the page ----------------------------
    def restore(self, saved: Any, chat: Any, shown: Article) -> tuple[Any, ...]:
        """Outputs as after a load, rebuilt from what this browser kept (``saved`` article,
        ``chat`` turns); all skipped (the page keeps ``shown``, its start article) when it
        kept nothing or nothing usable."""
        skip = (gr.skip(),) * 8
        try:
            kept = read_saved(saved, chat)
        except ValueError as exc:
            gr.Warning(str(exc))
            return (*skip[:5], {}, {}, gr.DownloadButton(value=None, interactive=False))
        if kept is None:  # no article loaded here: the chat, if any, is about the start article
            turns = self.turns_of(chat, shown)
            return self.shown(shown, self.service.load(shown).seconds, turns) if turns else skip
        try:
            loaded = self._reopen(kept)
        except RagError as exc:
            gr.Warning(f"The article this browser kept could not be opened again: {exc}")
            return skip
        if loaded is not None:
            if kept.notice:
                gr.Info(kept.notice)
            return self.shown(loaded.article, loaded.seconds, kept.turns)
        # too large to keep, and not at an address: the chat alone, beside the start article
        start = self.service.load(shown)
        status = f"{status_line(shown, start.seconds)}  \n⚠️ {escape(kept.notice)}"
        heading = Heading(kept.article.name or kept.article.title, kept.article.source)
        export = self.export_button(heading, kept.turns)
        return (
            *skip[:2],
            status,
            skip[3],
            turn_messages(kept.turns, linked=False),
            *skip[5:7],
            export,
        )

    def _reopen(self, kept: Kept) -> LoadedArticle | None:
        saved = kept.article
        if saved.text is not None:
            limit = self.service.settings.max_article_chars
            article = article_from_text(saved.text, source=saved.source, max_chars=limit)
            if article.sha256 != saved.sha256:
                raise ArticleError("its text no longer matches the one the answers cited")
            return self.service.load(replace(article, title=saved.title))
        if "://" in saved.source:
            return self.service.load_url(saved.source)
        return None

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

    def api_export_markdown(self, article_id: str, exchanges: list[dict[str, Any]]) -> str:
        """The conversation as Markdown: the article's title and source, then each question,
        its answer and the cited sentences quoted with their numbers.

        exchanges: [{"question": "…", "answer": <what /ask returned>}, …], in order.
        """
        try:
            loaded = self.service.get(article_id)
        except RagError as exc:
            raise gr.Error(str(exc)) from None
        try:
            turns = [Turn(str(e["question"]), Answer.from_json(e["answer"])) for e in exchanges]
        except (KeyError, TypeError, ValueError):
            raise gr.Error(
                'Each exchange needs "question" and "answer" (the answer as /ask returned it).'
            ) from None
        return transcript_markdown(Heading.of(loaded.article), turns)
