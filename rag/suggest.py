"""Example questions to offer as chips for an article.

A shipped article (one of eval/articles/) gets the first questions of its own eval set,
which are known to be answerable; any other article gets questions about the people and
organisations it names most, built from spaCy entities.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from rag.article import article_from_text
from rag.types import Article

if TYPE_CHECKING:
    from spacy.language import Language

MAX_SUGGESTIONS = 4


@lru_cache(maxsize=1)
def shipped_questions() -> dict[str, tuple[str, ...]]:
    """sha256 of each shipped article's cleaned text -> its eval set's answerable questions."""
    found: dict[str, tuple[str, ...]] = {}
    sets = resources.files("eval") / "sets"
    articles = resources.files("eval") / "articles"
    for entry in sets.iterdir():
        if not entry.name.endswith(".jsonl"):
            continue
        lines = [json.loads(line) for line in entry.read_text("utf-8").splitlines() if line.strip()]
        named = {line.get("article", "") for line in lines} - {""}
        if len(named) != 1:
            continue
        text = (articles / named.pop().rsplit("/", 1)[-1]).read_text("utf-8")
        digest = article_from_text(text).sha256
        answered = [line for line in lines if line.get("answerable") and line.get("answers")]
        # One question per distinct answer: a set asks the same thing in several wordings.
        firsts = {line["answers"][0]: line["question"] for line in reversed(answered)}
        found[digest] = tuple(firsts.values())[::-1]
    return found


def entity_questions(article: Article, nlp: Language, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Questions about the most-named people and organisations in the first sentences."""
    people: Counter[str] = Counter()
    orgs: Counter[str] = Counter()
    texts = [s.text for s in article.sentences[:20]]
    for doc in nlp.pipe(texts):
        for ent in doc.ents:
            name = ent.text.strip().removesuffix("’s").removesuffix("'s")
            if ent.label_ == "PERSON" and len(name.split()) >= 2:
                people[name] += 1
            elif ent.label_ == "ORG" and len(name) > 2:
                orgs[name] += 1
    questions: list[str] = []
    for name, _ in people.most_common(2):
        questions += [f"Who is {name}?", f"What did {name.split()[-1]} say?"]
    questions += [f"What is {name}?" for name, _ in orgs.most_common(2)]
    return questions[:limit]


def suggest_questions(article: Article, nlp: Language, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Up to ``limit`` example questions for ``article``."""
    shipped = shipped_questions().get(article.sha256)
    if shipped:
        return list(shipped[:limit])
    return entity_questions(article, nlp, limit)
