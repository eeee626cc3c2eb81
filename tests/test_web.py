"""The URL guard is tested on the address check and a stubbed resolver; the only real
connections go to servers on 127.0.0.1 that the tests start, with the guard opened by setting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from rag.errors import ArticleError
from rag.ingest.fetch import address_problem, check_url, fetch_url
from tests.conftest import http_server


def resolver_for(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("unknown host")
        return table[host]

    return resolve


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.8.9.10", "a loopback address"),
        ("::1", "a loopback address"),
        ("10.1.2.3", "a private network address"),
        ("172.16.0.1", "a private network address"),
        ("172.31.255.255", "a private network address"),
        ("192.168.1.1", "a private network address"),
        ("100.64.0.1", "a private network address"),
        ("fd12:3456::1", "a private network address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("169.254.1.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("0.0.0.0", "a private network address"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
        ("172.32.0.1", None),
    ],
)
def test_address_problem(address: str, problem: str | None) -> None:
    assert address_problem(address) == problem


def test_only_http_and_https() -> None:
    resolve = resolver_for({})
    with pytest.raises(ArticleError) as err:
        check_url("file:///etc/passwd", allow_private=False, resolver=resolve)
    assert str(err.value) == (
        "Only http:// and https:// URLs can be loaded (got file): file:///etc/passwd"
    )
    with pytest.raises(ArticleError, match=r"\(got ftp\)"):
        check_url("ftp://example.com/a.txt", allow_private=False, resolver=resolve)


def test_name_resolving_to_private_address_is_refused() -> None:
    resolve = resolver_for({"intranet.example": ["93.184.216.34", "10.0.0.5"]})
    with pytest.raises(ArticleError) as err:
        check_url("https://intranet.example/x", allow_private=False, resolver=resolve)
    assert str(err.value) == (
        "Refused to fetch https://intranet.example/x: intranet.example resolves to 10.0.0.5, "
        "a private network address. Set RAG_ALLOW_PRIVATE_URLS=true to allow it."
    )


def test_metadata_host_name_is_refused_before_resolving() -> None:
    with pytest.raises(ArticleError, match="cloud metadata host"):
        check_url(
            "http://metadata.google.internal/computeMetadata/v1/",
            allow_private=False,
            resolver=resolver_for({}),
        )


def test_unresolvable_host() -> None:
    with pytest.raises(ArticleError) as err:
        check_url("https://no.such.host/", allow_private=False, resolver=resolver_for({}))
    assert (
        str(err.value) == "Could not resolve no.such.host: check the URL (https://no.such.host/)."
    )


def test_public_address_passes() -> None:
    check_url(
        "https://news.example/a",
        allow_private=False,
        resolver=resolver_for({"news.example": ["93.184.216.34"]}),
    )


PUBLIC = resolver_for({"news.example": ["93.184.216.34"], "evil.example": ["169.254.169.254"]})
Handler = Callable[[httpx.Request], httpx.Response]


def fetch_error(url: str, handler: Handler, *, timeout_s: float = 1) -> str:
    """The message fetch_url refuses ``url`` with, served by ``handler`` (no real network)."""
    with pytest.raises(ArticleError) as err:
        fetch_url(
            url,
            timeout_s=timeout_s,
            max_bytes=1000,
            allow_private=False,
            resolver=PUBLIC,
            transport=httpx.MockTransport(handler),
        )
    return str(err.value)


def test_redirect_to_metadata_address_is_refused_before_following() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"location": "http://evil.example/latest/meta-data"})

    assert fetch_error("https://news.example/story", handler) == (
        "Refused to fetch http://evil.example/latest/meta-data: evil.example resolves to "
        "169.254.169.254, a cloud metadata address. Set RAG_ALLOW_PRIVATE_URLS=true to allow it."
    )
    assert seen == ["https://news.example/story"]  # the second hop never went out


def test_size_cap_and_http_errors() -> None:
    def big(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 5000, headers={"content-type": "text/plain"})

    def missing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404)

    assert fetch_error("https://news.example/big", big) == (
        "https://news.example/big is larger than the 0.001 MB limit; nothing loaded."
    )
    assert fetch_error("https://news.example/gone", missing) == (
        "https://news.example/gone answered HTTP 404; nothing loaded."
    )


def test_timeout_message() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    assert fetch_error("https://news.example/slow", slow, timeout_s=10) == (
        "https://news.example/slow did not answer within 10 s."
    )


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/story.html":
            body = (
                b"<html><head><title>Bridge reopens</title></head><body><nav>Home</nav>"
                b"<article><h1>Bridge reopens</h1><p>The mayor said on Monday that the old bridge "
                b"will reopen in May after repairs costing $3 million.</p><p>Engineers found the "
                b"steel in good shape, officials said.</p></article>"
                b"<div class='comments'>No comments:</div></body></html>"
            )
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("location", "/story.html")
            body = b""
        else:
            self.send_response(404)
            body = b""
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    with http_server(_Handler) as url:
        yield url


def test_loopback_server_refused_by_default_and_loaded_when_allowed(local_server: str) -> None:
    from rag.config import Settings
    from rag.ingest.article import load_url

    with pytest.raises(ArticleError, match="a loopback address"):
        load_url(f"{local_server}/story.html", Settings())
    article = load_url(f"{local_server}/redirect", Settings(allow_private_urls=True))
    assert article.title == "Bridge reopens"
    assert article.source == f"{local_server}/story.html"
    assert [s.text for s in article.sentences][-1] == (
        "Engineers found the steel in good shape, officials said."
    )
    assert "No comments" not in article.text
