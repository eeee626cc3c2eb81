from pathlib import Path

import pytest
from pydantic import ValidationError

from rag.config import Settings, load_settings


def test_defaults_need_no_network() -> None:
    s = Settings()
    assert (s.backend, s.embedding_model, s.chroma_host) == ("extractive", "packaged", None)


def test_priority_kwargs_over_env_over_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "rag.toml"
    config.write_text("top_k = 7\nrrf_k = 10\ncontext_sentences = 0\n", encoding="utf-8")
    monkeypatch.setenv("RAG_RRF_K", "20")
    s = load_settings(config, context_sentences=2)
    assert (s.top_k, s.rrf_k, s.context_sentences) == (7, 20, 2)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Config file not found"):
        load_settings(tmp_path / "missing.toml")


def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_TOP_K", "0")
    with pytest.raises(ValidationError):
        Settings()
    with pytest.raises(ValidationError):
        Settings(no_such_setting=1)  # type: ignore[call-arg]


def test_settings_are_frozen() -> None:
    with pytest.raises(ValidationError):
        Settings().top_k = 3  # type: ignore[misc]


def test_malformed_config_file_names_the_path(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("top_k = = 3\n", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_settings(config)
    assert str(err.value).startswith(f"Config file {config} is not valid TOML: ")


def test_the_default_answerer_is_the_neural_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAG_READER")  # the test suite answers with the rules (conftest)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.reader == "neural" and settings.reader_windows == 3
    assert settings.reader_threshold is None  # the decision file's threshold
