"""The page does not wait for the start article's embedding: on an empty store (a fresh
machine, a Space's first start) app.py builds the page with neither torch nor
sentence-transformers imported, and indexes the start article once the page is served."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import exported_embedder

pytestmark = pytest.mark.slow

BUILD = """
import json, sys
from pathlib import Path
from rag.config import Settings
from rag.app.serve import build_with_service, start_article_source
from rag.ingest.article import load_source
settings = Settings(data_dir=Path(sys.argv[1]), models_dir=Path(sys.argv[2]))
demo, service = build_with_service(settings)
built = {"torch": "torch" in sys.modules, "sentence_transformers": "sentence_transformers" in sys.modules}
start = load_source(start_article_source(settings), settings)
service.warm_up_rest().join(timeout=240)
loaded = service.load_or_later(start)  # indexed by now: reopened in memory
answer = service.ask(loaded.id, "Who ruled out sending troops?")
print(json.dumps({**built, "embedded": loaded.index.embedded, "sentences": len(start.sentences),
                  "answer": answer.text}))
"""


def build_fresh(data: Path, models: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}  # the defaults
    env.update(HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False", GRADIO_ANALYTICS_ENABLED="False")
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(data), str(models)],
        capture_output=True, text=True, env=env, timeout=400, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_page_is_built_before_the_start_article_is_embedded(  # type: ignore[no-untyped-def]
    seed_resources, tmp_path: Path
) -> None:
    models = exported_embedder(seed_resources, tmp_path / "models")  # as after a first run
    fresh = build_fresh(tmp_path / "data", models)  # an empty store, the embedder exported
    assert (fresh["torch"], fresh["sentence_transformers"]) == (False, False)
    assert fresh["embedded"] == fresh["sentences"]  # embedded after the page, in the background
    assert str(fresh["answer"]).startswith("NATO members, including Britain")


def counting_service(seed_resources, tmp_path: Path, fail: Exception | None = None):  # type: ignore[no-untyped-def]
    """A service on an empty store whose indexing is slow (0.3 s), counted, and may fail."""
    import time
    from collections import Counter

    from rag.config import Settings
    from rag.service import ArticleService

    from .conftest import resources_like

    settings = Settings(data_dir=tmp_path, reader="rules")
    service = ArticleService(settings, resources_like(seed_resources, settings))
    indexed: Counter[str] = Counter()
    index = service._index

    def slow_index(key, article, on_progress):  # type: ignore[no-untyped-def]
        indexed[key] += 1
        time.sleep(0.3)
        if fail is not None:
            raise fail
        return index(key, article, on_progress)

    service._index = slow_index  # type: ignore[method-assign]
    return service, indexed


def test_a_load_during_the_warm_up_waits_for_the_start_article_indexed_once(  # type: ignore[no-untyped-def]
    seed_resources, seed_article, tmp_path: Path
) -> None:
    service, indexed = counting_service(seed_resources, tmp_path)
    assert service.load_or_later(seed_article) is None  # an empty store: after the page
    thread = service.warm_up_rest()
    loaded = service.load(seed_article)  # asked at once: waits for the warm-up's indexing
    assert loaded.index.embedded == len(seed_article.sentences)
    assert dict(indexed) == {loaded.id: 1}
    thread.join(timeout=240)
    assert not thread.is_alive()


def test_a_failed_start_article_leaves_no_load_waiting(  # type: ignore[no-untyped-def]
    seed_resources, seed_article, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from rag.ingest.article import article_from_text

    service, _ = counting_service(seed_resources, tmp_path, fail=RuntimeError("disk gone"))
    service.load_or_later(seed_article)
    service.warm_up_rest().join(timeout=240)
    other = article_from_text("Jane Okafor opened the bridge. It cost 12 million pounds.")
    # a wait that never ended would time out here
    with ThreadPoolExecutor(1) as pool, pytest.raises(RuntimeError, match="disk gone"):
        pool.submit(service.load, other).result(timeout=60)


def test_a_warm_up_thread_that_cannot_start_leaves_no_load_waiting(  # type: ignore[no-untyped-def]
    seed_resources, seed_article, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    service, _ = counting_service(seed_resources, tmp_path)
    service.load_or_later(seed_article)

    def cannot_start(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", cannot_start)
    with pytest.raises(RuntimeError, match="can't start"):
        service.warm_up_rest()
    monkeypatch.undo()
    assert service.load(seed_article).index.embedded == len(seed_article.sentences)
