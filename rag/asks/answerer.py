"""One answer path for whatever a reader types: recognise the ask, then compose or read.

    asks = AskAnswerer(resources)
    ask = asks.recognise("tl;dr pls", history)            # Ask(kind="overview", …)
    answer = asks.compose(ask, loaded)                    # overview, people, small talk, …
    if answer is None:                                    # a question: the reader reads it
        question = asks.tidy(question, loaded.index)      # (rag/service.py does this)
        read = ask(loaded.chain, question, asks.followup_query(ask, question, history))
        answer = asks.refine(ask, read, loaded, question)

Composed kinds need no reader and no LLM: an overview cites 3-5 of the article's sentences,
"who is involved" lists the people it names with their roles, small talk replies and offers
questions. The others are read by the reader (or an LLM backend) and then refined by kind: a
list extended over all its items, a yes/no question answered "Yes"/"No" from the evidence,
a follow-up read where the chat so far points.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.asks.kinds import Ask, recognise
from rag.asks.memo import article_words, named_among, named_in, sentence_vectors
from rag.asks.overview import choose_overview
from rag.asks.people import ORG_LABELS, Person, find_person
from rag.asks.refine import described, refine
from rag.asks.smalltalk import OVERVIEW_QUESTION, other_language_reply, smalltalk_reply
from rag.asks.spelling import tidy_question
from rag.types import Answer, Citation

if TYPE_CHECKING:
    from rag.index.collection import ArticleIndex
    from rag.pipeline import Resources
    from rag.service import LoadedArticle

MAX_PEOPLE = 12
MAX_NAMING = 50  # sentences naming "X" of "who is X" read for X's role
SUGGEST_FROM = 20  # sentences whose names small talk suggests asking about
_QUOTED = re.compile(r"\b(quot\w*|qout\w*|said|say\w*|speak\w*|spoke|talk\w*|interview\w*)\b", re.I)
_GROUPS = re.compile(
    r"\b(groups?|organi[sz]ations?|compan(?:y|ies)|institutions?|parties|party|churches|"
    r"unions?|agenc(?:y|ies)|charit(?:y|ies)|newspapers?|media|outlets?|firms?|universit\w+)\b",
    re.I,
)
FOLLOWUP_TURNS = 2  # earlier questions whose words help find what a follow-up points to


class AskAnswerer:
    """Recognises asks and composes the answers that need no reader, for one Resources."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    # ---- recognising --------------------------------------------------------------
    def recognise(self, question: str, history: Sequence[dict[str, Any]] | None) -> Ask:
        vector = self.resources.embedder.embed_query(question)
        intent = self.resources.intents.intent(vector)
        return recognise(question, intent=intent, has_history=bool(history))

    # ---- composing ----------------------------------------------------------------
    def compose(self, ask: Ask, loaded: LoadedArticle) -> Answer | None:
        """The answer for a kind that needs no reader; None for the kinds that do (and for
        "who is X" when the article names no X)."""
        started = time.perf_counter()
        answer: Answer | None
        if ask.kind == "overview":
            answer = self.overview(loaded.index)
        elif ask.kind == "chitchat":
            answer = Answer(
                smalltalk_reply(ask.question, self.suggestions(loaded.index)), False, []
            )
        elif ask.kind == "other_language":
            answer = self.other_language(ask, loaded)
        elif ask.kind == "people" and ask.name and ask.intent != "people":
            answer = self.who_is(ask.name, loaded.index)
        elif ask.kind == "people" and ask.name:  # "who's quoted in this?" names no one
            answer = self.who_is(ask.name, loaded.index) or self.people(ask.question, loaded.index)
        elif ask.kind == "people":
            answer = self.people(ask.question, loaded.index)
        else:
            return None
        if answer is None:
            return None
        answer.kind = ask.kind
        answer.timings["answer"] = (time.perf_counter() - started) * 1000
        return answer

    def overview(self, index: ArticleIndex) -> Answer:
        article = index.article
        chosen = choose_overview(article.sentences, sentence_vectors(index))
        citations = [Citation.of(article.sentence(n)) for n in chosen]
        lines = [f"- {c.text} [{c.sentence}]" for c in citations]
        short = " ".join(c.text for c in citations)
        return Answer("\n".join(lines), False, citations, short=short, guess=short, confidence=1.0)

    def people(self, question: str, index: ArticleIndex) -> Answer:
        article = index.article
        asks_groups = bool(_GROUPS.search(question))
        people = [] if asks_groups else self.named(index)
        label = "People"
        if _QUOTED.search(question) and any(p.is_quoted for p in people):
            people, label = [p for p in people if p.is_quoted], "Quoted"
        if not people:
            people, label = self.named(index, ORG_LABELS), "Organisations"
        if not people:
            return Answer.abstain([Citation.of(s) for s in article.sentences[:3]])
        shown = people[:MAX_PEOPLE]
        lines = [f"- {described(p)} [{p.cited}]" for p in shown]
        more = len(people) - len(shown)
        tail = f"\n…and {more} more." if more > 0 else ""
        citations = [
            Citation.of(article.sentence(n)) for n in dict.fromkeys(p.cited for p in shown)
        ]
        short = ", ".join(p.name for p in shown)
        text = f"{label} in the article:\n" + "\n".join(lines) + tail
        return Answer(text, False, citations, short=short, guess=short, confidence=1.0)

    def who_is(self, name: str, index: ArticleIndex) -> Answer | None:
        """X's role, from the sentences that name X (only those are parsed)."""
        words = [w for w in re.findall(r"\w{3,}", name.lower())]
        naming = [
            s.idx for s in index.article.sentences if any(w in s.text.lower() for w in words)
        ][:MAX_NAMING]
        person = find_person(named_among(index, self.resources, naming, ("PERSON",)), name)
        if person is None or not person.role:
            return None  # the reader tries: a description may not sit beside the name
        sentence = index.article.sentence(person.role_sentence)
        text = f"{person.name}: {person.role} [{sentence.idx}]"
        return Answer(
            text,
            False,
            [Citation.of(sentence)],
            short=person.role,
            guess=person.role,
            confidence=1.0,
        )

    def suggestions(self, index: ArticleIndex) -> list[str]:
        """Two questions worth asking about this article: an overview, then the person (or
        organisation) its first SUGGEST_FROM sentences name most."""
        lead = range(1, min(SUGGEST_FROM, len(index.article.sentences)) + 1)
        named = named_among(index, self.resources, lead, ("PERSON",)) or named_among(
            index, self.resources, lead, ORG_LABELS
        )
        if not named:
            return [OVERVIEW_QUESTION, "Who is quoted in the article?"]
        top = max(named, key=lambda p: (len(p.mentions), -p.sentence))
        return [OVERVIEW_QUESTION, f"Who is {top.name}?"]

    def other_language(self, ask: Ask, loaded: LoadedArticle) -> Answer:
        """The English-only line, with the passage that shares the question's names and
        numbers (BM25 alone: the embedder reads English), cited, when one does."""
        plain = unicodedata.normalize("NFKD", ask.question).encode("ascii", "ignore").decode()
        passages = [p for p in loaded.retriever.passages(plain) if p.lexical > 0]  # "París"
        best = max(passages, key=lambda p: p.lexical, default=None)
        suggestions = self.suggestions(loaded.index)
        if best is None:
            return Answer(other_language_reply(ask.language, suggestions), False, [])
        quoted = f"“{best.sentence.text}” [{best.sentence.idx}]"
        text = other_language_reply(ask.language, suggestions, quoted)
        return Answer(text, False, [Citation.of(best.sentence)], is_low_confidence=True)

    def refine(self, ask: Ask, answer: Answer, loaded: LoadedArticle, question: str) -> Answer:
        """The reader's ``answer`` to ``question`` shaped for the ask's kind
        (rag/asks/refine.py)."""
        return refine(ask, answer, loaded.index, question, self.resources)

    def named(self, index: ArticleIndex, labels: tuple[str, ...] = ("PERSON",)) -> list[Person]:
        return named_in(index, self.resources, labels)

    # ---- reading ------------------------------------------------------------------
    @cached_property
    def known_words(self) -> frozenset[str]:
        """Whole words of the reader's tokenizer vocabulary (all-MiniLM-L6-v2's, uncased)."""
        from rag.models import embedding_model_path

        vocab = Path(embedding_model_path("packaged")) / "vocab.txt"
        words = vocab.read_text(encoding="utf-8").split()
        return frozenset(w for w in words if w.isalpha())

    def tidy(self, question: str, index: ArticleIndex) -> str:
        """The question with shorthand spelled out and words spelled as the article does."""
        vocabulary, names = article_words(index)
        return tidy_question(question, vocabulary, names, self.known_words)

    @staticmethod
    def followup_query(
        ask: Ask, question: str, history: Sequence[dict[str, Any]] | None
    ) -> str | None:
        """What a follow-up is retrieved with: the question and the chat's last earlier
        questions ("and when was that?" + "Where was the study published?"); None (the
        question itself) for a question that stands alone."""
        if not (ask.is_followup and history):
            return None
        earlier = [str(t.get("content", "")) for t in history if t.get("role") == "user"]
        return " ".join([question, *earlier[-FOLLOWUP_TURNS:]])

    # ---- refining what the reader gave ------------------------------------------------
