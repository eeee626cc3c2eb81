"""One chain for every caller: question -> HybridRetriever -> extractive answerer -> Answer.

    resources = Resources(settings)            # models and Chroma, loaded on first use
    index = resources.index(article)           # embeds only if the article is new
    answer = build_chain(index, resources).invoke("Who ruled out sending troops?")

The CLI, the app and the eval harness all call ``ask`` (or the chain it builds).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda

from rag.config import PACKAGED, Settings
from rag.errors import QuestionError
from rag.extractive import answer_question
from rag.index import ArticleIndex, Progress, build_index, make_chroma_client
from rag.models import load_embedder, load_nlp
from rag.reader.model import Reader
from rag.reader.neural import NeuralReader
from rag.retrieve import HybridRetriever, document_to_passage
from rag.store import ArticleStore
from rag.types import Answer, Article, Passage

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from langchain_core.embeddings import Embeddings
    from spacy.language import Language
    from spacy.tokens import Doc


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
        from rag.query_embedder import load_packaged_embeddings

        return load_packaged_embeddings(self.settings.models_dir)

    @cached_property
    def nlp(self) -> Language:
        return load_nlp(self.settings.spacy_model)

    @cached_property
    def reader(self) -> Reader | NeuralReader | None:
        """The trained reader settings choose, or None for the rules."""
        if self.settings.reader == "neural":
            return NeuralReader.load(
                self.settings.reader_model,
                threshold=self.settings.reader_threshold,
                threads=self.settings.reader_threads,
            )
        if self.settings.reader == "learned":
            return Reader.load(self.settings.reader_model)
        return None

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


class SentenceDocs:
    """Memoised ``sentence number -> spaCy Doc`` for one article, parsed on demand.

    ``prefetch`` parses the sentences a question will read in one ``nlp.pipe`` batch:
    5 ms a sentence piped against 9 ms one by one (seed article, 2 cores). Parsing every
    sentence at indexing time instead would add ~80 ms to the seed's index and seconds to
    an 800-sentence article's; on demand, only the first questions pay.
    """

    def __init__(self, index: ArticleIndex, nlp: Language) -> None:
        self.article = index.article
        self.nlp = nlp
        self.docs: dict[int, Doc] = index.cache.setdefault("docs", {})

    def prefetch(self, numbers: Iterable[int]) -> None:
        wanted = sorted({n for n in numbers if 1 <= n <= len(self.article.sentences)})
        missing = [n for n in wanted if n not in self.docs]
        texts = [self.article.sentence(n).text for n in missing]
        for n, doc in zip(missing, self.nlp.pipe(texts), strict=True):
            self.docs[n] = doc

    def __call__(self, number: int) -> Doc:
        if number not in self.docs:
            self.docs[number] = self.nlp(self.article.sentence(number).text)
        return self.docs[number]


def build_chain(index: ArticleIndex, resources: Resources) -> Runnable[str, Answer]:
    """The runnable the CLI, app and eval use: retrieve then answer, timings recorded."""
    settings = resources.settings
    retriever = HybridRetriever(
        index=index,
        embedder=resources.embedder,
        # a few spare for typed questions (rag/extractive.py); all the neural reader's windows
        k=max(settings.top_k + 5, settings.reader_windows),
        fusion=settings.fusion,
        dense_weight=settings.dense_weight,
        rrf_k=settings.rrf_k,
    )
    reader = resources.reader

    def retrieve(question: str, config: RunnableConfig) -> dict[str, Any]:
        started = time.perf_counter()
        docs = retriever.invoke(question, config=config)  # config: traced as a child run
        return {"question": question, "docs": docs, "ms": (time.perf_counter() - started) * 1000}

    def answer(inputs: dict[str, Any]) -> Answer:
        started = time.perf_counter()
        passages = [document_to_passage(d, index.article) for d in inputs["docs"]]
        if isinstance(reader, NeuralReader):  # reads no parse: spaCy stays off its path
            result = reader.answer(
                inputs["question"], passages, index.article, top_k=settings.reader_windows
            )
        else:
            result = _parsed_answer(inputs["question"], passages, index, resources)
        result.retrieved = [p.sentence.idx for p in passages]
        result.timings["retrieve"] = inputs["ms"]
        result.timings["answer"] = (time.perf_counter() - started) * 1000
        return result

    # A plain sequence: RunnableParallel would cost ~8 ms per answer in thread-pool dispatch
    # (seed article, 2 cores: 29-35 ms median through it vs 21-27 ms calling the steps).
    return (RunnableLambda(retrieve) | RunnableLambda(answer)).with_config(run_name="cited_answer")


def _parsed_answer(
    question: str, passages: list[Passage], index: ArticleIndex, resources: Resources
) -> Answer:
    """The rules' or the GBM reader's answer: both read spaCy parses of the question and of
    the top sentences and the ones just before them."""
    with resources.nlp_lock:
        return _read_parsed(question, passages, index, resources)


def _read_parsed(
    question: str, passages: list[Passage], index: ArticleIndex, resources: Resources
) -> Answer:
    settings = resources.settings
    lookup = SentenceDocs(index, resources.nlp)
    lookup.prefetch(
        n for p in passages[: settings.top_k] for n in (p.sentence.idx - 1, p.sentence.idx)
    )
    parsed = resources.nlp(question)
    reader = resources.reader
    if isinstance(reader, Reader):
        return reader.answer(parsed, passages, index.article, lookup, top_k=settings.top_k)
    return answer_question(
        parsed,
        passages,
        index.article,
        lookup,
        threshold=settings.abstain_threshold,
        top_k=settings.top_k,
    )


def ask(chain: Runnable[str, Answer], question: str) -> Answer:
    """Run the chain on a checked question and record the total latency in ms."""
    started = time.perf_counter()
    result = chain.invoke(check_question(question))
    result.timings["total"] = (time.perf_counter() - started) * 1000
    return result
