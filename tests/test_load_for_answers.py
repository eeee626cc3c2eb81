"""Resources.load_for_answers: the models an answer needs load in a thread while Chroma opens
in the caller's, and whatever fails reaches the caller as its own error."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import BackendUnavailable, IndexingError

from .conftest import resources_like


@pytest.fixture
def resources(seed_resources, tmp_path: Path):  # type: ignore[no-untyped-def]
    return resources_like(seed_resources, Settings(data_dir=tmp_path, reader="neural"))


@pytest.fixture
def thread_errors(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What reached threading.excepthook: a traceback printed from a thread."""
    seen: list[object] = []
    monkeypatch.setattr(threading, "excepthook", seen.append)
    return seen


def loaders_alive() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "load-models"]


def test_the_models_load_in_a_thread_while_chroma_opens_in_the_callers(
    resources, monkeypatch: pytest.MonkeyPatch, thread_errors: list[object]
) -> None:
    import rag.pipeline

    made_in: dict[str, str] = {}

    def recorded(name: str, make):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            made_in[name] = threading.current_thread().name
            return make(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(rag.pipeline, "make_reader", recorded("reader", rag.pipeline.make_reader))
    monkeypatch.setattr(
        rag.pipeline, "make_chroma_client", recorded("client", rag.pipeline.make_chroma_client)
    )
    resources.load_for_answers()
    assert made_in == {"reader": "load-models", "client": threading.current_thread().name}
    assert {"embedder", "reader", "intents", "client", "store"} <= resources.__dict__.keys()
    assert loaders_alive() == [] and thread_errors == []


def test_a_model_that_fails_is_the_callers_error_not_a_threads_traceback(
    resources, monkeypatch: pytest.MonkeyPatch, thread_errors: list[object]
) -> None:
    import rag.pipeline

    def no_reader(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise BackendUnavailable("The reader's model is missing.")

    monkeypatch.setattr(rag.pipeline, "make_reader", no_reader)
    with pytest.raises(BackendUnavailable, match="reader's model is missing"):
        resources.load_for_answers()
    assert "client" in resources.__dict__  # Chroma opened meanwhile
    assert loaders_alive() == [] and thread_errors == []


def test_chroma_that_fails_waits_for_the_models_and_is_raised(
    resources, monkeypatch: pytest.MonkeyPatch, thread_errors: list[object]
) -> None:
    import rag.pipeline

    def no_chroma(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise IndexingError("Could not open the Chroma store.")

    monkeypatch.setattr(rag.pipeline, "make_chroma_client", no_chroma)
    with pytest.raises(IndexingError, match="Could not open the Chroma store"):
        resources.load_for_answers()
    assert "reader" in resources.__dict__  # the thread finished before the error was raised
    assert loaders_alive() == [] and thread_errors == []
