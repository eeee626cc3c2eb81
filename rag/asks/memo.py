"""What is worked out once per article and kept with its index (``ArticleIndex.cache``):
the stored sentence vectors, the people and organisations it names, its words.

    vectors = sentence_vectors(index)               # from Chroma, one row per sentence
    people = named_in(index, resources)             # spaCy, under the shared lock
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from rag.asks.people import Person, entities_in

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from rag.index.collection import ArticleIndex
    from rag.pipeline import Resources

_WORDS = re.compile(r"[A-Za-z]+")


def sentence_vectors(index: ArticleIndex) -> np.ndarray:
    """Each sentence's stored embedding, in order (from Chroma, kept per article)."""
    if "vectors" not in index.cache:
        ids = [f"s{s.idx}" for s in index.article.sentences]
        stored = index.store.get(ids=ids, include=["embeddings"])
        by_id = dict(zip(stored["ids"], stored["embeddings"], strict=True))
        index.cache["vectors"] = np.asarray([by_id[i] for i in ids], dtype=np.float32)
    vectors: np.ndarray = index.cache["vectors"]
    return vectors


def named_in(
    index: ArticleIndex, resources: Resources, labels: tuple[str, ...] = ("PERSON",)
) -> list[Person]:
    """The people (or organisations) the article names, parsed once per article."""
    key = f"named:{','.join(labels)}"
    if key not in index.cache:
        numbers = [s.idx for s in index.article.sentences]
        index.cache[key] = named_among(index, resources, numbers, labels)
    named: list[Person] = index.cache[key]
    return named


def named_among(
    index: ArticleIndex, resources: Resources, numbers: Sequence[int], labels: tuple[str, ...]
) -> list[Person]:
    """The people (or organisations) named in sentences ``numbers`` only: what a question
    about a few retrieved sentences needs, without parsing a long article whole."""
    wanted = sorted(set(numbers))
    docs = parsed_all(index, resources, wanted)
    return entities_in([index.article.sentence(n) for n in wanted], docs, labels)


def article_words(index: ArticleIndex) -> tuple[frozenset[str], frozenset[str]]:
    """The article's lower-cased words, and those it capitalises inside a sentence (names)."""
    if "words" not in index.cache:
        vocabulary: set[str] = set()
        names: set[str] = set()
        for sentence in index.article.sentences:
            words = _WORDS.findall(sentence.text)
            vocabulary.update(w.lower() for w in words)
            names.update(w.lower() for w in words[1:] if w[0].isupper())
        index.cache["words"] = (frozenset(vocabulary), frozenset(names))
    vocabulary_and_names: tuple[frozenset[str], frozenset[str]] = index.cache["words"]
    return vocabulary_and_names


def parsed(index: ArticleIndex, resources: Resources, number: int) -> Doc:
    """Sentence ``number`` parsed by spaCy, once per article."""
    return parsed_all(index, resources, [number])[0]


def parsed_all(index: ArticleIndex, resources: Resources, numbers: Sequence[int]) -> list[Doc]:
    """Sentences ``numbers`` parsed by spaCy, each once per article whichever asks for it
    (the ones not parsed yet in one ``nlp.pipe`` batch, under the shared lock)."""
    docs: dict[int, Doc] = index.cache.setdefault("parsed", {})
    missing = [n for n in numbers if n not in docs]
    if missing:
        with resources.nlp_lock:
            texts = [index.article.sentence(n).text for n in missing]
            docs.update(zip(missing, resources.nlp.pipe(texts), strict=True))
    return [docs[n] for n in numbers]
