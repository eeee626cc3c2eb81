"""Embed an article's sentences into Chroma (through LangChain) and build its BM25 index.

One Chroma collection per article content hash and embedding setting: asking again about an
article already indexed embeds nothing. Each sentence is stored twice: alone (id ``s<n>``) and
with the sentences before it (id ``w<n>``, ``context_sentences`` of them), so that "he
continued" is found through what it continues without diluting sentences that stand alone;
retrieval takes the better of the two, and both name the single sentence that gets cited.
On the seed article's probe questions the sentence alone ranked the evidence first in 7 of
11 cases, the window alone in 4, the better of both in 7 with no rank worse than 4.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.config import Settings
from rag.errors import IndexingError
from rag.index.store import ours_metadata
from rag.types import Article, Sentence

if TYPE_CHECKING:
    import bm25s
    from chromadb.api import ClientAPI
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (sentences done, total)
HNSW_CACHE_INDEXES = 64  # vector indexes Chroma keeps in memory (as many as the app's articles)
FD_HEADROOM = 64  # files the process may open while its Chroma client is made
# Each collection's vector index is written to disk as it is filled. Chroma's default (every
# 1,000 vectors) leaves an article's index in its cache only, and a query after the cache
# dropped it fails ("Nothing found on disk"): 45 of 100 collections with a cache of 64.
# Written every 2 vectors, none failed, and indexing took no longer.
HNSW_WRITE_EVERY = 2
COLLECTION_METADATA = {
    "hnsw:space": "cosine",
    "hnsw:sync_threshold": HNSW_WRITE_EVERY,
    "hnsw:batch_size": HNSW_WRITE_EVERY,
}


def window_text(sentences: Sequence[Sentence], position: int, before: int) -> str:
    """The text embedded for ``sentences[position]``: up to ``before`` previous sentences + it.

    >>> from rag.ingest.sentences import split_sentences
    >>> window_text(split_sentences("Peskov spoke. He continued."), 1, 1)
    'Peskov spoke. He continued.'
    """
    first = max(0, position - before)
    return " ".join(s.text for s in sentences[first : position + 1])


def collection_name(article: Article, settings: Settings) -> str:
    """Chroma collection for this article text under these embedding settings."""
    config = f"{settings.embedding_model}|ctx={settings.context_sentences}|write={HNSW_WRITE_EVERY}"
    return f"article-{article.sha256[:32]}-{hashlib.sha256(config.encode()).hexdigest()[:8]}"


def make_chroma_client(settings: Settings, notices: list[str] | None = None) -> ClientAPI:
    """Embedded persistent Chroma under ``data_dir``, or an HTTP client for ``chroma_host``.

    A persist folder that cannot be used (unwritable, corrupt) gives an in-memory store and a
    warning, logged and appended to ``notices`` for the app to show.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host,
                port=settings.chroma_port,
                ssl=settings.chroma_ssl,
                settings=chroma_settings,
            )
        path = settings.data_dir / "chroma"
        try:
            path.mkdir(parents=True, exist_ok=True)
            with bounded_index_cache(HNSW_CACHE_INDEXES):
                return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        except Exception as exc:  # unwritable, corrupt or locked: index in memory instead
            notice = (
                f"The Chroma store in {path} cannot be used ({type(exc).__name__}: "
                f"{str(exc)[:160]}); articles are indexed in memory for this session. "
                "Move or delete that folder to rebuild it."
            )
            log.warning(notice)
            if notices is not None:
                notices.append(notice)
            with bounded_index_cache(HNSW_CACHE_INDEXES):
                return _memory_client()
    except Exception as exc:  # chromadb raises ValueError, ConnectionError, OSError, its own
        where = (
            f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_host
            else f"the Chroma store in {settings.data_dir / 'chroma'}"
        )
        raise IndexingError(f"Could not open {where}: {exc}") from exc


@contextmanager
def bounded_index_cache(indexes: int) -> Iterator[None]:
    """Make an embedded Chroma client inside this block to keep about ``indexes`` vector
    indexes in memory.

    Chroma 1.5 sizes its in-memory cache of HNSW indexes from the process's open-file limit
    (``RLIMIT_NOFILE // 5``, read when the client is made; chroma-core/chroma#3336) and
    keeps a dropped collection's index there until the cache overflows. With this machine's
    limit (20,000) that is 4,000 indexes of ~2.6 MB: RSS grew 1.9x over 300 articles with a
    store of 10. The soft limit is lowered only while the client is made, never below the
    descriptors open now plus ``FD_HEADROOM``, then restored.
    """
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    fds = Path("/proc/self/fd")
    open_now = len(os.listdir(fds)) if fds.is_dir() else 0
    wanted = max(5 * indexes, open_now + FD_HEADROOM)
    lowered = soft == resource.RLIM_INFINITY or soft > wanted
    if lowered:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    try:
        yield
    finally:
        if lowered:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _memory_client() -> ClientAPI:
    """Chroma in memory. Chroma keeps one in-memory system per process and refuses a second
    with settings that differ in any field, so an existing one is joined with its own.

    Chroma has no public way to read that system's settings: its registry is looked up
    defensively, and a Chroma without it gets our own settings."""
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    systems = getattr(SharedSystemClient, "_identifier_to_system", None)
    existing = systems.get("ephemeral") if isinstance(systems, dict) else None
    settings = existing.settings if existing else ChromaSettings(anonymized_telemetry=False)
    return chromadb.EphemeralClient(settings=settings)


def tokenize_for_bm25(texts: list[str]) -> Any:
    """bm25s tokens: lower case, English stop words removed, Snowball-stemmed."""
    import bm25s
    import Stemmer

    return bm25s.tokenize(
        texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), show_progress=False
    )


@dataclass
class ArticleIndex:
    """An article with its vector store and lexical index, ready to retrieve from."""

    article: Article
    store: Chroma
    bm25: bm25s.BM25
    embedded: int  # sentences embedded when this index was opened (0 = reused)
    seconds: float  # wall time to open or build it
    collection: str  # the Chroma collection's name (collection_name)
    cache: dict[str, Any] = field(default_factory=dict)  # per-article analysis memo


def build_index(
    article: Article,
    *,
    settings: Settings,
    embedder: Embeddings,
    client: ClientAPI,
    on_progress: Progress | None = None,
) -> ArticleIndex:
    """Open the article's collection, embedding only when it is missing or incomplete."""
    import bm25s
    from langchain_chroma import Chroma

    started = time.perf_counter()
    name = collection_name(article, settings)
    try:
        store = Chroma(
            client=client,
            collection_name=name,
            embedding_function=embedder,
            # used only when the collection is new: marks it as ours (rag/index/store.py)
            collection_metadata={**COLLECTION_METADATA, **ours_metadata(time.time())},
        )
        present = client.get_collection(name).count()
    except Exception as exc:
        raise IndexingError(f"Could not open the Chroma collection {name}: {exc}") from exc

    sentences = article.sentences
    embedded = 0
    if present != len(sentences) * (2 if settings.context_sentences else 1):
        log.info("embedding %d sentences into %s", len(sentences), name)
        embedded = _embed(store, sentences, settings, on_progress)
    elif on_progress:
        on_progress(len(sentences), len(sentences))

    bm25 = bm25s.BM25()
    bm25.index(tokenize_for_bm25([s.text for s in sentences]), show_progress=False)
    seconds = time.perf_counter() - started
    return ArticleIndex(article, store, bm25, embedded, seconds, name)


def _documents(
    sentences: Sequence[Sentence], positions: range, context: int
) -> tuple[list[str], list[dict[str, int | str]], list[str]]:
    texts, metadatas, ids = [], [], []
    for i in positions:
        s = sentences[i]
        texts.append(s.text)
        metadatas.append(_metadata(s, "sentence"))
        ids.append(f"s{s.idx}")
        if context:  # the first sentence's window is the sentence itself
            texts.append(window_text(sentences, i, context))
            metadatas.append(_metadata(s, "window"))
            ids.append(f"w{s.idx}")
    return texts, metadatas, ids


def _embed(
    store: Chroma, sentences: Sequence[Sentence], settings: Settings, on_progress: Progress | None
) -> int:
    batch = settings.embed_batch_size
    total = len(sentences)
    for first in range(0, total, batch):
        chunk = range(first, min(first + batch, total))
        texts, metadatas, ids = _documents(sentences, chunk, settings.context_sentences)
        try:
            store.add_texts(texts=texts, metadatas=metadatas, ids=ids)  # type: ignore[arg-type]
        except Exception as exc:
            raise IndexingError(f"Storing sentence embeddings failed: {exc}") from exc
        if on_progress:
            on_progress(chunk.stop, total)
    return total


def _metadata(s: Sentence, kind: str) -> dict[str, int | str]:
    return {
        "sentence": s.idx,
        "start": s.start,
        "end": s.end,
        "paragraph": s.paragraph,
        "kind": kind,
    }
