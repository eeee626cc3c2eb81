"""Resources.load_for_answers: the models an answer needs load in a thread while Chroma opens
in the caller's, and whatever fails reaches the caller as its own error."""

from __future__ import annotations

import re
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


@pytest.mark.parametrize(
    ("factory", "error", "loaded_meanwhile"),
    [
        # a model that fails is the caller's error, once Chroma has opened meanwhile
        ("make_reader", BackendUnavailable("The reader's model is missing."), "client"),
        # Chroma that fails is raised once the models' thread has finished
        ("make_chroma_client", IndexingError("Could not open the Chroma store."), "reader"),
    ],
)
def test_a_failure_is_the_callers_error_not_a_threads_traceback(
    resources,
    monkeypatch: pytest.MonkeyPatch,
    thread_errors: list[object],
    factory: str,
    error: Exception,
    loaded_meanwhile: str,
) -> None:
    import rag.pipeline

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr(rag.pipeline, factory, failing)
    with pytest.raises(type(error), match=re.escape(str(error))):
        resources.load_for_answers()
    assert loaded_meanwhile in resources.__dict__
    assert loaders_alive() == [] and thread_errors == []
