"""The learned reader (rag/reader): the shipped model loads, reads, and answers or abstains."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.errors import BackendUnavailable
from rag.reader.features import QUESTION_FEATURES, SPAN_FEATURES
from rag.reader.model import Reader, read, shipped_model_path
from rag.service import ArticleService
from tests.conftest import resources_like

pytestmark = pytest.mark.slow


def test_shipped_model_records_its_data_and_settings() -> None:
    reader = Reader.load()
    assert shipped_model_path().stat().st_size < 30_000_000
    assert set(reader.meta["data"]) == {
        "squad2-train-10-articles.json",
        "squad2-dev-4-articles.json",
    }
    assert all(len(digest) == 64 for digest in reader.meta["data"].values())
    assert reader.meta["seed"] == 0 and 0 < reader.threshold < 1
    assert set(reader.meta["metrics"]) >= {"validation", "dev"}


def test_a_model_trained_on_other_features_is_refused(tmp_path: Path) -> None:
    payload = pickle.loads(shipped_model_path().read_bytes())
    payload["span_features"] = payload["span_features"][:-1]
    path = tmp_path / "old.pkl"
    path.write_bytes(pickle.dumps(payload))
    with pytest.raises(BackendUnavailable, match="trained on other features"):
        Reader.load(path)
    with pytest.raises(BackendUnavailable, match="make train-reader"):
        Reader.load(tmp_path / "missing.pkl")


def test_reading_gives_one_feature_row_per_candidate(seed_resources, seed_article) -> None:  # type: ignore[no-untyped-def]
    from rag.chain import SentenceDocs
    from rag.retrieve import HybridRetriever

    index = seed_resources.index(seed_article)
    passages = HybridRetriever(index=index, embedder=seed_resources.embedder, k=10).passages(
        "Who ruled out sending troops?"
    )
    docs = SentenceDocs(index, seed_resources.nlp)
    reading = read(
        seed_resources.nlp("Who ruled out sending troops?"), passages, seed_article, docs
    )
    assert reading.rows.shape == (len(reading.options), len(SPAN_FEATURES))
    assert np.isfinite(reading.rows).all()
    texts = {o.text for o in reading.options}
    assert "Britain, Germany, Spain and Poland" in texts  # the rules' candidate is proposed
    for o in reading.options:  # every candidate is its cited sentences' own words (or yes/no)
        cited = " ".join(seed_article.sentence(n).text for n in o.sentences)
        assert o.text in cited or o.text in ("Yes", "No")
    assert len(QUESTION_FEATURES) > len(reading.base)


def test_learned_reader_answers_through_the_chain(
    seed_resources, seed_article, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data", reader="learned")
    service = ArticleService(settings, resources_like(seed_resources, settings))
    key = service.load(seed_article).id
    seed = service.ask(key, "Who ruled out sending troops?")  # the product's headline question
    assert not seed.abstained and [c.sentence for c in seed.citations] == [8]
    assert seed.short and seed.short in seed_article.sentence(8).text
    answer = service.ask(key, "How many troops has France sent to Ukraine?")
    assert answer.abstained and answer.guess  # abstains, yet reports its best span
    cited = service.ask(key, "What did Peskov tell reporters?")
    assert 0.0 <= cited.confidence <= 1.0
    for c in cited.citations:
        assert seed_article.text[c.start : c.end] == c.text
