"""The Markdown export (rag/transcript.py, rag/app/export.py): rendered, its quotes are the
article's own sentences byte for byte, whatever Markdown-like characters they hold."""

from __future__ import annotations

import gc
import os
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from rag.app.export import ExportFolder, file_stem
from rag.ingest.article import article_from_text
from rag.transcript import (
    Heading,
    Turn,
    escape_markdown,
    shortened,
    transcript_markdown,
)
from rag.types import Answer, Article, Citation

TRICKY = (
    "Ministers met at 10 Downing St. *twice* on Monday.\n\n"
    "# The hashtag #NotMyBudget trended, said user_name_42 <admin@example.org>.\n\n"
    "1. The first point cost £4 & the [second] cost `£5` &amp; no more.\n\n"
    "- A dash opened this line | and a pipe ~~struck~~ it > twice.\n\n"
    "> Quoted: \\ backslash and _under_ score, 3 < 4 > 2 and AT&T.\n\n"
    "+ Plus at the start, then ![not an image](http://x) and a <b>tag</b>."
)


class Quotes(HTMLParser):
    """The text of each <blockquote> in rendered HTML (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.quotes: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            self.depth += 1
            self.quotes.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.quotes[-1] += data


def rendered_quotes(markdown: str) -> list[str]:
    parser = Quotes()
    parser.feed(MarkdownIt("commonmark").render(markdown))
    return [q.strip() for q in parser.quotes]


def cited(article: Article, *numbers: int, confidence: float = 0.0) -> Answer:
    citations = [Citation.of(article.sentence(n)) for n in numbers]
    markers = "".join(f"[{n}]" for n in numbers)
    return Answer(
        f"An *answer* {markers}",
        False,
        citations,
        confidence=confidence,
        is_calibrated=confidence > 0,
        is_low_confidence=0 < confidence < 0.5,
    )


@pytest.fixture
def tricky() -> Article:
    return article_from_text(TRICKY, source="<pasted text>")


def test_every_rendered_quote_is_the_article_sentence_byte_for_byte(tricky: Article) -> None:
    numbers = [s.idx for s in tricky.sentences]
    turns = [Turn(f"Question {n}?", cited(tricky, n)) for n in numbers]
    quotes = rendered_quotes(transcript_markdown(Heading.of(tricky), turns))
    assert len(quotes) == len(numbers)
    for n, quote in zip(numbers, quotes, strict=True):
        prefix = f"[{n}] "
        assert quote.startswith(prefix)
        assert quote[len(prefix) :].encode() == tricky.sentence(n).text.encode()


def test_the_seed_conversation_reads_well(seed_article: Article) -> None:
    answered = cited(seed_article, 8, confidence=0.27)
    abstained = Answer.abstain([Citation.of(seed_article.sentence(11))])
    text = transcript_markdown(
        Heading.of(seed_article),
        [Turn("Who ruled out sending troops?", answered), Turn("Capital of Australia?", abstained)],
    )
    lines = text.splitlines()
    assert lines[0] == (
        "# The Kremlin warned Tuesday that Russia would go into conflict with the NATO…"
    )
    assert lines[2].startswith(f"Source: {seed_article.source}")
    assert "## 1. Who ruled out sending troops?" in lines
    assert "An \\*answer\\* [8]" in lines  # emphasis escaped, the marker left readable
    assert "Confidence: 27% (low: check the cited sentence)." in lines
    assert "## 2. Capital of Australia?" in lines
    assert "The article doesn't say." in lines and "Closest sentences:" in lines
    assert rendered_quotes(text) == [
        f"[8] {seed_article.sentence(8).text}",
        f"[11] {seed_article.sentence(11).text}",
    ]


def test_an_uncalibrated_answer_shows_no_confidence(seed_article: Article) -> None:
    rules = Answer("32 [10]", False, [Citation.of(seed_article.sentence(10))], confidence=0.9)
    text = transcript_markdown(Heading.of(seed_article), [Turn("How many?", rules)])
    assert "Confidence" not in text


@pytest.mark.parametrize(
    "text",
    ["#1 seed", "- a", "+ b", "1. c", "2) d", "> e", "=== f", "a\n# b", "`x` *y* _z_ [w]"],
)
def test_escaped_text_renders_as_itself(text: str) -> None:
    html = MarkdownIt("commonmark").render(escape_markdown(text))
    assert html.startswith("<p>") and "<h" not in html and "<li>" not in html
    assert "<em>" not in html and "<code>" not in html and "<a " not in html


def test_headings_and_file_names() -> None:
    assert shortened("A short title") == "A short title"
    assert shortened("word " * 40, 20) == "word word word word…"
    untitled = article_from_text("Peskov spoke. Then silence.")
    assert Heading.of(untitled).title == "Peskov spoke."
    assert file_stem("Ärger über «Zölle»!") == "rger-ber-z-lle"


def test_export_files_are_named_reused_and_pruned(tmp_path: Path, seed_article: Article) -> None:
    folder = ExportFolder(tmp_path, max_age_s=60)
    turns = [Turn("Who ruled out sending troops?", cited(seed_article, 8))]
    first = folder.write(Heading.of(seed_article), turns)
    assert first.parent == tmp_path and first.name.startswith("the-kremlin-warned-tuesday")
    assert folder.write(Heading.of(seed_article), turns) == first  # same chat, same file
    old = tmp_path / "old-00000000.md"
    old.write_text("x", encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    folder.write(Heading.of(seed_article), [*turns, *turns])
    assert not old.exists() and first.exists()


def test_a_folder_the_exports_made_is_removed_with_them(seed_article: Article) -> None:
    folder = ExportFolder()
    written = folder.write(Heading.of(seed_article), [Turn("Who?", cited(seed_article, 8))])
    made = folder.folder
    assert written.parent == made and made.name.startswith("rag-export-")
    del folder
    gc.collect()
    assert not made.exists()


def test_a_folder_given_to_the_exports_is_kept(tmp_path: Path, seed_article: Article) -> None:
    folder = ExportFolder(tmp_path)
    written = folder.write(Heading.of(seed_article), [Turn("Who?", cited(seed_article, 8))])
    del folder
    gc.collect()
    assert written.exists()
