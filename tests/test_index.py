from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rag.config import Settings
from rag.index.collection import collection_name, window_text
from rag.ingest.sentences import split_sentences
from tests.conftest import start_chroma

pytestmark = pytest.mark.slow


def test_window_text_prepends_context() -> None:
    sentences = split_sentences("Peskov spoke first. He continued. Then silence.")
    assert window_text(sentences, 1, 1) == "Peskov spoke first. He continued."
    assert window_text(sentences, 0, 2) == "Peskov spoke first."
    assert window_text(sentences, 2, 0) == "Then silence."


def test_collection_depends_on_text_and_embedding_settings(seed_article) -> None:  # type: ignore[no-untyped-def]
    a = collection_name(seed_article, Settings())
    b = collection_name(seed_article, Settings(context_sentences=0))
    assert a != b and a.startswith(f"article-{seed_article.sha256[:32]}-")
    assert 3 <= len(a) <= 512


def test_reopening_embeds_nothing(seed_resources, seed_article, seed_index) -> None:  # type: ignore[no-untyped-def]
    assert seed_index.embedded == 16
    again = seed_resources.index(seed_article)
    assert again.embedded == 0
    # each sentence alone and in its window
    assert seed_resources.client.get_collection(again.collection).count() == 32
    stored = again.store.get(ids=["s8", "w8"])
    s8 = seed_article.sentences[7]
    pairs = zip(stored["documents"], stored["metadatas"], strict=True)
    by_id = dict(zip(stored["ids"], pairs, strict=True))
    where = {"sentence": 8, "start": s8.start, "end": s8.end, "paragraph": 6}
    assert by_id["s8"] == (s8.text, {**where, "kind": "sentence"})
    # The window carries the previous sentence as context; the citation stays sentence 8.
    assert by_id["w8"] == (window_text(seed_article.sentences, 7, 1), {**where, "kind": "window"})


def test_chroma_still_has_the_registry_the_memory_client_joins() -> None:
    """rag/index/collection.py `_memory_client` reads Chroma's private registry of in-memory
    systems (no public API gives an existing system's settings). If Chroma renames or
    reshapes it, this fails first, rather than a second in-memory client failing in use."""
    from chromadb.api.shared_system_client import SharedSystemClient

    assert isinstance(getattr(SharedSystemClient, "_identifier_to_system", None), dict)


def test_progress_is_reported(tmp_path: Path, seed_article) -> None:  # type: ignore[no-untyped-def]
    from rag.pipeline import Resources

    seen: list[tuple[int, int]] = []
    resources = Resources(Settings(data_dir=tmp_path, embed_batch_size=5))
    resources.index(seed_article, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(5, 16), (10, 16), (15, 16), (16, 16)]


def test_chroma_server_mode(tmp_path: Path, free_port: int, seed_article) -> None:  # type: ignore[no-untyped-def]
    """Against a real `chroma run` on 127.0.0.1, started and stopped here."""
    from rag.pipeline import Resources, ask, build_chain

    proc = start_chroma(tmp_path / "server", free_port)
    try:
        settings = Settings(
            data_dir=tmp_path / "unused", chroma_host="127.0.0.1", chroma_port=free_port
        )
        resources = Resources(settings)
        first = resources.index(seed_article)
        assert first.embedded == 16
        assert resources.index(seed_article).embedded == 0
        answer = ask(build_chain(first, resources), "Who ruled out sending troops?")
        assert answer.short == "Britain, Germany, Spain and Poland"
        assert not (tmp_path / "unused" / "chroma").exists()  # nothing went to embedded mode
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_in_memory_store_joins_one_a_library_user_already_opened() -> None:
    # Chroma allows one in-memory system per process; a caller's own, with other settings,
    # must not make the fallback fail. A fresh process, so no other test's system is there.
    script = (
        "import chromadb\n"
        "from chromadb.config import Settings\n"
        "from rag.index.collection import _memory_client\n"
        "chromadb.EphemeralClient(settings=Settings(allow_reset=True, anonymized_telemetry=False))\n"
        "client = _memory_client()\n"
        "client.get_or_create_collection('joined').add(ids=['1'], documents=['x'], embeddings=[[0.1]])\n"
        "print(client.get_collection('joined').count())\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "1"
