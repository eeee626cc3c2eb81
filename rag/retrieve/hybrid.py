"""Hybrid retrieval: dense (Chroma) + lexical (bm25s), fused by a score blend or RRF.

``HybridRetriever`` is a LangChain ``BaseRetriever``: ``.invoke(question)`` returns one
Document per sentence, best first, whose metadata carries the sentence number and the scores
(``dense`` cosine similarity, ``lexical`` BM25, ``fused``, ``rank``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.errors import IndexingError
from rag.index.collection import ArticleIndex, tokenize_for_bm25
from rag.retrieve.fusion import blend_scores, fuse_rankings
from rag.types import Article, Passage

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings


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

    def passages(self, query: str) -> list[Passage]:
        """The fused ranking as Passages (all scored sentences, best first, cut to k)."""
        article = self.index.article
        pool = min(self.pool, len(article.sentences))
        dense = dense_scores(self.index, self.embedder, query, pool)
        lexical = lexical_scores(self.index, query, pool)
        if self.fusion == "rrf":
            rankings = [
                sorted(dense, key=lambda i: -dense[i]),
                [i for i in sorted(lexical, key=lambda i: -lexical[i]) if lexical[i] > 0],
            ]
            fused = fuse_rankings(rankings, k=self.rrf_k)
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


def dense_scores(
    index: ArticleIndex, embedder: Embeddings, query: str, pool: int
) -> dict[int, float]:
    """Sentence number -> cosine similarity of the query to the sentence's embedded text."""
    vector = embedder.embed_query(query)
    try:
        hits = index.store.similarity_search_by_vector_with_relevance_scores(vector, k=2 * pool)
    except Exception as exc:  # a Chroma server gone: httpx, chromadb or OS errors
        raise IndexingError(
            "The vector store did not answer "
            f"({type(exc).__name__}: {str(exc)[:120]}). Your article and chat are kept: "
            "ask again once it is reachable (with RAG_CHROMA_HOST set: once the Chroma "
            "server is back; embedded: once its data folder can be read)."
        ) from exc
    # With the cosine space this langchain-chroma call returns the distance (1 - cosine).
    # Each sentence is stored alone and with its context: keep the better of the two.
    scores: dict[int, float] = {}
    for doc, distance in hits:
        n = int(doc.metadata["sentence"])
        scores[n] = max(scores.get(n, -1.0), 1.0 - float(distance))
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
