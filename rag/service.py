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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from rag.article_texts import ArticleTexts
from rag.asks.answerer import AskAnswerer
from rag.config import Settings
from rag.errors import ArticleError, IndexingError
from rag.generate.chat_models import ChatModels
from rag.index.collection import ArticleIndex, Progress, collection_name
from rag.index.store import is_missing_collection
from rag.ingest.article import article_from_text, load_path, load_url, looks_like_url
from rag.pipeline import (
    Resources,
    ask,
    build_chain,
    check_question,
    final_answer,
    make_retriever,
)
from rag.retrieve.hybrid import HybridRetriever
from rag.types import Answer, Article

log = logging.getLogger(__name__)

ID_CHARS = 16  # of the sha256: article ids the API hands out
# Texts of loaded articles kept for re-indexing by id (/ask after the store dropped one):
# the most recent ones up to this many characters in all (~30 MB of Python strings).
TEXT_BUDGET_CHARS = 20_000_000


@dataclass(frozen=True, slots=True)
class LoadedArticle:
    id: str  # first ID_CHARS hex digits of article.sha256
    article: Article
    chain: Runnable[str | dict[str, str], Answer]
    index: ArticleIndex
    retriever: HybridRetriever  # the chain's, which an LLM answerer reads too
    seconds: float  # time to load the index (embedding included when it was new)


def article_id(article: Article) -> str:
    return article.sha256[:ID_CHARS]


class ArticleService:
    """Loaded articles: their indexes and chains in memory (least recently used dropped past
    ``capacity``), their texts (for re-indexing an article the store dropped), and answering.

    Answers run in parallel (the neural reader's path holds no lock; spaCy's parses take
    ``resources.nlp_lock``). Indexing runs one job at a time: embedding fills both cores.
    """

    def __init__(
        self, settings: Settings, resources: Resources | None = None, capacity: int = 64
    ) -> None:
        self.settings = settings
        self.resources = resources or Resources(settings)
        # An index in memory holds a handle to its collection: never more than the store keeps.
        self.capacity = min(capacity, settings.store_max_articles)
        self._loaded: OrderedDict[str, LoadedArticle] = OrderedDict()
        self._texts = ArticleTexts(TEXT_BUDGET_CHARS)
        self._lock = threading.Lock()  # guards _loaded
        self._indexing = threading.Lock()  # one embedding job at a time: 2 cores
        self._later: Article | None = None  # the start article, indexed after the page
        self._start_indexed = threading.Event()  # clear while warm_up_rest indexes it
        self._start_indexed.set()
        self.chat_models = ChatModels(settings)  # the LLM backends, each made once
        self.asks = AskAnswerer(self.resources)

    def warm_up(self) -> None:
        """Load what answering needs now (question embedder, reader, intents, Chroma)."""
        with self._indexing:
            self.resources.load_for_answers()

    def warm_up_rest(self) -> threading.Thread:
        """In a started thread, so the page need not wait: the start article ``load_or_later``
        left (an example's vectors are shipped: no model loads), then spaCy, then torch (the
        document embedder); a load of any article not in memory waits for all of it."""

        def load_the_rest() -> None:
            with self._indexing:  # a load waits for this: no load interleaves, none races
                later, self._later = self._later, None
                try:
                    if later is not None and self._in_memory(article_id(later)) is None:
                        self._index(article_id(later), later, None)
                except Exception as exc:  # asked about, it is indexed again, with the message
                    log.warning("the start article was not indexed: %s", exc)
                finally:
                    self._start_indexed.set()  # a load of the start article goes on now
                _ = self.resources.nlp
                _ = getattr(self.resources.embedder, "documents", None)

        self._start_indexed.clear()
        thread = threading.Thread(target=load_the_rest, name="warm-up", daemon=True)
        try:
            thread.start()
        except BaseException:  # no thread: no load may wait for it
            self._start_indexed.set()
            raise
        return thread

    def load_or_later(self, article: Article) -> LoadedArticle | None:
        """``article`` loaded when that takes no embedding (it is in memory or the store: a
        reopen takes milliseconds); else None, its text kept for ``warm_up_rest`` to index
        after the page is served, and for any question about it to index meanwhile."""
        key = article_id(article)
        if self._in_memory(key) or self.resources.store.exists(
            collection_name(article, self.settings)
        ):
            return self.load(article)
        self._texts.add(key, article)
        self._later = article
        return None

    def load(self, article: Article, on_progress: Progress | None = None) -> LoadedArticle:
        """The loaded article, indexing it first when it is not in memory (embedding it again
        when the store has dropped it)."""
        key = article_id(article)
        self._texts.add(key, article)
        if self._in_memory(key) is None:
            self._start_indexed.wait()  # the start article, indexed first, may be this one
        loaded = self._in_memory(key)
        if loaded is None:
            with self._indexing:
                loaded = self._in_memory(key) or self._index(key, article, on_progress)
        self.resources.store.touch(loaded.index.collection)
        # the same text may come from another file or page, with its own source and notice
        return loaded if loaded.article is article else replace(loaded, article=article)

    def _in_memory(self, key: str) -> LoadedArticle | None:
        with self._lock:
            loaded = self._loaded.get(key)
            if loaded is not None:
                self._loaded.move_to_end(key)
            return loaded

    def _index(self, key: str, article: Article, on_progress: Progress | None) -> LoadedArticle:
        """Index (or reopen) the article, keep it in memory, and bound the store."""
        started = time.perf_counter()
        index = self.resources.index(article, on_progress=on_progress)
        retriever = make_retriever(index, self.resources)
        chain = build_chain(index, self.resources, retriever)
        seconds = time.perf_counter() - started
        loaded = LoadedArticle(key, article, chain, index, retriever, seconds)
        dropped = set(self.resources.store.evict(keep=index.collection))
        with self._lock:
            for gone in [k for k, v in self._loaded.items() if v.index.collection in dropped]:
                del self._loaded[gone]
            self._loaded[key] = loaded
            while len(self._loaded) > self.capacity:
                self._loaded.popitem(last=False)
        log.info("loaded %s (%d sentences) in %.2f s", key, len(article.sentences), loaded.seconds)
        return loaded

    def _reindexed(self, loaded: LoadedArticle) -> LoadedArticle:
        """``loaded`` again after its collection vanished from the store (dropped here past
        the bound, or by another process sharing the server): embedded anew."""
        log.info("collection %s was dropped; indexing %s again", loaded.index.collection, loaded.id)
        with self._lock:
            if self._loaded.get(loaded.id) is loaded:
                del self._loaded[loaded.id]
        return self.load(loaded.article)

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
        """The article loaded as ``key``; re-indexed when only its text is still known."""
        loaded = self._in_memory(key)
        if loaded is not None:
            self.resources.store.touch(loaded.index.collection)
            return loaded
        article = self._texts.get(key)
        if article is not None:
            return self.load(article)
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

        The ask is recognised first (rag/asks): an overview, the people, small talk or another
        language are composed from the article whatever the backend; a question is read by
        the backend, then shaped for its kind. ``history`` (earlier {"role", "content"} turns)
        resolves follow-up questions.
        """
        from rag.followup import noted, resolve_followup, rewrite_with_model

        started = time.perf_counter()
        loaded = self.get(key)
        asked = check_question(question)
        ask = self.asks.recognise(asked, history)
        composed = self.asks.compose(ask, loaded)
        if composed is not None:
            composed.timings["total"] = (time.perf_counter() - started) * 1000
            yield composed
            return
        if backend == "extractive":
            resolved = asked
            if history:
                with self.resources.nlp_lock:
                    resolved = resolve_followup(asked, history, self.resources.nlp)
            resolved = self.asks.tidy(resolved, loaded.index)
            query = self.asks.followup_query(ask, resolved, history)
            read = self._ask_extractive(loaded, resolved, query)
            answer = self.asks.refine(ask, read, loaded, resolved)
            answer.timings["total"] = (time.perf_counter() - started) * 1000
            yield noted(answer, asked, resolved)
            return
        from rag.generate.answerer import LlmAnswerer

        model = self.chat_models.get(backend)
        if not self.resources.store.exists(loaded.index.collection):  # a check costs ~1 ms
            loaded = self._reindexed(loaded)
        resolved = rewrite_with_model(asked, history or [], model, self.settings)
        answerer = LlmAnswerer(
            loaded.index,
            self.resources,
            model,
            retriever=loaded.retriever,
            backend=backend,
            fallback=RunnableLambda(lambda q: self._ask_extractive(loaded, q)),
        )
        for part in answerer.stream(resolved):  # ends with the checked Answer
            if isinstance(part, Answer):
                part = noted(self.asks.refine(ask, part, loaded, resolved), asked, resolved)
            yield part

    def _ask_extractive(
        self, loaded: LoadedArticle, question: str, query: str | None = None
    ) -> Answer:
        try:
            return ask(loaded.chain, question, query)
        except IndexingError as exc:
            if not is_missing_collection(exc):
                raise
        return ask(self._reindexed(loaded).chain, question, query)

    def ask(
        self,
        key: str,
        question: str,
        history: Sequence[dict[str, Any]] | None = None,
        backend: str = "extractive",
    ) -> Answer:
        """Answer ``question`` about the loaded article ``key`` with ``backend``."""
        return final_answer(self.stream(key, question, history, backend))
