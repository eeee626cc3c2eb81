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


def test_the_page_is_built_before_the_start_article_is_embedded(tmp_path: Path) -> None:
    models = tmp_path / "models"  # the first run exports the question embedder there (torch)
    build_fresh(tmp_path / "first", models)
    fresh = build_fresh(tmp_path / "data", models)  # an empty store, the embedder exported
    assert (fresh["torch"], fresh["sentence_transformers"]) == (False, False)
    assert fresh["embedded"] == fresh["sentences"]  # embedded after the page, in the background
    assert str(fresh["answer"]).startswith("NATO members, including Britain")
