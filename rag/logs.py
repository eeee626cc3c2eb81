"""Logging set-up for the edges (CLI, app). Library modules only call getLogger."""

from __future__ import annotations

import logging
import sys

# Libraries that log chatter at INFO/DEBUG on their own loggers (bm25s sets DEBUG itself).
_NOISY = ("bm25s", "chromadb", "httpx", "sentence_transformers", "transformers", "urllib3")


def configure_logging(verbose: bool = False) -> None:
    """WARNING and up to stderr (INFO with ``verbose``); third-party chatter held back."""
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(
        level=level,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    # The handler filters too: bm25s resets its own logger to DEBUG when it is imported.
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
