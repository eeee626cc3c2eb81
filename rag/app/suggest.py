"""Example questions to offer as chips for an article, and the shipped example articles.

The first chip asks for an overview, what a newcomer asks first. Then a shipped article
(rag/app/examples/*.txt, package data) gets its listed questions (examples/questions.json),
which are known to be answerable; any other article gets questions about the people and
organisations it names most, built from spaCy entities.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from rag.asks.smalltalk import OVERVIEW_QUESTION
from rag.ingest.article import article_from_text
from rag.types import Article

if TYPE_CHECKING:
    from spacy.language import Language

MAX_SUGGESTIONS = 4
SEED_ARTICLE = "seed-article.txt"  # the article the web chat opens with
QUESTIONS_FILE = "questions.json"


def example_file(name: str) -> Path:
    """A file shipped in rag/app/examples/ (package data): an article or questions.json."""
    return Path(str(resources.files("rag.app") / "examples" / name))


@lru_cache(maxsize=1)
def shipped_questions() -> dict[str, tuple[str, ...]]:
    """sha256 of each shipped article's cleaned text -> its example questions.

    questions.json holds, for each article, the first question asked of each distinct answer
    in its eval set (eval/sets/): all answerable, and tests/test_eval_sets.py keeps them equal.
    """
    listed = json.loads(example_file(QUESTIONS_FILE).read_text("utf-8"))
    return {
        article_from_text(example_file(name).read_text("utf-8")).sha256: tuple(questions)
        for name, questions in listed.items()
    }


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


def suggest_questions(
    article: Article, load_nlp: Callable[[], Language], limit: int = MAX_SUGGESTIONS
) -> list[str]:
    """Up to ``limit`` example questions for ``article``, the overview first; spaCy
    (``load_nlp()``) is loaded only for an article we did not ship."""
    shipped = shipped_questions().get(article.sha256)
    if shipped:
        return [OVERVIEW_QUESTION, *shipped[: limit - 1]]
    return [OVERVIEW_QUESTION, *entity_questions(article, load_nlp(), limit - 1)]
