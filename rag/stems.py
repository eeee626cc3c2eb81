"""Snowball stems, one stemmer for every stage that compares words (PyStemmer, bm25s's own).

>>> stem("warning") == stem("warned"), stem("operator") == stem("operates")
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """Snowball stem, so "warning"/"warned" and "operates"/"operator" meet."""
    return str(_stemmer().stemWord(word))


def stem_words(words: Iterable[str]) -> list[str]:
    """``stem`` of each word, in one call."""
    return [str(s) for s in _stemmer().stemWords(list(words))]
