"""Answers from an LLM backend, streamed, then checked against the article.

    answerer = LlmAnswerer(index, resources, model, retriever=retriever, backend="openai",
                           fallback=extractive_chain)   # retriever: rag/pipeline.py's
    for part in answerer.stream("Who ruled out sending troops?"):
        ...  # str: the text so far; the last part is the checked Answer

The model sees the retrieved sentences, numbered as in the article, as quoted data
(prompts/answer_*.txt). When it finishes, rag/generate/citations.py keeps only
the markers whose sentences support their claims. If nothing supported is left, or the model
fails, the extractive answer is returned with a note saying so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable

from rag.generate.citations import (
    ADDED,
    attach_missing,
    check_citations,
    parse_claims,
    render_checked,
)
from rag.generate.templates import render_prompt
from rag.pipeline import final_answer
from rag.retrieve.hybrid import document_to_passage
from rag.types import NO_ANSWER, Answer, Article, Citation, Passage, Sentence, citation_markers

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from rag.index.collection import ArticleIndex
    from rag.pipeline import Resources
    from rag.retrieve.hybrid import HybridRetriever

log = logging.getLogger(__name__)

_NO_ANSWER_HINTS = (
    "doesn't say",
    "does not say",
    "doesn’t say",
    "not in the article",
    "cannot find",
    "can't find",
    "not mentioned",
    "no information",
)


def context_sentences(passages: Sequence[Passage], article: Article, limit: int) -> list[Sentence]:
    """The sentences the model reads: the best-ranked ones, each with the sentence before it
    (a "he said" needs its speaker), at most ``limit``, in article order."""
    chosen: dict[int, Sentence] = {}
    for p in passages:
        for n in (p.sentence.idx, p.sentence.idx - 1):
            if len(chosen) < limit and 1 <= n <= len(article.sentences):
                chosen.setdefault(n, article.sentence(n))
    return [chosen[n] for n in sorted(chosen)]


def format_sentences(sentences: Sequence[Sentence]) -> str:
    """'[n] "text"' lines: numbered like the article, quoted as data."""
    return "\n".join(f'[{s.idx}] "{s.text}"' for s in sentences)


def answer_messages(
    question: str, sentences: Sequence[Sentence], prompts_dir: Any = None
) -> list[BaseMessage]:
    system = render_prompt("answer_system", prompts_dir, no_answer=NO_ANSWER)
    user = render_prompt(
        "answer_user", prompts_dir, sentences=format_sentences(sentences), question=question
    )
    return [SystemMessage(system), HumanMessage(user)]


def is_no_answer(text: str) -> bool:
    lowered = text.lower()
    return not text.strip() or any(h in lowered for h in _NO_ANSWER_HINTS)


def embedding_similarity(embedder: Embeddings, texts: Sequence[str]) -> Any:
    """A ``similarity(a, b)`` over the cosine of these texts' embeddings (computed once)."""
    unique = list(dict.fromkeys(texts))
    vectors = np.asarray(embedder.embed_documents(unique), dtype=np.float32) if unique else None
    position = {t: i for i, t in enumerate(unique)}

    def similarity(a: str, b: str) -> float:
        if vectors is None:
            return 0.0
        va, vb = vectors[position[a]], vectors[position[b]]
        norm = float(np.linalg.norm(va) * np.linalg.norm(vb)) or 1.0
        return float(va @ vb) / norm

    return similarity


class LlmAnswerer:
    """Retrieve, prompt, stream, check: one LLM backend over one article."""

    def __init__(
        self,
        index: ArticleIndex,
        resources: Resources,
        model: BaseChatModel,
        *,
        retriever: HybridRetriever,
        backend: str,
        fallback: Runnable[str, Answer],
    ) -> None:
        self.index = index
        self.article = index.article
        self.settings = resources.settings
        self.embedder = resources.embedder
        self.model = model
        self.retriever = retriever  # the pipeline's, shared with the extractive chain
        self.backend = backend
        self.fallback = fallback

    def stream(self, question: str) -> Iterator[str | Answer]:
        """Yield the answer text as it grows, then the checked Answer."""
        started = time.perf_counter()
        docs = self.retriever.invoke(question)[: self.settings.llm_context_sentences]
        passages = [document_to_passage(d, self.article) for d in docs]
        sentences = context_sentences(passages, self.article, self.settings.llm_context_sentences)
        messages = answer_messages(question, sentences, self.settings.prompts_dir)
        text = ""
        try:
            for chunk in self.model.stream(messages):
                text += chunk.text
                yield text
        except Exception as exc:  # any client error: refused, timeout, 5xx, bad JSON
            log.warning("%s backend failed: %s", self.backend, exc)
            yield self._fall_back(question, f"The {self.backend} backend failed ({_brief(exc)}).")
            return
        answer = self.check(question, text, passages, sentences)
        answer.retrieved = [p.sentence.idx for p in passages]
        answer.timings["total"] = (time.perf_counter() - started) * 1000
        yield answer

    def invoke(self, question: str) -> Answer:
        return final_answer(self.stream(question))

    def check(
        self, question: str, text: str, passages: Sequence[Passage], shown: Sequence[Sentence]
    ) -> Answer:
        """The model's text, with only the citations the article supports; ``shown`` are the
        sentences the model read (an uncited claim may get one of them)."""
        closest = [Citation.of(p.sentence) for p in passages[:3]]
        if is_no_answer(text):
            return Answer.abstain(closest, backend=self.backend)
        claims = parse_claims(text)
        cited = [self.article.sentence(n).text for c in claims for n in c.markers
                 if 1 <= n <= len(self.article.sentences)]  # fmt: skip
        similarity = embedding_similarity(
            self.embedder, [c.text for c in claims] + cited + [s.text for s in shown]
        )
        threshold = self.settings.support_threshold
        checked = check_citations(claims, self.article, similarity, threshold)
        checked = attach_missing(checked, shown, similarity, threshold)
        added_to = dict.fromkeys(c.sentence for c in checked.checks if c.reason == ADDED)
        added = citation_markers(added_to)  # each sentence once
        dropped = [
            {"sentence": c.sentence, "claim": claims[c.claim].text, "reason": c.reason}
            for c in checked.dropped
        ]
        if not checked.has_support:
            answer = self._fall_back(
                question,
                f"The {self.backend} model's answer cited nothing the article supports; "
                "this is the extractive answer.",
            )
            answer.dropped = dropped
            return answer
        return Answer(
            text=render_checked(checked),
            abstained=False,
            citations=[Citation.of(self.article.sentence(n)) for n in checked.kept],
            closest=closest,
            backend=self.backend,
            unsupported=[c.text for i, c in enumerate(claims) if not checked.is_supported(i)],
            dropped=dropped,
            note=(
                f"The model left claims uncited; the checker added {added} where the article "
                "supports them."
                if added
                else ""
            ),
        )

    def _fall_back(self, question: str, note: str) -> Answer:
        answer = self.fallback.invoke(question)
        answer.note = note
        answer.backend = f"extractive (fallback from {self.backend})"
        return answer


def _brief(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
