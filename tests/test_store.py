"""The bounded store: least recently used articles dropped past RAG_STORE_MAX_ARTICLES, their
folders with them, others' collections never; a dropped article is indexed again on demand."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.config import Settings
from rag.index.store import APP, MARK, USED, eviction_order, orphan_segment_dirs
from rag.service import ArticleService, ArticleTexts
from tests.conftest import resources_like, start_chroma

pytestmark = pytest.mark.slow

TOWNS = ["Arden", "Bexley", "Corran", "Dunmore", "Elsworth", "Farley"]
MAYORS = [
    "Alice Morgan",
    "Brian Okafor",
    "Clara Jensen",
    "David Romero",
    "Emma Lindqvist",
    "Farid Haddad",
]


def town_article(n: int) -> str:
    return (
        f"{TOWNS[n]} elected a new mayor on Tuesday. The mayor of {TOWNS[n]} is {MAYORS[n]}, "
        f"a former teacher. The council meets every month in the old library."
    )


def ask_mayor(service: ArticleService, key: str, n: int) -> str:
    return service.ask(key, f"Who is the mayor of {TOWNS[n]}?").short


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@pytest.fixture
def small_store(seed_resources, tmp_path: Path) -> ArticleService:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data", store_max_articles=3, reader="neural")
    return ArticleService(settings, resources_like(seed_resources, settings))


def test_eviction_order_is_least_recently_used_first_and_ours_only() -> None:
    listed = [
        ("newer", {MARK: APP, USED: 20.0}),
        ("theirs", {"hnsw:space": "cosine"}),
        ("article-" + "a" * 32 + "-" + "b" * 8, None),  # made before the mark existed
        ("older", {MARK: APP, USED: 10.0}),
        ("other-app", {MARK: "someone-else", USED: 1.0}),
    ]
    assert eviction_order(listed, adopt_legacy=False) == ["older", "newer"]
    legacy = "article-" + "a" * 32 + "-" + "b" * 8
    assert eviction_order(listed, adopt_legacy=True) == [legacy, "older", "newer"]


def test_store_keeps_the_last_articles_and_their_folders_only(small_store: ArticleService) -> None:
    client = small_store.resources.client
    client.create_collection("their-notes")  # someone else's, in the same store
    keys = [small_store.load_text(town_article(n)).id for n in range(6)]
    ours = [c.name for c in client.list_collections() if c.name != "their-notes"]
    assert len(ours) == 3
    assert "their-notes" in [c.name for c in client.list_collections()]
    chroma_dir = small_store.settings.data_dir / "chroma"
    assert orphan_segment_dirs(chroma_dir) == []  # dropped articles left no folders behind
    assert len(small_store._loaded) == 3
    # The first article was dropped; asking about it by id indexes it again.
    assert ask_mayor(small_store, keys[0], 0) == MAYORS[0]
    assert ask_mayor(small_store, keys[5], 5) == MAYORS[5]


def test_asking_keeps_an_article_from_being_dropped(small_store: ArticleService) -> None:
    first = small_store.load_text(town_article(0))
    for n in range(1, 5):
        small_store.load_text(town_article(n))
        small_store.resources.store.touch(first.index.collection, force=True)  # in use
    names = [c.name for c in small_store.resources.client.list_collections()]
    assert first.index.collection in names


def test_an_article_dropped_behind_the_apps_back_is_indexed_again(
    small_store: ArticleService,
) -> None:
    loaded = small_store.load_text(town_article(1))
    small_store.resources.client.delete_collection(loaded.index.collection)  # another process
    answer = small_store.ask(loaded.id, f"Who is the mayor of {TOWNS[1]}?")
    assert answer.short == MAYORS[1]
    assert small_store.resources.store.exists(loaded.index.collection)


def test_folder_stays_bounded_as_articles_keep_coming(seed_resources, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data", store_max_articles=2, reader="rules")
    service = ArticleService(settings, resources_like(seed_resources, settings))
    sizes = []
    for n in range(12):
        text = town_article(n % 6) + f" It was founded {n + 1} centuries ago by {n} families."
        service.load_text(text)
        sizes.append(folder_bytes(settings.data_dir / "chroma"))
    assert len(os.listdir(settings.data_dir / "chroma")) == 1 + 2  # sqlite + 2 segment folders
    assert sizes[-1] <= 1.5 * sizes[1], sizes


def test_article_texts_are_bounded_by_characters() -> None:
    from rag.ingest.article import article_from_text

    texts = ArticleTexts(budget=200)
    articles = [article_from_text(town_article(n)) for n in range(4)]  # ~140 chars each
    for n, article in enumerate(articles):
        texts.add(str(n), article)
    assert len(texts) == 1 and texts.get("3") is articles[3] and texts.get("0") is None


def test_server_mode_never_drops_collections_it_did_not_make(
    seed_resources, tmp_path: Path, free_port: int
) -> None:  # type: ignore[no-untyped-def]
    proc = start_chroma(tmp_path / "server", free_port)
    try:
        settings = Settings(
            data_dir=tmp_path / "unused",
            chroma_host="127.0.0.1",
            chroma_port=free_port,
            store_max_articles=2,
            reader="neural",
        )
        service = ArticleService(settings, resources_like(seed_resources, settings))
        client = service.resources.client
        for name in ("team-wiki", "article-" + "c" * 32 + "-" + "d" * 8):
            client.create_collection(name)  # another app's, even one named like ours
        keys = [service.load_text(town_article(n)).id for n in range(4)]
        names = sorted(c.name for c in client.list_collections())
        assert "team-wiki" in names and "article-" + "c" * 32 + "-" + "d" * 8 in names
        assert len(names) == 2 + 2
        assert ask_mayor(service, keys[0], 0) == MAYORS[0]  # dropped, indexed again
    finally:
        proc.terminate()
        proc.wait(timeout=20)


CACHE_SCRIPT = """
import sys
from pathlib import Path
import rag.index.collection
from rag.config import Settings
from rag.service import ArticleService
from tests.test_store import MAYORS, TOWNS, town_article

rag.index.collection.HNSW_CACHE_INDEXES = 2  # with the open-file headroom, Chroma keeps ~15 indexes
service = ArticleService(Settings(data_dir=Path(sys.argv[1]), reader="neural"))
towns = [town_article(n % 6) + f" It has {n + 2} bridges." for n in range(24)]
keys = [service.load_text(text).id for text in towns]
rounds = [
    sum(service.ask(key, f"Who is the mayor of {TOWNS[n % 6]}?").short == MAYORS[n % 6]
        for n, key in enumerate(keys))
    for _ in range(2)  # the second round reads indexes Chroma's cache has dropped
]
print(rounds)
"""


def test_articles_answer_after_chromas_cache_dropped_their_vector_index(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-c", CACHE_SCRIPT, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[24, 24]"
