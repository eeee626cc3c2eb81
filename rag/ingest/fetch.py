"""Fetch an article over http(s), refusing addresses a server-side fetch must never reach.

The guard (``check_address``) is a pure function over IP addresses; ``fetch_url`` resolves
each hop's host with an injectable resolver and checks every address before connecting, and
follows redirects itself so a redirect to a private address is refused before it is followed.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from rag.errors import ArticleError

log = logging.getLogger(__name__)

Resolver = Callable[[str, int], list[str]]
MAX_REDIRECTS = 5

# Cloud metadata endpoints that are not already link-local or private.
_METADATA_NETS = (
    ipaddress.ip_network("100.100.100.200/32"),  # Alibaba Cloud
    ipaddress.ip_network("fd00:ec2::254/128"),  # AWS over IPv6
)
_METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data"}
_SHARED_NET = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT, not public


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # final URL after redirects
    content_type: str  # e.g. "text/html"
    body: bytes
    charset: str | None


def address_problem(address: str) -> str | None:
    """Why a fetch must not connect to ``address``, or None when it is a public address.

    >>> address_problem("169.254.169.254"), address_problem("93.184.216.34")
    ('a cloud metadata address', None)
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip == ipaddress.ip_address("169.254.169.254") or any(ip in n for n in _METADATA_NETS):
        return "a cloud metadata address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private or ip in _SHARED_NET:
        return "a private network address"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return "a reserved address"
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to, via the system resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def check_url(
    url: str, *, allow_private: bool, resolver: Resolver, allow_loopback: bool = False
) -> None:
    """Raise ArticleError unless ``url`` is http(s) and its host resolves to public addresses
    (or loopback ones, with ``allow_loopback``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        shown = parts.scheme or "no scheme"
        raise ArticleError(f"Only http:// and https:// URLs can be loaded (got {shown}): {url}")
    host = parts.hostname
    if not host:
        raise ArticleError(f"The URL has no host name: {url}")
    if allow_private:
        return
    if host.lower().rstrip(".") in _METADATA_HOSTS:
        raise ArticleError(f"Refused to fetch {url}: {host} is a cloud metadata host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = resolver(host, port)
    except (OSError, ValueError) as exc:
        raise ArticleError(f"Could not resolve {host}: check the URL ({url}).") from exc
    if not addresses:
        raise ArticleError(f"Could not resolve {host}: check the URL ({url}).")
    for address in addresses:
        problem = address_problem(address)
        if problem and not (allow_loopback and problem == "a loopback address"):
            raise ArticleError(
                f"Refused to fetch {url}: {host} resolves to {address}, {problem}. "
                "Set RAG_ALLOW_PRIVATE_URLS=true to allow it."
            )


def fetch_url(
    url: str,
    *,
    timeout_s: float,
    max_bytes: int,
    allow_private: bool,
    allow_loopback: bool = False,
    resolver: Resolver = system_resolver,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """GET ``url`` with the address guard on every hop, a timeout and a size cap."""
    with httpx.Client(
        timeout=timeout_s, follow_redirects=False, transport=transport, trust_env=False
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(
                url, allow_private=allow_private, allow_loopback=allow_loopback, resolver=resolver
            )
            log.info("fetching %s", url)
            try:
                with client.stream("GET", url, headers={"User-Agent": "article-chatbot/0.1"}) as r:
                    if r.is_redirect:
                        location = r.headers.get("location", "")
                        if not location:
                            raise ArticleError(f"{url} redirected without a Location header.")
                        url = urljoin(url, location)
                        continue
                    if r.status_code >= 400:
                        raise ArticleError(f"{url} answered HTTP {r.status_code}; nothing loaded.")
                    declared = int(r.headers.get("content-length") or 0)
                    if declared > max_bytes:
                        raise ArticleError(_too_large(url, max_bytes))
                    body = bytearray()
                    for chunk in r.iter_bytes():
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise ArticleError(_too_large(url, max_bytes))
                    content_type = r.headers.get("content-type", "").split(";")[0].strip().lower()
                    return Fetched(str(r.url), content_type, bytes(body), r.charset_encoding)
            except httpx.TimeoutException as exc:
                raise ArticleError(f"{url} did not answer within {timeout_s:g} s.") from exc
            except httpx.HTTPError as exc:
                raise ArticleError(f"Could not fetch {url}: {exc}") from exc
    raise ArticleError(f"{url} redirected more than {MAX_REDIRECTS} times; nothing loaded.")


def _too_large(url: str, max_bytes: int) -> str:
    return f"{url} is larger than the {max_bytes / 1e6:g} MB limit; nothing loaded."
