"""The rules as a Reader: parse the question and the sentences it reads, then answer_question.

    reader = RulesReader(nlp, threading.Lock(), threshold=0.40, top_k=5)
    answer = reader.answer("Who ruled out sending troops?", passages, article)

spaCy pipelines are not thread-safe, so a parse holds ``lock`` (the one the follow-up
resolver shares). Sentences are parsed on demand and kept per article: the first questions
about an article pay for them, later ones reuse them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rag.read.rules.extractive import answer_question
from rag.types import Answer, Article, Passage

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

ARTICLES_PARSED = 64  # articles whose sentence parses are kept (least recently used dropped)


class SentenceDocs:
    """Memoised ``sentence number -> spaCy Doc`` for one article, parsed on demand.

    ``prefetch`` parses the sentences a question will read in one ``nlp.pipe`` batch:
    5 ms a sentence piped against 9 ms one by one (seed article, 2 cores). Parsing every
    sentence at indexing time instead would add ~80 ms to the seed's index and seconds to
    an 800-sentence article's; on demand, only the first questions pay.
    """

    def __init__(self, article: Article, nlp: Language) -> None:
        self.article = article
        self.nlp = nlp
        self.docs: dict[int, Doc] = {}

    def prefetch(self, numbers: Iterable[int]) -> None:
        wanted = sorted({n for n in numbers if 1 <= n <= len(self.article.sentences)})
        missing = [n for n in wanted if n not in self.docs]
        texts = [self.article.sentence(n).text for n in missing]
        for n, doc in zip(missing, self.nlp.pipe(texts), strict=True):
            self.docs[n] = doc

    def __call__(self, number: int) -> Doc:
        if number not in self.docs:
            self.docs[number] = self.nlp(self.article.sentence(number).text)
        return self.docs[number]


class RulesReader:
    """Hand-set rules over spaCy parses (rag/read/rules/extractive.py)."""

    def __init__(
        self, nlp: Language, lock: threading.Lock, *, threshold: float, top_k: int
    ) -> None:
        self.nlp = nlp
        self.lock = lock
        self.threshold = threshold
        self.top_k = top_k
        self._parsed: OrderedDict[str, SentenceDocs] = OrderedDict()

    def sentence_docs(self, article: Article) -> SentenceDocs:
        """The article's parse memo (call with ``lock`` held)."""
        docs = self._parsed.get(article.sha256)
        if docs is None:
            docs = self._parsed[article.sha256] = SentenceDocs(article, self.nlp)
            while len(self._parsed) > ARTICLES_PARSED:
                self._parsed.popitem(last=False)
        self._parsed.move_to_end(article.sha256)
        return docs

    def answer(self, question: str, passages: Sequence[Passage], article: Article) -> Answer:
        """Parses the question and the top sentences with the ones just before them (a "he
        said" needs its speaker), then applies the rules."""
        with self.lock:
            lookup = self.sentence_docs(article)
            lookup.prefetch(
                n for p in passages[: self.top_k] for n in (p.sentence.idx - 1, p.sentence.idx)
            )
            return answer_question(
                self.nlp(question),
                passages,
                article,
                lookup,
                threshold=self.threshold,
                top_k=self.top_k,
            )
