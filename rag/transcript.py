"""A conversation about an article as a Markdown file people keep: each question, its answer,
and under it the cited sentences quoted with their numbers.

    transcript_markdown(Heading("Title", "https://…"), [Turn("Who…?", answer)])

Quotes are escaped so that the rendered file shows the article's own text, byte for byte
(tests/test_transcript.py renders it with markdown-it and compares). Pure: no clock, no I/O;
the web chat, ``rag chat --save`` and the API's /export_markdown all call this.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.types import Answer, Article, Citation

# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that can change
# how text renders mid-line (emphasis, code, links, HTML, tables, strike-through, line breaks),
# and "&" only where it would start an entity ("Q&A" stays as it is).
_INLINE = re.compile(r"([\\`*_\[\]<|~]|&(?=#?\w+;))")
# A line that would start a heading, list, rule or quote: its marker is escaped (for "1." the
# dot, since a backslash before a digit is no escape).
_LINE_START = re.compile(r"^(\s*)(\d*)([#+\-=>.)])")
_MARKER = re.compile(r"\\\[(\d+)\\\]")


@dataclass(frozen=True, slots=True)
class Heading:
    title: str  # the article's title, else its first sentence shortened ("" for neither)
    source: str  # path, URL or "<pasted text>"

    @classmethod
    def of(cls, article: Article) -> Heading:
        first = article.sentences[0].text if article.sentences else ""
        return cls(article.title or shortened(first), article.source)


def shortened(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters.

    >>> shortened("French President Emmanuel Macron said on Monday that", 30)
    'French President Emmanuel…'
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if flat[limit - 1] != " ":  # mid-word: drop the partial word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;: ") + "…"


# How each kind that is not a plain question is named under its answer (rag/types.py).
KIND_LABELS = {
    "overview": "An overview: the article's own sentences, chosen to cover it.",
    "people": "Who is who, as the article describes them.",
    "list": "Every item of the list the article gives.",
    "yes_no": "Yes or no, from the cited sentence.",
    "chitchat": "Small talk: no sentence of the article is needed.",
    "other_language": "A question in another language.",
}


@dataclass(frozen=True, slots=True)
class Turn:
    question: str
    answer: Answer


def escape_markdown(text: str) -> str:
    """``text`` such that Markdown renders it unchanged.

    >>> print(escape_markdown("*Not* a <b>tag</b>, Q&A &amp; 1. list"))
    \\*Not\\* a \\<b>tag\\</b>, Q&A \\&amp; 1. list
    """
    lines = _INLINE.sub(r"\\\1", text).split("\n")
    return "\n".join(_LINE_START.sub(_escape_start, line) for line in lines)


def _escape_start(match: re.Match[str]) -> str:
    space, digits, mark = match.groups()
    if digits and mark not in ".)":
        return match.group(0)  # "2024#" starts no block
    if not digits and mark in ".)":
        return match.group(0)  # a line starting with "." or ")" is plain text
    return f"{space}{digits}\\{mark}"


def escape_answer(text: str) -> str:
    """Like ``escape_markdown``, but the answer's ``[n]`` markers stay readable as they are
    (a bracketed number with no link definition renders as itself), and the "- " bullets an
    overview or a list of people is made of stay a list.

    >>> print(escape_answer("Britain and *Poland* [8][9]"))
    Britain and \\*Poland\\* [8][9]
    >>> print(escape_answer("- One *point* [1]\\n- Two [2]"))
    - One \\*point\\* [1]
    - Two [2]
    """
    lines = []
    for line in text.split("\n"):
        bullet = "- " if line.startswith("- ") else ""
        lines.append(bullet + _MARKER.sub(r"[\1]", escape_markdown(line.removeprefix(bullet))))
    return "\n".join(lines)


def quote(citation: Citation) -> str:
    """One blockquote: "> [n] sentence", every line of the sentence quoted."""
    body = escape_markdown(citation.text).replace("\n", "\n> ")
    return f"> [{citation.sentence}] {body}"


def source_label(source: str) -> str:
    """'Pasted text' for the "<pasted text>" placeholder, else the path or URL as given."""
    if source.startswith("<") and source.endswith(">"):
        return source[1:-1].capitalize()
    return source


def turn_markdown(number: int, turn: Turn) -> str:
    answer = turn.answer
    parts = [f"## {number}. {escape_markdown(turn.question)}", escape_answer(answer.text)]
    if answer.note:
        parts.append(f"*{escape_markdown(answer.note)}*")
    if answer.kind in KIND_LABELS:
        parts.append(f"*{KIND_LABELS[answer.kind]}*")
    if answer.is_calibrated and not answer.abstained:
        low = " (low: check the cited sentence)" if answer.is_low_confidence else ""
        parts.append(f"Confidence: {answer.confidence:.0%}{low}.")
    if answer.abstained and answer.closest:
        parts.append("Closest sentences:")
        parts += [quote(c) for c in answer.closest]
    elif answer.citations:
        parts.append("Cited:" if len(answer.citations) == 1 else "Cited sentences:")
        parts += [quote(c) for c in answer.citations]
    return "\n\n".join(parts)


def transcript_markdown(heading: Heading, turns: Sequence[Turn]) -> str:
    """The whole conversation: the article's title and source, then every turn in order."""
    title = escape_markdown(heading.title) if heading.title else "Untitled article"
    asked = f"{len(turns)} question{'s' if len(turns) != 1 else ''}"
    head = [
        f"# {title}",
        f"Source: {escape_markdown(source_label(heading.source))}  \n"
        f"Asked with the article chatbot: {asked}; every answer cites the article's numbered "
        "sentences, quoted under it.",
    ]
    body = [turn_markdown(i, t) for i, t in enumerate(turns, 1)]
    return "\n\n".join(head + body) + "\n"
