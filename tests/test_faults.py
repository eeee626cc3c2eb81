"""Faults: the Chroma server dies and comes back, the persist folder is unusable, an LLM
backend hangs. The user gets a clear message or a fallback, never a crash, and keeps the
article and the chat."""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.app.chat import ChatApp
from rag.config import Settings
from rag.service import ArticleService
from tests.conftest import resources_like, start_chroma, unused_port
from tests.fake_openai import Script, serve

pytestmark = pytest.mark.slow


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.kill()
    proc.wait(timeout=20)


@pytest.fixture
def chroma_port() -> int:
    return unused_port()


def test_chroma_server_killed_mid_session_then_back(
    seed_resources, seed_article, tmp_path: Path, chroma_port: int
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path / "data", chroma_host="127.0.0.1", chroma_port=chroma_port
    )
    app = ChatApp(ArticleService(settings, resources_like(seed_resources, settings)))
    proc = start_chroma(tmp_path / "server", chroma_port)
    try:
        chat = list(app.respond("Who ruled out sending troops?", [], seed_article, "extractive"))
        chat = chat[-1][0]
        assert chat[1]["content"].startswith("Britain, Germany, Spain and Poland")

        stop(proc)
        steps = list(app.respond("How many members does NATO have?", chat, seed_article, ""))
        failed, box, *_ = steps[-1]
        assert failed[: len(chat)] == chat  # the chat so far is kept
        assert failed[-1]["content"].startswith("⚠️ The vector store did not answer")
        assert "once the Chroma server is back" in failed[-1]["content"]
        assert box == "How many members does NATO have?"  # the question stays in the box

        proc = start_chroma(tmp_path / "server", chroma_port)  # same data, same port
        again = list(app.respond("How many members does NATO have?", chat, seed_article, ""))
        assert again[-1][0][len(chat) + 1]["content"].startswith("32")
    finally:
        stop(proc)


@pytest.mark.parametrize("damage", ["corrupt database", "folder is a file"])
def test_unusable_persist_folder_falls_back_to_memory_with_a_warning(
    damage: str, seed_resources, seed_article, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    if damage == "corrupt database":
        (data / "chroma").mkdir()
        (data / "chroma" / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    else:
        (data / "chroma").write_text("a file where the store folder should be")
    settings = Settings(data_dir=data)
    service = ArticleService(settings, resources_like(seed_resources, settings))
    with caplog.at_level(logging.WARNING):
        loaded = service.load(seed_article)
    answer = service.ask(loaded.id, "Who ruled out sending troops?")
    assert answer.short == "Britain, Germany, Spain and Poland"
    [notice] = service.resources.notices
    assert notice.startswith(f"The Chroma store in {data / 'chroma'} cannot be used")
    assert notice.endswith(
        "articles are indexed in memory for this session. Move or delete that folder to rebuild it."
    )
    assert notice in caplog.text


@pytest.fixture
def hanging_server() -> Iterator[tuple[Script, str]]:
    script = Script()
    script.delay_s = 6.0
    with serve(script) as url:
        yield script, url


def test_hanging_backend_is_cut_off_and_the_extractive_answer_given(
    seed_resources, seed_article, tmp_path: Path, hanging_server: tuple[Script, str]
) -> None:  # type: ignore[no-untyped-def]
    script, url = hanging_server
    script.replies = ["Britain [8]."]
    settings = Settings(
        data_dir=tmp_path / "data", openai_base_url=url, openai_model="fake", llm_timeout_s=1
    )
    service = ArticleService(settings, resources_like(seed_resources, settings))
    key = service.load(seed_article).id
    started = time.monotonic()
    answer = service.ask(key, "Who ruled out sending troops?", backend="openai")
    assert time.monotonic() - started < script.delay_s  # did not wait for the server
    assert answer.backend == "extractive (fallback from openai)"
    assert answer.text == "Britain, Germany, Spain and Poland [8]"
    assert answer.note == "The openai backend failed (Request timed out.)."
