"""Load an article from a path, a string, stdin or a URL, then clean and split it.

    load_source("story.html" | "https://…" | "-", settings) -> Article
    article_from_text("Body text. More text.") -> Article

Every failure is an ArticleError whose message names the input and what to do.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from rag.config import Settings
from rag.errors import ArticleError
from rag.ingest.clean import clean_text
from rag.ingest.decoding import Decoded, decode_text
from rag.ingest.fetch import Resolver, fetch_url, system_resolver
from rag.ingest.sentences import split_sentences
from rag.types import Article

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "a program",
}


def article_from_text(text: str, *, source: str = "<text>", max_chars: int = 2_000_000) -> Article:
    """Clean and split plain text. Raises ArticleError when nothing citable remains."""
    if not text.strip():
        raise ArticleError("The article is empty. Paste or load the article's text.")
    if len(text) > max_chars:
        raise ArticleError(
            f"The article is {len(text):,} characters; the limit is {max_chars:,}. "
            "Load a shorter text or raise RAG_MAX_ARTICLE_CHARS."
        )
    cleaned = clean_text(text)
    sentences = split_sentences(cleaned)
    if not sentences:
        raise ArticleError(
            f"Only boilerplate found ({len(text.strip()):,} chars). Paste the article body."
        )
    digest = hashlib.sha256(cleaned.encode("utf-8")).hexdigest()
    return Article(text=cleaned, sentences=sentences, source=source, sha256=digest)


def html_to_text(html: str, *, source: str) -> tuple[str, str]:
    """(title, body text) of an HTML page via trafilatura; comments and widgets dropped."""
    import trafilatura  # lazy: lxml and friends cost ~0.3 s to import

    body = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True, deduplicate=True
    )
    if not body or not body.strip():
        raise ArticleError(
            f"No article text found in {source} (the page has no readable body). "
            "Paste the article's text instead."
        )
    meta = trafilatura.extract_metadata(html)
    title = (meta.title or "") if meta is not None else ""
    return title, body


def decode_bytes(data: bytes, *, source: str, declared: str | None = None) -> Decoded:
    """Text of a file's or page's bytes (rag/ingest/decoding.py), with what the user is told.

    Raises ArticleError for binary files and bytes no encoding reads as text.
    """
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise ArticleError(f"{source} is {kind}, not text. Load a .txt, .md or .html file.")
    has_bom = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))  # UTF-32's too
    if not has_bom and b"\x00" in data[:8192]:
        raise ArticleError(f"{source} is a binary file, not text. Load a .txt, .md or .html file.")
    decoded = decode_text(data, source=source, declared=declared)
    if not _looks_like_text(decoded.text):
        raise ArticleError(
            f"{source} is not readable text (read as {decoded.encoding}, it is mostly control "
            "characters). Save it as UTF-8 and retry."
        )
    if decoded.notice:
        log.info("%s", decoded.notice)
    return decoded


def _looks_like_text(text: str) -> bool:
    sample = text[:20_000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
    return controls <= len(sample) * 0.01


def article_from_bytes(
    data: bytes, *, source: str, is_html: bool, max_chars: int, declared: str | None = None
) -> Article:
    """Decode, extract (HTML) and split the bytes of a file or HTTP response; ``declared``
    is the charset its server named."""
    decoded = decode_bytes(data, source=source, declared=declared)
    text = decoded.text
    title = ""
    if is_html or _sniff_html(text):
        title, text = html_to_text(text, source=source)
    article = article_from_text(text, source=source, max_chars=max_chars)
    return replace(article, title=title, notice=decoded.notice)


def _sniff_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def load_path(
    path: Path, settings: Settings, *, label: str | None = None, max_bytes: int | None = None
) -> Article:
    """Article from a .txt, .md or .html file; ``label`` names it in messages (an upload's
    own file name rather than the server's temporary path); files over ``max_bytes``
    (default: 10 × the fetch cap) are refused before reading."""
    name = label or str(path)
    limit = max_bytes or settings.max_fetch_bytes * 10
    if not path.exists():
        raise ArticleError(f"File not found: {name}")
    if path.is_dir():
        raise ArticleError(f"{name} is a folder; give the path of an article file.")
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        raise ArticleError(f"{name} has an unsupported type ({suffix}). Use .txt, .md or .html.")
    size = path.stat().st_size
    if size > limit:
        raise ArticleError(
            f"{name} is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB. "
            "Load the article's text alone."
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"Could not read {name}: {exc.strerror or exc}.") from exc
    return article_from_bytes(
        data,
        source=name,
        is_html=suffix in HTML_SUFFIXES,
        max_chars=settings.max_article_chars,
    )


def looks_like_url(text: str) -> bool:
    """One token with a scheme: the API's "text or URL" input is read as a URL."""
    stripped = text.strip()
    return "://" in stripped and not any(ch.isspace() for ch in stripped)


def load_url(url: str, settings: Settings, *, resolver: Resolver = system_resolver) -> Article:
    """Article from an http(s) URL, through the address guard, timeout and size cap."""
    fetched = fetch_url(
        url,
        timeout_s=settings.fetch_timeout_s,
        max_bytes=settings.max_fetch_bytes,
        allow_private=settings.allow_private_urls,
        allow_loopback=settings.allow_loopback_urls,
        resolver=resolver,
    )
    kind = fetched.content_type
    if kind and not (kind.startswith("text/") or kind in ("application/xhtml+xml", "")):
        raise ArticleError(f"{url} is {kind}, not a web page or text. Give an article's URL.")
    return article_from_bytes(
        fetched.body,
        source=fetched.url,
        is_html=kind != "text/plain",
        max_chars=settings.max_article_chars,
        declared=fetched.charset,
    )


def load_source(source: str, settings: Settings, *, stdin: BinaryIO | None = None) -> Article:
    """Article from a path, an http(s) URL, or ``-`` for standard input."""
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(settings.max_article_chars * 4 + 1)
        return article_from_bytes(
            data, source="<stdin>", is_html=False, max_chars=settings.max_article_chars
        )
    if "://" in source:
        return load_url(source, settings)
    return load_path(Path(source).expanduser(), settings)
