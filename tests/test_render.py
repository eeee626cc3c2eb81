"""The article panel and answer HTML: pure functions, checked on exact strings."""

from __future__ import annotations

import re

from rag.app.render import (
    answer_markdown,
    article_html,
    display_source,
    link_markers,
    sources_markdown,
    sources_title,
    status_line,
)
from rag.ingest.article import article_from_text
from rag.types import Answer, Citation

TEXT = "Fico spoke on Monday. He said <no> troops.\n\nNATO has 32 members."


def test_article_html_numbers_every_sentence_and_marks_only_the_cited() -> None:
    article = article_from_text(TEXT)
    html = article_html(article, cited={2})
    assert html.count('class="sent"') == 2
    assert html.count('class="sent cited"') == 1
    assert '<span class="sent cited" id="sent-2" data-n="2"><sup class="num">2</sup>' in html
    assert "He said &lt;no&gt; troops." in html  # article text is escaped, never markup
    assert html.count("<p>") == 2  # paragraphs kept


def test_link_markers_links_only_valid_sentences_and_escapes_text() -> None:
    assert link_markers("A <b> [2] and [7]", valid={2}) == (
        'A &lt;b&gt; <a class="cite" href="#sent-2" data-n="2">[2]</a> and [7]'
    )


def test_answer_and_sources_for_a_cited_answer() -> None:
    cite = Citation(sentence=3, start=43, end=63, text="NATO has 32 members.")
    answer = Answer(text="32 [3]", abstained=False, citations=[cite])
    assert answer_markdown(answer) == '32 <a class="cite" href="#sent-3" data-n="3">[3]</a>'
    assert sources_title(answer) == "Sources (1)"
    assert sources_markdown([cite]) == (
        '<a class="cite" href="#sent-3" data-n="3">[3]</a> NATO has 32 members.'
    )


def test_abstention_titles_the_closest_sentences() -> None:
    near = Citation(sentence=1, start=0, end=21, text="Fico spoke on Monday.")
    answer = Answer(text="The article doesn't say.", abstained=True, citations=[], closest=[near])
    assert answer_markdown(answer) == "The article doesn't say."
    assert sources_title(answer) == "Closest sentences (1)"
    assert sources_title(Answer(text="x", abstained=True, citations=[])) == "No close sentences"


def test_status_line_names_the_file_not_its_folder() -> None:
    article = article_from_text(TEXT, source="/home/ana/news/story.txt")
    line = status_line(article, 1.234)
    assert line.startswith("**story.txt** · 3 sentences · ")
    assert re.search(r"ready in 1\.23 s$", line)
    pending = status_line(article, None)  # the start article, indexed after the page is served
    assert pending.endswith("words") and "ready in" not in pending
    assert display_source("https://example.com/a") == "https://example.com/a"
    assert display_source("<pasted text>") == "Pasted text"


def test_a_low_confidence_answer_says_so_under_its_text() -> None:
    cite = Citation(sentence=3, start=43, end=63, text="NATO has 32 members.")
    answer = Answer(
        text="32 [3]", abstained=False, citations=[cite], confidence=0.31, is_low_confidence=True
    )
    assert answer_markdown(answer) == (
        '32 <a class="cite" href="#sent-3" data-n="3">[3]</a>\n\n'
        '<em class="low-confidence" title="The reader answered, but estimates its answer is '
        'more likely wrong than right.">Low confidence (31%): check the cited sentence.</em>'
    )
    sure = Answer(text="32 [3]", abstained=False, citations=[cite], confidence=0.9)
    assert "Low confidence" not in answer_markdown(sure)
