"""Answers in parallel: the question embedder through onnxruntime, tokenizers lent from a
pool, and many threads asking at once get the same answers as one thread alone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from bench.generated import generated_article, is_right
from rag.config import PACKAGED, Settings
from rag.index.query_embedder import OnnxQueryEmbeddings
from rag.models import TokenizerPool, embedding_model_path
from rag.service import ArticleService
from tests.conftest import resources_like

pytestmark = pytest.mark.slow


def test_onnx_question_vectors_match_sentence_transformers(seed_resources) -> None:  # type: ignore[no-untyped-def]
    embedder = seed_resources.embedder
    assert isinstance(embedder, OnnxQueryEmbeddings)
    questions = [
        "Who ruled out sending troops?",
        "How many members does NATO have?",
        "¿Quién descartó enviar tropas?",
        "word " * 400,  # past the model's 256 tokens: truncated the same way
    ]
    onnx = np.array([embedder.embed_query(q) for q in questions])
    torch = np.array(embedder.documents.embed_documents(questions))
    assert np.all((onnx * torch).sum(axis=1) > 0.9999)


def test_a_failed_export_leaves_questions_on_torch(
    seed_resources, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    documents = seed_resources.embedder.documents
    model_dir = Path(embedding_model_path(PACKAGED))
    built = OnnxQueryEmbeddings.build(lambda: documents, model_dir, blocked / "models")
    assert built is documents
    assert "questions stay on torch: the ONNX question embedder failed" in caplog.text


def test_tokenizer_pool_lends_each_tokenizer_to_one_caller_at_a_time() -> None:
    pool = TokenizerPool(Path(embedding_model_path(PACKAGED)) / "tokenizer.json")
    with pool.lend() as first, pool.lend() as second:
        assert first is not second
    with pool.lend() as again:
        assert again in (first, second)  # returned ones are reused, not loaded again


def test_parallel_answers_equal_the_answers_one_at_a_time(seed_resources, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data", reader="neural")
    service = ArticleService(settings, resources_like(seed_resources, settings))
    articles = [generated_article(n) for n in range(4)]
    keys = [service.load_text(a.text).id for a in articles]
    work = [(k, a, q, e) for k, a in zip(keys, articles, strict=True) for q, e in a.questions]
    alone = [service.ask(k, q).to_json() for k, _, q, _ in work]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda w: service.ask(w[0], w[2]).to_json(), work * 3))
    for n, reply in enumerate(together):
        _, article, _, expected = work[n % len(work)]
        assert reply["answer"] == alone[n % len(work)]["answer"]
        assert is_right(reply, expected, article.text)


def test_an_answer_read_alone_may_use_every_core_and_side_by_side_one_each() -> None:
    from rag.read.neural.reader import ReadingSessions

    now = [100.0]
    sessions = ReadingSessions(
        lambda cores: f"session on {cores or 'all'} cores", threads=0, clock=lambda: now[0]
    )
    with sessions.lend() as first:
        assert first == "session on all cores"
    with sessions.lend() as first, sessions.lend() as second:
        assert (first, second) == ("session on all cores", "session on 1 cores")
    now[0] += 0.5  # answers overlapped half a second ago: people are still asking at once
    with sessions.lend() as soon_after:
        assert soon_after == "session on 1 cores"
    now[0] += 1.0  # calm for a second: one person asking again gets every core
    with sessions.lend() as again:
        assert again == "session on all cores"
    single = ReadingSessions(lambda cores: object(), threads=1)
    assert single.alone is single.side_by_side  # one session when both would be one core
