"""Write rag/index/shipped-vectors.npz: sentence-transformers' vectors for the example articles.

    python -m train.ship_vectors            # after the examples or the packaged model change

Each example article (rag/app/examples/*.txt) is indexed as the app indexes it, with the
default settings whatever ``RAG_*`` says, into a scratch store, through the packaged
all-MiniLM-L6-v2 in sentence-transformers; every text ``build_index`` hands the embedder is
kept with the vector it got. rag/index/shipped_vectors.py reads the file.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.app.suggest import example_file
from rag.config import PACKAGED, Settings
from rag.index.collection import build_index, make_chroma_client
from rag.index.shipped_vectors import ShippedVectors, model_version, shipped_file, text_key
from rag.ingest.article import load_path
from rag.models import load_embedder


class Recording(Embeddings):
    """Documents through ``inner``, each text's vector kept; no questions."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.seen: dict[str, list[float]] = {}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self.inner.embed_documents(texts)
        self.seen.update(zip(texts, vectors, strict=True))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        raise AssertionError("indexing embeds no question")


def example_articles() -> list[Path]:
    """The shipped example articles, rag/app/examples/*.txt."""
    return sorted(example_file("").glob("*.txt"))


def example_vectors(articles: list[Path]) -> ShippedVectors:
    """The vectors sentence-transformers gives the texts the app embeds for ``articles``."""
    recording = Recording(load_embedder(PACKAGED))
    with tempfile.TemporaryDirectory() as scratch:
        defaults = {  # what the app embeds unless told otherwise, whatever RAG_* says here
            name: Settings.model_fields[name].default
            for name in ("embedding_model", "context_sentences", "embed_batch_size")
        }
        settings = Settings(data_dir=Path(scratch), **defaults)
        client = make_chroma_client(settings, [])
        for path in articles:
            article = load_path(path, settings)
            build_index(article, settings=settings, embedder=recording, client=client)
    texts = sorted(recording.seen)
    vectors = np.array([recording.seen[t] for t in texts], dtype=np.float32)
    return ShippedVectors({text_key(t): i for i, t in enumerate(texts)}, vectors)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=shipped_file())
    args = parser.parse_args(argv)
    articles = example_articles()
    shipped = example_vectors(articles)
    shipped.save(args.out, model_version())
    print(
        f"{len(shipped.rows)} vectors for {len(articles)} example articles "
        f"({', '.join(p.name for p in articles)}), {model_version()}: written to {args.out}"
    )


if __name__ == "__main__":
    main()
