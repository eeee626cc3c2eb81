"""The app's API through gradio_client, against the real app on 127.0.0.1."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

HARBOUR = (
    "The Harbour Bridge in Halden Bay will reopen on 14 March, the city council said. "
    "Repairs cost 41 million kroner, engineer Ingrid Solvang told reporters."
)


def client(url: str):  # type: ignore[no-untyped-def]
    from gradio_client import Client

    return Client(url, verbose=False)


def test_load_article_then_ask_the_seed_question(app_url: str, seed_article) -> None:  # type: ignore[no-untyped-def]
    c = client(app_url)
    loaded = c.predict(seed_article.text, api_name="/load_article")
    assert loaded["sentences"] == len(seed_article.sentences)
    assert loaded["article_id"] == seed_article.sha256[:16]
    reply = c.predict(loaded["article_id"], "Who ruled out sending troops?", [], api_name="/ask")
    assert reply["answer"] == "Britain, Germany, Spain and Poland [8]"
    assert reply["abstained"] is False
    cited = reply["citations"][0]
    assert cited["sentence"] == 8
    assert seed_article.text[cited["start"] : cited["end"]] == cited["text"]
    assert "including Britain, Germany, Spain and Poland" in cited["text"]


def test_two_clients_with_different_articles_get_only_their_own_citations(
    app_url: str, seed_article
) -> None:  # type: ignore[no-untyped-def]
    seed_client, other_client = client(app_url), client(app_url)
    seed_id = seed_client.predict(seed_article.text, api_name="/load_article")["article_id"]
    other_id = other_client.predict(HARBOUR, api_name="/load_article")["article_id"]
    assert seed_id != other_id
    for question in ("How much did the repairs cost?", "Who ruled out sending troops?"):
        mine = other_client.predict(other_id, question, None, api_name="/ask")
        for c in mine["citations"] + mine["closest"]:
            assert HARBOUR[c["start"] : c["end"]] == c["text"]
    seed_reply = seed_client.predict(
        seed_id, "How many members does NATO have?", None, api_name="/ask"
    )
    for c in seed_reply["citations"]:
        assert seed_article.text[c["start"] : c["end"]] == c["text"]
    assert (
        "41 million kroner"
        in other_client.predict(other_id, "How much did the repairs cost?", None, api_name="/ask")[
            "answer"
        ]
    )


def test_api_errors_are_messages_not_tracebacks(app_url: str) -> None:
    from gradio_client.exceptions import AppError

    c = client(app_url)
    with pytest.raises(AppError, match="The article is empty"):
        c.predict("   ", api_name="/load_article")
    with pytest.raises(AppError, match="No article with id 'missing' is loaded"):
        c.predict("missing", "Who?", None, api_name="/ask")
    with pytest.raises(AppError, match=r"Refused to fetch http://10\.0\.0\.5/x"):
        c.predict("http://10.0.0.5/x", api_name="/load_article")


def test_python_app_py_honours_rag_port_and_prints_its_url(tmp_path, free_port: int) -> None:  # type: ignore[no-untyped-def]
    """The real entry point, as `make run` and a Space start it."""
    from bench.app_bench import running_app

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    with running_app(free_port, str(tmp_path), env={"TMPDIR": str(temporary)}) as started:
        assert f"http://127.0.0.1:{free_port}" in started.output, started.output
        reply = client(f"http://127.0.0.1:{free_port}/").predict(
            "Fog closed the port on Monday. It reopened on Tuesday.", api_name="/load_article"
        )
        assert reply["sentences"] == 2
        assert len(list(temporary.glob("rag-export-*"))) == 1  # the chat exports' folder
    assert not list(temporary.glob("rag-export-*"))  # stopped (SIGTERM): removed with the app
