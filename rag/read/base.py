"""One interface for every answerer that needs no LLM, and the factory settings choose with.

    reader = make_reader(settings, load_nlp=lambda: nlp, nlp_lock=lock)
    answer = reader.answer("Who ruled out sending troops?", passages, article)

Only the chosen reader's module is imported: the neural default never loads spaCy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from rag.config import Settings
from rag.types import Answer, Article, Passage

if TYPE_CHECKING:
    from spacy.language import Language


class Reader(Protocol):
    def answer(self, question: str, passages: Sequence[Passage], article: Article) -> Answer:
        """A short answer citing the article's sentences, or an abstention (``Answer.abstain``)
        from ``passages`` (retrieved sentences, best first)."""
        ...


def make_reader(
    settings: Settings, *, load_nlp: Callable[[], Language], nlp_lock: threading.Lock
) -> Reader:
    """``settings.reader``'s reader: "neural" (rag/read/neural) or "rules" (rag/read/rules),
    which parses with ``load_nlp()`` under ``nlp_lock``."""
    if settings.reader == "neural":
        from rag.read.neural.reader import NeuralReader

        return NeuralReader.load(
            settings.reader_model,
            threshold=settings.reader_threshold,
            threads=settings.reader_threads,
            top_k=settings.reader_windows,
        )
    from rag.read.rules.reader import RulesReader

    return RulesReader(
        load_nlp(), nlp_lock, threshold=settings.abstain_threshold, top_k=settings.top_k
    )
