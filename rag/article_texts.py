"""Texts of the articles a process has loaded, kept to index one again by its id.

texts = ArticleTexts(budget=20_000_000)   # characters in all
texts.add(key, article); texts.get(key)   # the least recently added dropped past budget
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from rag.types import Article


class ArticleTexts:
    """Articles by id, least recently added dropped past ``budget`` characters in all."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._articles: OrderedDict[str, Article] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def add(self, key: str, article: Article) -> None:
        with self._lock:
            if key in self._articles:
                self._articles.move_to_end(key)
                return
            self._articles[key] = article
            self._chars += len(article.text)
            while self._chars > self.budget and len(self._articles) > 1:
                _, dropped = self._articles.popitem(last=False)
                self._chars -= len(dropped.text)

    def get(self, key: str) -> Article | None:
        with self._lock:
            return self._articles.get(key)

    def __len__(self) -> int:
        return len(self._articles)
