"""The chat's Markdown export as a file the page's download button serves.

    folder = ExportFolder()                       # a private temporary folder per app
    path = folder.write(Heading.of(article), turns)   # …/nato-troops-ab12cd34.md

Files are named by the article's title and the content's hash (the same conversation is one
file), and files older than ``max_age_s`` are removed as new ones are written. A folder the
ExportFolder made itself is removed with it: when it is collected, or when the process exits.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from rag.transcript import Heading, Turn, transcript_markdown

MAX_AGE_S = 3600  # an export is downloaded right after it is made; an hour is plenty


def file_stem(title: str) -> str:
    """A short, safe file name from an article's title.

    >>> file_stem("NATO: troops 'ruled out' (Reuters)")
    'nato-troops-ruled-out-reuters'
    >>> file_stem("")
    'article-chat'
    """
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)[:60].strip("-") or "article-chat"


class ExportFolder:
    def __init__(self, folder: Path | None = None, max_age_s: float = MAX_AGE_S) -> None:
        self._made: tempfile.TemporaryDirectory[str] | None = None  # removed with this object
        if folder is None:
            self._made = tempfile.TemporaryDirectory(prefix="rag-export-")
            folder = Path(self._made.name)
        self.folder = folder
        self.max_age_s = max_age_s
        self._lock = threading.Lock()

    def write(self, heading: Heading, turns: Sequence[Turn]) -> Path:
        """The conversation's Markdown file (written now, or already there)."""
        text = transcript_markdown(heading, turns)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        path = self.folder / f"{file_stem(heading.title)}-{digest}.md"
        with self._lock:
            self._prune()
            if not path.exists():
                path.write_text(text, encoding="utf-8")
        return path

    def _prune(self) -> None:
        cutoff = time.time() - self.max_age_s
        for old in self.folder.glob("*.md"):
            try:
                if old.stat().st_mtime < cutoff:
                    old.unlink()
            except OSError:  # another process pruned it first
                continue
