"""What a browser keeps of its chat: the article and every turn, in its own localStorage.

The web chat holds this in a ``gr.BrowserState`` (Gradio encrypts it with ``browser_secret``
and writes it to localStorage after each event), so it survives a reload and a browser
restart, stays per browser, and is never stored on the server: the server only reads it
while handling that browser's event. Shape (JSON, version 1):

    {"version": 1,
     "article": {"source": "https://…", "title": "…", "sha256": "…", "text": "…" or null},
     "turns": [{"question": "Who…?", "answer": Answer.to_json()}, …]}

Size: at most ``settings.browser_keep_bytes`` of UTF-8 JSON. Past it the article's text is
left out (``text`` null, its source kept: a URL is fetched again on reload); past it even
then, the oldest turns are dropped. A value that does not parse (another version, edited by
hand) is dropped with a notice, never a crash.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from rag.transcript import Turn
from rag.types import Answer, Article

VERSION = 1
STORAGE_KEY = "article-chatbot-chat"
SECRET_FILE = "browser-state.secret"


class SavedArticle(BaseModel):
    source: str
    title: str = ""
    sha256: str
    text: str | None = None  # None: too large for the browser; reload it from ``source``


class SavedTurn(BaseModel):
    question: str
    answer: dict[str, Any]  # Answer.to_json()


class SavedChat(BaseModel):
    version: Literal[1]
    article: SavedArticle
    turns: list[SavedTurn] = []


@dataclass(frozen=True, slots=True)
class Kept:
    """A parsed saved chat: the article as kept, its turns, and what the user should know."""

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


def saved_chat(article: Article, turns: Sequence[Turn], budget: int) -> dict[str, Any]:
    """The JSON a browser keeps for ``article`` and ``turns``, within ``budget`` bytes."""
    about: dict[str, Any] = {
        "source": article.source,
        "title": article.title,
        "sha256": article.sha256,
        "text": article.text,
    }
    kept_turns = [{"question": t.question, "answer": t.answer.to_json()} for t in turns]
    kept = {"version": VERSION, "article": about, "turns": kept_turns}
    if _size(kept) > budget:
        about["text"] = None
    while _size(kept) > budget and kept_turns:
        kept_turns.pop(0)
    return kept


def too_large_notice(article: SavedArticle) -> str:
    name = article.title or article.source
    if "://" in article.source:
        return (
            f"“{name}” is too large to keep in this browser, so it was fetched again from its "
            "address; the conversation was kept."
        )
    return (
        f"“{name}” is too large to keep in this browser: load it again to ask more about it. "
        "The conversation was kept."
    )


def read_saved(raw: Any) -> Kept | None:
    """The saved chat in ``raw`` (BrowserState's value); None when there is none.

    ValueError, with a message for the user, when it is there but does not parse.
    """
    if raw in (None, "", {}, []):
        return None
    try:
        chat = SavedChat.model_validate(raw)
        turns = [Turn(t.question, Answer.from_json(t.answer)) for t in chat.turns]
    except (ValidationError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            "The chat saved in this browser could not be read (it is from another version "
            "of the app, or was changed), so it was cleared."
        ) from exc
    notice = too_large_notice(chat.article) if chat.article.text is None else ""
    return Kept(chat.article, turns, notice)
