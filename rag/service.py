"""The articles one app process has loaded, shared by its sessions, and asking about them.

    service = ArticleService(settings)
    loaded = service.load_source("https://…" or pasted text)   # indexes once per text
    answer = service.ask(loaded.id, "Who ruled out sending troops?")

Sessions keep their own Article (in gr.State) and history; the service only caches what is
expensive and identical for equal texts (the index and the chain), keyed by the article's
content hash. So two people who load different texts can never see each other's sentences,
and two who load the same text share one index.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from rag.article import article_from_text, load_path, load_url
from rag.chain import Resources, ask, build_chain
from rag.config import Settings
from rag.errors import ArticleError, BackendUnavailable
from rag.index import ArticleIndex, Progress
from rag.types import Answer, Article

log = logging.getLogger(__name__)

ID_CHARS = 16  # of the sha256: article ids the API hands out


@dataclass(frozen=True, slots=True)
class LoadedArticle:
    id: str  # first ID_CHARS hex digits of article.sha256
    article: Article
    chain: Runnable[str, Answer]
    index: ArticleIndex
    seconds: float  # time to load the index (embedding included when it was new)


def article_id(article: Article) -> str:
    return article.sha256[:ID_CHARS]


def looks_like_url(text: str) -> bool:
    """One token with a scheme: the API's "text or URL" input is read as a URL."""
    stripped = text.strip()
    return "://" in stripped and not any(ch.isspace() for ch in stripped)


class ArticleService:
    """Indexes and chains of loaded articles (least recently used dropped past ``capacity``)."""

    def __init__(
        self, settings: Settings, resources: Resources | None = None, capacity: int = 64
    ) -> None:
        self.settings = settings
        self.resources = resources or Resources(settings)
        self.capacity = capacity
        self._loaded: OrderedDict[str, LoadedArticle] = OrderedDict()
        self._lock = threading.Lock()  # guards _loaded
        self._indexing = threading.Lock()  # one embedding job at a time: 2 cores
        self._answering = threading.Lock()  # spaCy and the chain's memo are not thread-safe
        self._models: dict[str, Any] | None = None  # configured LLM backends, made once

    def warm_up(self) -> None:
        """Load the models now, not on the first user's question."""
        with self._indexing:
            _ = self.resources.embedder, self.resources.nlp, self.resources.client
            _ = self.resources.reader

    def available_backends(self) -> list[str]:
        """The answerers installed and configured here; extractive needs nothing and is first."""
        return ["extractive", *self._configured()]

    def missing_backends(self) -> dict[str, str]:
        """Optional answerers this set-up left out, with the command that installs each."""
        from rag.llm import LOCAL_INSTALL, local_installed

        return {} if local_installed() else {"local": LOCAL_INSTALL}

    def _configured(self) -> dict[str, Any]:
        if self._models is None:
            from rag.llm import configured_models

            self._models = configured_models(self.settings)
        return self._models

    def chat_model(self, backend: str) -> Any:
        """The backend's chat model; BackendUnavailable (naming the fix) when it has none."""
        models = self._configured()
        if backend not in models:
            from rag.llm import make_chat_model

            models[backend] = make_chat_model(backend, self.settings)  # raises with the fix
        return models[backend]

    def load(self, article: Article, on_progress: Progress | None = None) -> LoadedArticle:
        """The loaded article, indexing it first when this process has not yet."""
        key = article_id(article)
        with self._lock:
            if key in self._loaded:
                self._loaded.move_to_end(key)
                return self._loaded[key]
        started = time.perf_counter()
        with self._indexing:
            index = self.resources.index(article, on_progress=on_progress)
            chain = build_chain(index, self.resources)
        loaded = LoadedArticle(key, article, chain, index, time.perf_counter() - started)
        with self._lock:
            self._loaded[key] = loaded
            while len(self._loaded) > self.capacity:
                self._loaded.popitem(last=False)
        log.info("loaded %s (%d sentences) in %.2f s", key, len(article.sentences), loaded.seconds)
        return loaded

    def load_text(
        self, text: str, source: str = "<pasted text>", on_progress: Progress | None = None
    ) -> LoadedArticle:
        article = article_from_text(text, source=source, max_chars=self.settings.max_article_chars)
        return self.load(article, on_progress)

    def load_url(self, url: str, on_progress: Progress | None = None) -> LoadedArticle:
        return self.load(load_url(url.strip(), self.settings), on_progress)

    def load_file(
        self,
        path: Path,
        on_progress: Progress | None = None,
        *,
        label: str | None = None,
        max_bytes: int | None = None,
    ) -> LoadedArticle:
        article = load_path(path, self.settings, label=label, max_bytes=max_bytes)
        return self.load(article, on_progress)

    def load_source(self, text_or_url: str, on_progress: Progress | None = None) -> LoadedArticle:
        """An http(s) URL is fetched (through the address guard); anything else is text."""
        if looks_like_url(text_or_url):
            return self.load_url(text_or_url, on_progress)
        return self.load_text(text_or_url, on_progress=on_progress)

    def get(self, key: str) -> LoadedArticle:
        with self._lock:
            if key in self._loaded:
                return self._loaded[key]
        raise ArticleError(
            f"No article with id {key!r} is loaded. Load it first (the /load_article endpoint)."
        )

    def stream(
        self,
        key: str,
        question: str,
        history: Sequence[dict[str, Any]] | None = None,
        backend: str = "extractive",
    ) -> Iterator[str | Answer]:
        """The answer's text as an LLM writes it (str), then the checked Answer.

        ``history`` (earlier {"role", "content"} turns) resolves follow-up questions.
        """
        from rag.chain import check_question
        from rag.followup import resolve_followup, rewrite_with_model

        loaded = self.get(key)
        asked = check_question(question)
        if backend == "extractive":
            with self._answering:
                resolved = resolve_followup(asked, history or [], self.resources.nlp)
            yield _noted(self._ask_extractive(loaded, resolved), asked, resolved)
            return
        from rag.generate import LlmAnswerer

        model = self.chat_model(backend)
        resolved = rewrite_with_model(asked, history or [], model, self.settings)
        answerer = LlmAnswerer(
            loaded.index,
            self.resources,
            model,
            backend=backend,
            fallback=RunnableLambda(lambda q: self._ask_extractive(loaded, q)),
        )
        final: Answer | None = None
        for part in answerer.stream(resolved):
            if isinstance(part, Answer):
                final = part
            else:
                yield part
        if final is None:
            raise BackendUnavailable(f"The {backend} backend returned nothing.")
        yield _noted(final, asked, resolved)

    def _ask_extractive(self, loaded: LoadedArticle, question: str) -> Answer:
        with self._answering:
            return ask(loaded.chain, question)

    def ask(
        self,
        key: str,
        question: str,
        history: Sequence[dict[str, Any]] | None = None,
        backend: str = "extractive",
    ) -> Answer:
        """Answer ``question`` about the loaded article ``key`` with ``backend``."""
        *_, last = self.stream(key, question, history, backend)
        assert isinstance(last, Answer)
        return last


def _noted(answer: Answer, asked: str, resolved: str) -> Answer:
    if resolved != asked:
        understood = f"Understood as: {resolved}"
        answer.note = f"{understood} {answer.note}".strip()
    return answer
