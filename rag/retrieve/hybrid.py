"""Hybrid retrieval: dense (Chroma) + lexical (bm25s), fused by a score blend or RRF.

``HybridRetriever`` is a LangChain ``BaseRetriever``: ``.invoke(question)`` returns one
Document per sentence, best first, whose metadata carries the sentence number and the scores
(``dense`` cosine similarity, ``lexical`` BM25, ``fused``, ``rank``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.errors import IndexingError
from rag.index.collection import ArticleIndex, tokenize_for_bm25
from rag.retrieve.fusion import blend_scores, fuse_scores_by_rank
from rag.types import Article, Passage


class HybridRetriever(BaseRetriever):
    """Top ``k`` sentences of one article for a question."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any  # ArticleIndex (a dataclass pydantic need not validate)
    embedder: Any  # langchain_core Embeddings
    k: int = 5
    fusion: str = "blend"  # "blend" or "rrf" (rag/retrieve/fusion.py)
    dense_weight: float = 0.7
    rrf_k: int = 60
    pool: int = 30  # candidates taken from each ranking before fusion

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [passage_to_document(p) for p in self.passages(query)]

    def scores(self, query: str) -> tuple[dict[int, float], dict[int, float]]:
        """(dense, lexical): sentence number -> cosine and BM25 score, before fusion."""
        pool = min(self.pool, len(self.index.article.sentences))
        vector = self.embedder.embed_query(query)
        dense, nearest = dense_scores(self.index, vector, pool)
        lexical = lexical_scores(self.index, query, pool)
        missed = [n for n in lexical if n not in dense]
        if missed and nearest is not None:
            exact = exact_dense_scores(self.index, vector, missed)
            dense.update({n: s for n, s in exact.items() if s >= nearest})
        return dense, lexical

    def passages(self, query: str) -> list[Passage]:
        """The fused ranking as Passages (all scored sentences, best first, cut to k)."""
        article = self.index.article
        dense, lexical = self.scores(query)
        if self.fusion == "rrf":
            fused = fuse_scores_by_rank(dense, lexical, k=self.rrf_k)
        else:
            fused = blend_scores(dense, lexical, dense_weight=self.dense_weight)
        return [
            Passage(
                sentence=article.sentence(idx),
                score=score,
                dense=dense.get(idx, 0.0),
                lexical=lexical.get(idx, 0.0),
                rank=rank,
            )
            for rank, (idx, score) in enumerate(fused[: self.k], start=1)
        ]


def store_unreachable(exc: Exception) -> IndexingError:
    return IndexingError(
        "The vector store did not answer "
        f"({type(exc).__name__}: {str(exc)[:120]}). Your article and chat are kept: "
        "ask again once it is reachable (with RAG_CHROMA_HOST set: once the Chroma "
        "server is back; embedded: once its data folder can be read)."
    )


def dense_scores(
    index: ArticleIndex, vector: list[float], pool: int
) -> tuple[dict[int, float], float | None]:
    """Sentence number -> cosine similarity of the query ``vector`` to the sentence's
    embedded text, for Chroma's nearest 2 * ``pool`` vectors; and the similarity of the last
    of them (None when the collection has no more: every vector was returned)."""
    try:
        hits = index.store.similarity_search_by_vector_with_relevance_scores(vector, k=2 * pool)
    except Exception as exc:  # a Chroma server gone: httpx, chromadb or OS errors
        raise store_unreachable(exc) from exc
    # With the cosine space this langchain-chroma call returns the distance (1 - cosine).
    # Each sentence is stored alone and with its context: keep the better of the two.
    scores: dict[int, float] = {}
    for doc, distance in hits:
        n = int(doc.metadata["sentence"])
        scores[n] = max(scores.get(n, -1.0), 1.0 - float(distance))
    nearest = 1.0 - float(hits[-1][1]) if len(hits) == 2 * pool else None
    return scores, nearest


def exact_dense_scores(
    index: ArticleIndex, vector: list[float], numbers: list[int]
) -> dict[int, float]:
    """The cosine similarity of the query to sentences BM25 found and the nearest-neighbour
    search did not return, from their stored vectors.

    Chroma's HNSW search is approximate: among 600 near-identical sentences it missed the
    one that answers in half of the fresh index builds, so the same article gave another
    answer each time it was indexed (tests/test_retrieve.py). The caller keeps the ones an
    exact search would have returned (as close as its last hit, or closer), so the ranking
    is what exact nearest neighbours would give, whatever graph the build made.
    """
    ids = [f"{kind}{n}" for n in numbers for kind in ("s", "w")]  # alone, in its window
    try:
        stored = index.store.get(ids=ids, include=["embeddings", "metadatas"])
    except Exception as exc:
        raise store_unreachable(exc) from exc
    query = np.asarray(vector, dtype=np.float32)
    query /= np.linalg.norm(query) or 1.0
    scores: dict[int, float] = {}
    for meta, embedding in zip(stored["metadatas"], stored["embeddings"], strict=True):
        vec = np.asarray(embedding, dtype=np.float32)
        cosine = float(query @ vec) / (float(np.linalg.norm(vec)) or 1.0)
        n = int(meta["sentence"])
        scores[n] = max(scores.get(n, -1.0), cosine)
    return scores


def lexical_scores(index: ArticleIndex, query: str, pool: int) -> dict[int, float]:
    """Sentence number -> BM25 score of the sentence alone (0 when no query term matches)."""
    tokens = tokenize_for_bm25([query])
    if not tokens.vocab:
        return {}
    docs, scores = index.bm25.retrieve(tokens, k=pool, show_progress=False)
    return {int(d) + 1: float(s) for d, s in zip(docs[0], scores[0], strict=True)}


def passage_to_document(p: Passage) -> Document:
    s = p.sentence
    return Document(
        page_content=s.text,
        id=f"s{s.idx}",
        metadata={
            "sentence": s.idx,
            "start": s.start,
            "end": s.end,
            "paragraph": s.paragraph,
            "dense": p.dense,
            "lexical": p.lexical,
            "fused": p.score,
            "rank": p.rank,
        },
    )


def document_to_passage(doc: Document, article: Article) -> Passage:
    m = doc.metadata
    return Passage(
        sentence=article.sentence(int(m["sentence"])),
        score=float(m["fused"]),
        dense=float(m["dense"]),
        lexical=float(m["lexical"]),
        rank=int(m["rank"]),
    )
