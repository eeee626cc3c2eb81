"""What a browser keeps of its chat: the article and every turn, in its own localStorage.

The web chat holds two ``gr.BrowserState`` values (Gradio encrypts them with
``browser_secret`` and writes them to localStorage when they change), so a chat survives a
reload and a browser restart, stays per browser, and is never stored on the server: the
server only reads them while handling that browser's event. The article is written when one
is loaded (none kept: the chat is about the page's start article); the turns after each
answer, so a question never carries the article's text.
Shapes (JSON, version 1):

    article: {"version": 1, "source": "https://…", "title": "…", "name": "…", "sha256": "…",
              "text": "…" or null}
    chat:    {"version": 1, "sha256": "<the article's>",
              "turns": [{"question": "Who…?", "answer": Answer.to_json()}, …]}

Size: each at most ``settings.browser_keep_bytes`` of UTF-8 JSON. Past it the article's
text is left out (``text`` null, its source kept: a URL is fetched again on reload), and the
oldest turns are dropped. A value that does not parse (another version, edited by hand) is
dropped with a notice, never a crash; turns about another article are ignored.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from rag.transcript import Heading, Turn, source_label
from rag.types import Answer, Article

VERSION = 1
ARTICLE_KEY = "article-chatbot-article"
CHAT_KEY = "article-chatbot-chat"
SECRET_FILE = "browser-state.secret"
UNREADABLE = (
    "The chat saved in this browser could not be read (it is from another version of the app, "
    "or was changed), so it was cleared."
)


class SavedArticle(BaseModel):
    version: Literal[1]
    source: str
    title: str = ""
    name: str = ""  # what to call it: its title, else its first sentence shortened
    sha256: str
    text: str | None = None  # None: too large for the browser; reload it from ``source``


class SavedTurn(BaseModel):
    question: str
    answer: dict[str, Any]  # Answer.to_json()


class SavedChat(BaseModel):
    version: Literal[1]
    sha256: str  # of the article the turns are about
    turns: list[SavedTurn] = []


@dataclass(frozen=True, slots=True)
class Kept:
    """What a browser kept, parsed: the article as kept, its turns, what the user should know."""

    article: SavedArticle
    turns: list[Turn]
    notice: str = ""  # e.g. why the article's text was not kept


def browser_secret(data_dir: Path) -> str:
    """The key Gradio encrypts the saved chat with: made once per data folder and kept there,
    so a chat saved before the app restarted still opens after."""
    path = data_dir / SECRET_FILE
    try:
        return path.read_text("utf-8").strip() or _new_secret(path)
    except OSError:
        return _new_secret(path)


def _new_secret(path: Path) -> str:
    secret = secrets.token_urlsafe(24)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secret, "utf-8")
    except OSError:  # a read-only data folder: chats last until the app restarts
        pass
    return secret


def _size(value: dict[str, Any]) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8"))


def saved_article(article: Article, budget: int) -> dict[str, Any]:
    """The JSON a browser keeps of ``article``: its text only within ``budget`` bytes."""
    kept = {
        "version": VERSION,
        "source": article.source,
        "title": article.title,
        "name": Heading.of(article).title,
        "sha256": article.sha256,
        "text": article.text,
    }
    if _size(kept) > budget:
        kept["text"] = None
    return kept


def saved_turns(article: Article, turns: Sequence[Turn], budget: int) -> dict[str, Any]:
    """The JSON a browser keeps of the turns about ``article``, the oldest dropped past
    ``budget`` bytes."""
    kept_turns = [{"question": t.question, "answer": t.answer.to_json()} for t in turns]
    kept = {"version": VERSION, "sha256": article.sha256, "turns": kept_turns}
    excess = _size(kept) - budget
    dropped = 0
    while excess > 0 and dropped < len(kept_turns):  # each turn measured once, not the whole
        excess -= _size(kept_turns[dropped]) + 2  # its JSON and the ", " that joined it
        dropped += 1
    kept["turns"] = kept_turns[dropped:]
    return kept


def too_large_notice(article: SavedArticle) -> str:
    name = article.name or article.title or source_label(article.source)
    if "://" in article.source:
        return (
            f"“{name}” is too large to keep in this browser, so it was fetched again from its "
            "address; the conversation was kept."
        )
    return (
        f"“{name}” is too large to keep in this browser: load it again to ask more about it. "
        "The conversation was kept."
    )


def is_empty(raw: Any) -> bool:
    return raw in (None, "", {}, [])


def read_turns(raw: Any, sha256: str) -> list[Turn]:
    """The turns in ``raw`` when they are about the article ``sha256`` ([] when none are);
    ValueError (``UNREADABLE``) when ``raw`` does not parse."""
    if is_empty(raw):
        return []
    try:
        chat = SavedChat.model_validate(raw)
        turns = [Turn(t.question, Answer.from_json(t.answer)) for t in chat.turns]
    except (ValidationError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(UNREADABLE) from exc
    return turns if chat.sha256 == sha256 else []


def read_saved(article_raw: Any, chat_raw: Any) -> Kept | None:
    """What the two BrowserStates hold; None when no article was kept.

    ValueError (``UNREADABLE``) when either is there but does not parse.
    """
    if is_empty(article_raw):
        return None
    try:
        article = SavedArticle.model_validate(article_raw)
    except ValidationError as exc:
        raise ValueError(UNREADABLE) from exc
    turns = read_turns(chat_raw, article.sha256)
    notice = too_large_notice(article) if article.text is None else ""
    return Kept(article, turns, notice)
