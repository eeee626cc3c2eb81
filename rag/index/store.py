"""Keep the Chroma store bounded: mark the collections this app makes, drop the least used.

    store = ArticleStore(client, settings)
    store.touch(name)                  # after opening or answering from a collection
    dropped = store.evict(keep=name)   # past settings.store_max_articles: oldest first

Chroma keeps no usage times, so each collection this app creates carries two metadata
fields: ``MARK`` (the collection is ours; collections others made are never touched) and
``USED`` (unix time of its last use, written at most once a minute per collection). Eviction
reads them back from Chroma, so app processes that share one ``chroma run`` server share one
order and one bound.

Chroma 1.5's embedded store deletes a collection's rows but leaves its segment folders on
disk (chroma-core/chroma#5520: 60 articles added and 50 deleted kept 60 folders, 12 MB);
``orphan_segment_dirs`` finds the folders no segment row names, and eviction removes them.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

log = logging.getLogger(__name__)

MARK = "created_by"
APP = "article-chatbot"
USED = "used_at"
TOUCH_EVERY_S = 60.0  # a collection's use time is rewritten at most this often
# Collections named by rag.index.collection.collection_name before they carried the mark; adopted as
# ours (and oldest) only in an embedded store, whose folder belongs to this app.
LEGACY_NAME = re.compile(r"^article-[0-9a-f]{32}-[0-9a-f]{8}$")
SEGMENT_DIR = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PAGE = 100  # collections listed per request


def ours_metadata(used_at: float) -> dict[str, str | float]:
    """The metadata that marks a collection as made by this app and last used at ``used_at``."""
    return {MARK: APP, USED: used_at}


def eviction_order(
    collections: list[tuple[str, dict[str, Any] | None]], *, adopt_legacy: bool
) -> list[str]:
    """Names of this app's collections, least recently used first; others' are left out.

    >>> eviction_order(
    ...     [("b", {MARK: APP, USED: 2.0}), ("theirs", {}), ("a", {MARK: APP, USED: 1.0})],
    ...     adopt_legacy=False,
    ... )
    ['a', 'b']
    """
    ours = []
    for name, metadata in collections:
        metadata = metadata or {}
        if metadata.get(MARK) == APP:
            used = metadata.get(USED)
            ours.append((float(used) if isinstance(used, int | float) else 0.0, name))
        elif adopt_legacy and LEGACY_NAME.match(name):
            ours.append((0.0, name))
    return [name for _, name in sorted(ours)]


def is_missing_collection(exc: BaseException) -> bool:
    """Whether ``exc`` (or an error it wraps) says a Chroma collection no longer exists:
    dropped by eviction here, or by another process sharing the server."""
    from chromadb.errors import NotFoundError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, NotFoundError):
            return True
        seen = seen.__cause__
    return False


def orphan_segment_dirs(chroma_dir: Path) -> list[Path]:
    """Segment folders under an embedded Chroma folder that no segment row names any more.

    Returns [] when the folder's database cannot be read as expected: nothing is removed
    unless Chroma's own table says the folder is unused.
    """
    database = chroma_dir / "chroma.sqlite3"
    if not database.is_file():
        return []
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
            live = {str(row[0]) for row in connection.execute("SELECT id FROM segments")}
    except sqlite3.Error as exc:
        log.warning("not sweeping %s: its segment table is unreadable (%s)", chroma_dir, exc)
        return []
    return sorted(
        path
        for path in chroma_dir.iterdir()
        if path.is_dir() and SEGMENT_DIR.match(path.name) and path.name not in live
    )


class ArticleStore:
    """This app's collections in one Chroma client, bounded to ``max_articles``."""

    def __init__(
        self, client: ClientAPI, *, max_articles: int, chroma_dir: Path | None = None
    ) -> None:
        self.client = client
        self.max_articles = max_articles
        self.chroma_dir = chroma_dir  # an embedded store's folder; None for a server or memory
        self._touched: OrderedDict[str, float] = OrderedDict()  # name -> last write, bounded
        self._lock = threading.Lock()  # guards _touched
        self._evicting = threading.Lock()  # one eviction at a time in this process

    def touch(self, name: str, *, force: bool = False) -> None:
        """Record that ``name`` was used now (a write at most every TOUCH_EVERY_S)."""
        now = time.time()
        with self._lock:
            last = self._touched.get(name)
            if not force and last is not None and now - last < TOUCH_EVERY_S:
                return
            self._touched[name] = now  # claimed: other threads skip this minute's write
            self._touched.move_to_end(name)
            while len(self._touched) > 4 * self.max_articles:
                self._touched.popitem(last=False)
        try:
            self.client.get_collection(name).modify(metadata=ours_metadata(now))
        except Exception as exc:  # dropped meanwhile, or the server is away: not fatal here
            log.info("could not record use of %s: %s", name, exc)

    def exists(self, name: str) -> bool:
        """False only when Chroma says the collection is gone (other errors surface later)."""
        try:
            self.client.get_collection(name)
        except Exception as exc:
            return not is_missing_collection(exc)
        return True

    def evict(self, *, keep: str | None = None) -> list[str]:
        """Drop this app's least recently used collections past ``max_articles`` (never
        ``keep``, the one just opened), then their leftover folders. Returns the names
        dropped."""
        with self._evicting:
            if self.client.count_collections() <= self.max_articles:
                return []
            order = eviction_order(self._listed(), adopt_legacy=self.chroma_dir is not None)
            surplus = len(order) - self.max_articles
            dropped = [name for name in order if name != keep][: max(0, surplus)]
            for name in dropped:
                try:
                    self.client.delete_collection(name)
                except Exception as exc:  # another process dropped it first
                    log.info("could not drop %s: %s", name, exc)
                with self._lock:
                    self._touched.pop(name, None)
            if dropped and self.chroma_dir is not None:
                for folder in orphan_segment_dirs(self.chroma_dir):
                    shutil.rmtree(folder, ignore_errors=True)
        if dropped:
            log.info("store past %d articles: dropped %d", self.max_articles, len(dropped))
        return dropped

    def _listed(self) -> list[tuple[str, dict[str, Any] | None]]:
        listed: list[tuple[str, dict[str, Any] | None]] = []
        while True:
            page = self.client.list_collections(limit=PAGE, offset=len(listed))
            listed.extend((c.name, dict(c.metadata) if c.metadata else None) for c in page)
            if len(page) < PAGE:
                return listed
