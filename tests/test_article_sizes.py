"""The neural reader's decision means the same on an article of one sentence and of five hundred.

The same fact, set in the middle of articles of 1, 2, 5, 50 and 500 sentences (the others from
bench/generated.py's made-up towns), is answered from its sentence with about the same
confidence at every size, and a question the article has nothing on is refused at every size.
Before the decision's features counted windows the way a long article's reading has them
(rag/read/neural/decision.py), a one-sentence article got a 20-point "gap to the runner-up"
and full agreement from its lone window: the same answer went from 30 % to 56 %.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generated import generated_article
from rag.config import Settings
from rag.ingest.article import article_from_text
from rag.service import ArticleService
from tests.conftest import resources_like

FACT = "Jane Okafor opened the new harbour bridge in Avonmouth on Friday."
SIZES = (1, 2, 5, 50, 500)
SPREAD = 0.15  # largest difference in confidence across sizes (measured: 0.09)


def filler(count: int) -> list[str]:
    """``count`` sentences about made-up towns, none about a bridge in Avonmouth."""
    sentences: list[str] = []
    number = 0
    while len(sentences) < count:
        text = generated_article(number).text.replace("\n", " ")
        sentences += [s.strip().rstrip(".") + "." for s in text.split(". ") if s.strip()]
        number += 1
    return sentences[:count]


def article_of(size: int) -> str:
    sentences = filler(size - 1)
    sentences.insert(len(sentences) // 2, FACT)
    return " ".join(sentences)


@pytest.fixture(scope="module")
def service(seed_resources, tmp_path_factory: pytest.TempPathFactory) -> ArticleService:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("sizes")), reader="neural")
    return ArticleService(settings, resources_like(seed_resources, settings))


@pytest.mark.slow
def test_a_fact_is_answered_alike_in_articles_of_every_size(service) -> None:  # type: ignore[no-untyped-def]
    confidences = {}
    for size in SIZES:
        article = article_from_text(article_of(size))
        key = service.load(article).id
        assert len(article.sentences) == size
        answer = service.ask(key, "Who opened the harbour bridge?")
        fact = next(s.idx for s in article.sentences if s.text == FACT)
        assert (answer.short, [c.sentence for c in answer.citations]) == ("Jane Okafor", [fact])
        confidences[size] = answer.confidence
        off_topic = service.ask(key, "Who won the football match?")
        assert off_topic.abstained, (size, off_topic.text)
    assert max(confidences.values()) - min(confidences.values()) <= SPREAD, confidences
