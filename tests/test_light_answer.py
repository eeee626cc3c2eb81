"""A question about an article already in the store loads neither torch nor
sentence-transformers: the question is embedded by onnxruntime, read by the int8 reader."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import exported_embedder

pytestmark = pytest.mark.slow

ASK = """
import json, sys
from pathlib import Path
from rag.config import Settings
from rag.ingest.article import load_path
from rag.service import ArticleService
settings = Settings(data_dir=Path(sys.argv[1]), models_dir=Path(sys.argv[2]))
service = ArticleService(settings)
loaded = service.load(load_path(Path(sys.argv[3]), settings))
answer = service.ask(loaded.id, sys.argv[4])
print(json.dumps({"answer": answer.text, "embedded": loaded.index.embedded,
                  "torch": "torch" in sys.modules,
                  "sentence_transformers": "sentence_transformers" in sys.modules}))
"""


def ask_fresh(data: Path, models: Path, article: Path, question: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}  # the default reader
    env.update(HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    done = subprocess.run(
        [sys.executable, "-c", ASK, str(data), str(models), str(article), question],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_an_indexed_article_is_answered_without_torch(tmp_path: Path, seed_article) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "seed.txt"
    article.write_text(seed_article.text, encoding="utf-8")
    data, models = tmp_path / "data", tmp_path / "models"
    first = ask_fresh(data, models, article, "Who ruled out sending troops?")
    assert first["embedded"] == len(seed_article.sentences)  # new to this store
    assert first["torch"] is True  # the question embedder's one-off ONNX export
    again = ask_fresh(data, models, article, "Who ruled out sending troops?")
    assert again["embedded"] == 0
    assert (again["torch"], again["sentence_transformers"]) == (False, False)
    assert again["answer"] == first["answer"]
    overview = ask_fresh(data, models, article, "What is this article about?")
    assert overview["torch"] is False and str(overview["answer"]).startswith("- The Kremlin")


def test_the_heavy_models_load_in_the_background(seed_resources, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from rag.config import Settings
    from rag.service import ArticleService

    from .conftest import resources_like

    settings = Settings(data_dir=tmp_path, reader="neural")  # the default (the rules parse)
    resources = resources_like(seed_resources, settings)
    del resources.__dict__["nlp"]  # as a fresh process has it: not loaded yet
    service = ArticleService(settings, resources)
    service.warm_up()
    assert "nlp" not in resources.__dict__
    thread = service.warm_up_rest()
    thread.join(timeout=120)
    assert not thread.is_alive() and "nlp" in resources.__dict__


def test_a_shipped_article_suggests_questions_without_spacy(seed_article) -> None:  # type: ignore[no-untyped-def]
    from rag.app.suggest import suggest_questions

    def no_spacy() -> None:
        raise AssertionError("spaCy was loaded for a shipped article")

    chips = suggest_questions(seed_article, no_spacy)  # type: ignore[arg-type]
    assert chips[:2] == ["What is this article about?", "Who ruled out sending troops?"]


def test_an_example_article_new_to_the_store_is_indexed_without_torch(  # type: ignore[no-untyped-def]
    tmp_path: Path, seed_article, seed_resources
) -> None:
    article = tmp_path / "seed.txt"
    article.write_text(seed_article.text, encoding="utf-8")
    models = exported_embedder(seed_resources, tmp_path / "models")  # as after a first run
    fresh = ask_fresh(tmp_path / "data", models, article, "Who ruled out sending troops?")
    assert fresh["embedded"] == len(seed_article.sentences)  # from rag/index/shipped-vectors.npz
    assert (fresh["torch"], fresh["sentence_transformers"]) == (False, False)
    assert str(fresh["answer"]).startswith("NATO members, including Britain")
    edited = tmp_path / "edited.txt"  # one sentence the file lacks: embedded as before
    edited.write_text(seed_article.text.replace("Peskov", "Peskoff"), encoding="utf-8")
    other = ask_fresh(tmp_path / "data", models, edited, "Who ruled out sending troops?")
    assert other["sentence_transformers"] is True
    assert other["answer"] == fresh["answer"]
