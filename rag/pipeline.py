"""The pipeline every caller uses: Resources, the question check, one retriever, the chain.

    resources = Resources(settings)            # models and Chroma, loaded on first use
    index = resources.index(article)           # rag/index: embeds only if the article is new
    retriever = make_retriever(index, resources)                  # rag/retrieve
    answer = ask(build_chain(index, resources, retriever), "Who ruled out sending troops?")

The chain reads with the reader settings choose (rag/read); an LLM answerer
(rag/generate) reads the same retriever's passages. The web chat, the CLI, the API and the
eval harness all go through rag/service.py, which calls these.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda

from rag.config import PACKAGED, Settings
from rag.errors import QuestionError, RagError
from rag.index.collection import ArticleIndex, Progress, build_index, make_chroma_client
from rag.index.store import ArticleStore
from rag.models import load_embedder, load_nlp
from rag.read.base import Reader, make_reader
from rag.retrieve.hybrid import HybridRetriever, document_to_passage
from rag.types import Answer, Article

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from langchain_core.embeddings import Embeddings
    from spacy.language import Language

    from rag.asks.intents import IntentClassifier


log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 1000


class Resources:
    """The models and the Chroma client for one Settings, each created on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.notices: list[str] = []  # warnings for the user (a store kept in memory)
        # spaCy pipelines and the parse memo are not thread-safe: one parse at a time. The
        # neural reader's path parses nothing, so its answers run in parallel.
        self.nlp_lock = threading.Lock()

    @cached_property
    def embedder(self) -> Embeddings:
        """sentence-transformers; the packaged model embeds questions through onnxruntime."""
        if self.settings.embedding_model != PACKAGED:
            return load_embedder(self.settings.embedding_model)
        from rag.index.query_embedder import load_packaged_embeddings

        return load_packaged_embeddings(self.settings.models_dir)

    @cached_property
    def nlp(self) -> Language:
        return load_nlp(self.settings.spacy_model)

    @cached_property
    def reader(self) -> Reader:
        """The reader settings choose (rag/read/base.py)."""
        return make_reader(self.settings, load_nlp=lambda: self.nlp, nlp_lock=self.nlp_lock)

    @cached_property
    def intents(self) -> IntentClassifier:
        """What a message asks for: an overview, the people, small talk or a question."""
        from rag.asks.intents import IntentClassifier

        return IntentClassifier.load()

    @cached_property
    def client(self) -> ClientAPI:
        return make_chroma_client(self.settings, self.notices)

    @cached_property
    def store(self) -> ArticleStore:
        """This app's collections in ``client``, bounded to ``store_max_articles``."""
        chroma = self.client.get_settings()
        folder = Path(chroma.persist_directory) if chroma.is_persistent else None
        return ArticleStore(
            self.client, max_articles=self.settings.store_max_articles, chroma_dir=folder
        )

    def load_for_answers(self) -> None:
        """What every answer needs: the question embedder, the reader and the intents, built
        in a thread (onnxruntime builds its sessions without the GIL) while Chroma opens in
        this one. A one-shot `rag ask` on an indexed article: ~0.3 s sooner on 2 cores."""
        failed: list[Exception] = []

        def load_models() -> None:
            try:
                _ = self.embedder, self.reader, self.intents
            except Exception as exc:  # raised in the caller's thread, below
                failed.append(exc)

        models = threading.Thread(target=load_models, name="load-models", daemon=True)
        models.start()
        try:
            _ = self.client, self.store
        finally:
            models.join()
        if failed:
            raise failed[0]

    def index(self, article: Article, on_progress: Progress | None = None) -> ArticleIndex:
        return build_index(
            article,
            settings=self.settings,
            embedder=self.embedder,
            client=self.client,
            on_progress=on_progress,
        )


def check_question(question: str) -> str:
    """The question, stripped; QuestionError when it cannot be answered as given."""
    stripped = " ".join(question.split())
    if not stripped:
        raise QuestionError("The question is empty. Type a question about the article.")
    if len(stripped) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"The question is {len(stripped):,} characters; keep it under {MAX_QUESTION_CHARS:,}."
        )
    if not re.search(r"\w", stripped):
        raise QuestionError("The question has no words. Type a question about the article.")
    return stripped


def make_retriever(index: ArticleIndex, resources: Resources) -> HybridRetriever:
    """The one retriever over ``index`` that every answerer reads from, best first."""
    settings = resources.settings
    return HybridRetriever(
        index=index,
        embedder=resources.embedder,
        # the rules read top_k and a few spare for typed questions (rag/read/rules/extractive.py);
        # the neural reader reads reader_windows, an LLM llm_context_sentences
        k=max(settings.top_k + 5, settings.reader_windows, settings.llm_context_sentences),
        fusion=settings.fusion,
        dense_weight=settings.dense_weight,
        rrf_k=settings.rrf_k,
    )


def build_chain(
    index: ArticleIndex, resources: Resources, retriever: HybridRetriever | None = None
) -> Runnable[str | dict[str, str], Answer]:
    """The runnable the CLI, app and eval use: retrieve then read, timings recorded. Its
    input is the question, or {"question", "query"} to retrieve with another query."""
    retriever = retriever or make_retriever(index, resources)
    reader = resources.reader

    def retrieve(asked: str | dict[str, str], config: RunnableConfig) -> dict[str, Any]:
        started = time.perf_counter()
        # a follow-up is found with the chat's earlier questions: {"question", "query"}
        question = asked if isinstance(asked, str) else asked["question"]
        query = asked if isinstance(asked, str) else asked["query"]
        docs = retriever.invoke(query, config=config)  # config: traced as a child run
        return {"question": question, "docs": docs, "ms": (time.perf_counter() - started) * 1000}

    def answer(inputs: dict[str, Any]) -> Answer:
        started = time.perf_counter()
        passages = [document_to_passage(d, index.article) for d in inputs["docs"]]
        result = reader.answer(inputs["question"], passages, index.article)
        result.retrieved = [p.sentence.idx for p in passages]
        result.timings["retrieve"] = inputs["ms"]
        result.timings["answer"] = (time.perf_counter() - started) * 1000
        return result

    # A plain sequence: RunnableParallel would cost ~8 ms per answer in thread-pool dispatch
    # (seed article, 2 cores: 29-35 ms median through it vs 21-27 ms calling the steps).
    return (RunnableLambda(retrieve) | RunnableLambda(answer)).with_config(run_name="cited_answer")


def ask(
    chain: Runnable[str | dict[str, str], Answer], question: str, query: str | None = None
) -> Answer:
    """Run the chain on a checked question (retrieving with ``query`` when given) and record
    the total latency in ms."""
    started = time.perf_counter()
    checked = check_question(question)
    result = chain.invoke(checked if query is None else {"question": checked, "query": query})
    result.timings["total"] = (time.perf_counter() - started) * 1000
    return result


def final_answer(parts: Iterable[str | Answer]) -> Answer:
    """The Answer that ends a stream of answer parts (an LLM's text so far, then the checked
    Answer); RagError when the stream ends without one."""
    last = deque(parts, maxlen=1)  # consumes the stream, keeps its last part
    if not last or not isinstance(last[0], Answer):
        raise RagError("The answerer stopped before giving an answer.")
    return last[0]
