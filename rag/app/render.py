"""HTML and Markdown for the web chat: the article panel, answers with [n] links, sources,
and the Chatbot messages an answer becomes.

Pure functions over Article and Answer; the app (rag/app/chat.py) only places their output.

    article_html(article, cited={8})   -> <article> whose sentence 8 is highlighted
    answer_markdown(answer)            -> "Britain … Poland <a class="cite" href="#sent-8">[8]</a>"
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from html import escape
from typing import Any

from rag.transcript import Turn, source_label
from rag.types import Answer, Article, Citation

Messages = list[dict[str, Any]]  # Chatbot messages: {"role", "content", "metadata"?}
MARKER = re.compile(r"\[(\d+)\]")
UNSUPPORTED = "No sentence of the article supports this"


def sentence_anchor(number: int) -> str:
    """The element id of sentence ``number`` in the article panel."""
    return f"sent-{number}"


def article_html(article: Article, cited: Collection[int] = ()) -> str:
    """The article as paragraphs of numbered sentences; ``cited`` ones carry class "cited".

    >>> from rag.ingest.article import article_from_text
    >>> article_html(article_from_text("One. Two."), cited={2}).count('class="sent cited"')
    1
    """
    title = f"<h2>{escape(article.title)}</h2>" if article.title else ""
    paragraphs: list[list[str]] = []
    last = None
    for s in article.sentences:
        if s.paragraph != last:
            paragraphs.append([])
            last = s.paragraph
        css = "sent cited" if s.idx in cited else "sent"
        paragraphs[-1].append(
            f'<span class="{css}" id="{sentence_anchor(s.idx)}" data-n="{s.idx}">'
            f'<sup class="num">{s.idx}</sup>{escape(s.text)}</span>'
        )
    body = "".join(f"<p>{' '.join(p)}</p>" for p in paragraphs)
    return f'<article class="rag-article">{title}{body}</article>'


def link_markers(text: str, valid: Collection[int]) -> str:
    """Escape ``text`` and turn each ``[n]`` naming a valid sentence into a link to it.

    >>> link_markers("Poland [8] & Spain [99]", valid={8})
    'Poland <a class="cite" href="#sent-8" data-n="8">[8]</a> &amp; Spain [99]'
    """
    escaped = escape(text, quote=False)

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in valid:
            return match.group(0)
        return f'<a class="cite" href="#{sentence_anchor(n)}" data-n="{n}">[{n}]</a>'

    return MARKER.sub(link, escaped)


LOW_CONFIDENCE_TITLE = (
    "The reader answered, but estimates its answer is more likely wrong than right."
)


def answer_markdown(answer: Answer, *, linked: bool = True) -> str:
    """The answer bubble's text: cited markers become links to the article panel; claims no
    sentence supports are marked; a note (fallback taken, question rewritten) follows."""
    body = link_markers(answer.text, {c.sentence for c in answer.citations} if linked else ())
    for claim in answer.unsupported:
        text = escape(claim, quote=False)
        body = body.replace(
            text, f'<span class="unsupported" title="{UNSUPPORTED}">{text}</span>', 1
        )
    if answer.is_low_confidence:
        body += (
            f'\n\n<em class="low-confidence" title="{LOW_CONFIDENCE_TITLE}">Low confidence '
            f"({answer.confidence:.0%}): check the cited sentence.</em>"
        )
    if answer.note:
        body += f'\n\n<em class="note">{escape(answer.note, quote=False)}</em>'
    return body


def sources_markdown(citations: Sequence[Citation], *, linked: bool = True) -> str:
    """The collapsible "Sources" body: each cited sentence quoted, with its link."""
    return "\n\n".join(
        f"{link_markers(f'[{c.sentence}]', {c.sentence} if linked else ())} "
        f"{escape(c.text, quote=False)}"
        for c in citations
    )


def sources_title(answer: Answer) -> str:
    """The heading of the collapsible section under an answer."""
    if answer.abstained:
        n = len(answer.closest)
        return f"Closest sentences ({n})" if n else "No close sentences"
    return f"Sources ({len(answer.citations)})"


def display_source(source: str) -> str:
    """A file's name, a URL as given, or "Pasted text" for the "<pasted text>" placeholder."""
    if "://" in source or (source.startswith("<") and source.endswith(">")):
        return source_label(source)
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def status_line(article: Article, seconds: float | None) -> str:
    """One line under the article: what is loaded and how long indexing took (None: the
    start article, indexed once the page is served); under it, the loading notice (the
    encoding used, bytes replaced) when there is one."""
    name = article.title or display_source(article.source)
    words = len(article.text.split())
    line = f"**{escape(name)}** · {len(article.sentences)} sentences · {words:,} words"
    if seconds is not None:
        line += f" · ready in {seconds:.2f} s"
    return f"{line}  \n⚠️ {escape(article.notice)}" if article.notice else line


def message_text(message: dict[str, Any]) -> str:
    """The text of a Chatbot message, whether content is a string or Gradio 6 blocks."""
    content = message.get("content", "")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(b.get("text", "") for b in content if isinstance(b, dict))
    return ""


def plain_history(messages: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """User and answer turns only ({"role", "content"}), without the Sources sections."""
    return [
        {"role": m["role"], "content": message_text(m)}
        for m in messages
        if m.get("role") in ("user", "assistant") and not (m.get("metadata") or {}).get("title")
    ]


def answer_messages(answer: Answer, *, linked: bool = True) -> Messages:
    """The answer bubble and, under it, the collapsed Sources (or closest sentences)."""
    shown = answer.closest if answer.abstained else answer.citations
    bubble: Messages = [{"role": "assistant", "content": answer_markdown(answer, linked=linked)}]
    if shown:
        bubble.append(
            {
                "role": "assistant",
                "content": sources_markdown(shown, linked=linked),
                "metadata": {"title": sources_title(answer), "status": "done"},
            }
        )
    return bubble


def highlighted_html(article: Article, answer: Answer) -> str:
    return article_html(article, cited={c.sentence for c in answer.citations})


def turn_messages(turns: Sequence[Turn], *, linked: bool = True) -> Messages:
    """A kept conversation as the Chatbot shows it: each question, then its answer bubbles
    (``linked=False``: its [n] are plain text, when the article shown is another one)."""
    messages: Messages = []
    for turn in turns:
        answer = answer_messages(turn.answer, linked=linked)
        messages += [{"role": "user", "content": turn.question}, *answer]
    return messages
