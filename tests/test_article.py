import io
from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import ArticleError
from rag.ingest.article import article_from_text, load_path, load_source


def load(path: Path) -> object:
    return load_path(path, Settings())


def message(path: Path) -> str:
    with pytest.raises(ArticleError) as err:
        load_path(path, Settings())
    return str(err.value)


def test_text_file(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("The council met on Monday. It voted 7-2.\nNo comments:\n", encoding="utf-8")
    article = load_path(p, Settings())
    assert [s.text for s in article.sentences] == ["The council met on Monday.", "It voted 7-2."]
    assert article.source == str(p)
    assert len(article.sha256) == 64


def test_markdown_and_html_files(tmp_path: Path) -> None:
    md = tmp_path / "a.md"
    md.write_text("A wrapped line\nof prose.\n\nSecond paragraph here.", encoding="utf-8")
    assert [s.paragraph for s in load_path(md, Settings()).sentences] == [1, 2]
    html = tmp_path / "a.html"
    html.write_text(
        "<html><body><article><p>The port reopened on Friday after a strike that lasted "
        "two weeks, the union said.</p></article><footer>Share this article</footer>"
        "</body></html>",
        encoding="utf-8",
    )
    article = load_path(html, Settings())
    assert [s.text for s in article.sentences] == [
        "The port reopened on Friday after a strike that lasted two weeks, the union said."
    ]


def test_latin1_file_is_read(tmp_path: Path) -> None:
    p = tmp_path / "latin.txt"
    p.write_bytes("Café owners in Zürich protested on Monday.".encode("latin-1"))
    assert (
        load_path(p, Settings()).sentences[0].text == "Café owners in Zürich protested on Monday."
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.txt", b"", "The article is empty. Paste or load the article's text."),
        ("blank.txt", b"  \n\t\n", "The article is empty. Paste or load the article's text."),
        (
            "image.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "{path} is a PNG image, not text. Load a .txt, .md or .html file.",
        ),
        (
            "nul.txt",
            b"abc\x00def" * 10,
            "{path} is a binary file, not text. Load a .txt, .md or .html file.",
        ),
        (
            "garbage.txt",
            bytes(range(1, 32)) * 40 + b"\x81",
            "{path} is not readable text (read as UTF-8, it is mostly control characters). "
            "Save it as UTF-8 and retry.",
        ),
        (
            "widgets.txt",
            b"No comments:\nPost a Comment\nShare this article\n",
            "Only boilerplate found (46 chars). Paste the article body.",
        ),
        (
            "story.pdf",
            b"%PDF-1.7",
            "{path} has an unsupported type (.pdf). Use .txt, .md or .html.",
        ),
    ],
)
def test_bad_files_give_one_clear_message(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    assert message(p) == expected.format(path=p)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert message(tmp_path / "nope.txt") == f"File not found: {tmp_path / 'nope.txt'}"
    assert message(tmp_path) == f"{tmp_path} is a folder; give the path of an article file."


def test_html_without_body(tmp_path: Path) -> None:
    p = tmp_path / "scripts.html"
    p.write_text(
        "<html><head><script>var a = 1;</script></head><body><script>x()</script></body></html>",
        encoding="utf-8",
    )
    assert message(p) == (
        f"No article text found in {p} (the page has no readable body). "
        "Paste the article's text instead."
    )


def test_stdin_and_text() -> None:
    article = load_source("-", Settings(), stdin=io.BytesIO(b"One. Two."))
    assert article.source == "<stdin>"
    assert [s.idx for s in article.sentences] == [1, 2]
    assert article_from_text("Solo sentence").sentences[0].text == "Solo sentence"


def test_too_long_text() -> None:
    with pytest.raises(ArticleError) as err:
        article_from_text("word " * 30, max_chars=100)
    assert str(err.value) == (
        "The article is 150 characters; the limit is 100. "
        "Load a shorter text or raise RAG_MAX_ARTICLE_CHARS."
    )


def test_same_text_same_hash() -> None:
    a = article_from_text("Same text here.\nNo comments:")
    b = article_from_text("Same text here.")
    assert a.sha256 == b.sha256
