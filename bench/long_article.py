"""A deterministic long article (>= 800 sentences) for the benchmark.

The two shipped articles, whole, sit inside a long run of generated council-report
paragraphs (fixed seed, so the text and its sha256 never change). The seed set's questions
keep their evidence in the seed article's part, so answers can be checked on the long text.

    python -m bench.long_article > /tmp/long.txt
"""

from __future__ import annotations

import random
from pathlib import Path

ARTICLES = Path(__file__).resolve().parent.parent / "rag" / "app" / "examples"
_TOWNS = ["Halden", "Moss", "Larvik", "Skien", "Arendal", "Hamar", "Gjovik", "Molde", "Bodo",
          "Narvik", "Tromso", "Alta", "Voss", "Leknes", "Egersund", "Kongsberg"]  # fmt: skip
_PEOPLE = ["Kari Berg", "Ole Vik", "Ingrid Dahl", "Nils Haug", "Sigrid Lunde", "Per Moen",
           "Astrid Holm", "Lars Strand", "Eva Lie", "Jon Bakke", "Hilde Aas",
           "Tor Foss"]  # fmt: skip
_ROLES = ["the council leader", "the finance officer", "a harbour engineer", "the school head",
          "a local farmer", "the library director", "a bus driver", "the fire chief"]  # fmt: skip
_TOPICS = ["road repairs", "a new swimming hall", "school meals", "snow clearing", "the ferry "
           "timetable", "street lighting", "a youth club", "water pipes", "the town library",
           "bus shelters", "a cycle lane", "flood defences"]  # fmt: skip
_TEMPLATES = [
    "The council in {town} voted {n} to {m} on {day} to spend {money} million kroner on {topic}.",
    "{person}, {role}, said the plan for {topic} would take {n} months to finish.",
    "Residents of {town} had asked for {topic} since {year}, according to the local paper.",
    "Work on {topic} in {town} is expected to start in {month} and employ {m} people.",
    "{person} told the meeting that {topic} had cost {money} million kroner less than planned.",
    "Opposition members in {town} argued that {topic} should wait until {year}.",
    "A survey of {n}0 households found that most wanted {topic} before anything else.",
    "The regional government will pay {m} percent of the cost of {topic}, {person} said.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
_MONTHS = ["January", "March", "April", "June", "August", "September", "October"]


def generated_paragraph(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        template = rng.choice(_TEMPLATES)
        out.append(
            template.format(
                town=rng.choice(_TOWNS),
                person=rng.choice(_PEOPLE),
                role=rng.choice(_ROLES),
                topic=rng.choice(_TOPICS),
                n=rng.randint(3, 29),
                m=rng.randint(2, 40),
                day=rng.choice(_DAYS),
                month=rng.choice(_MONTHS),
                year=rng.randint(2009, 2023),
                money=rng.randint(2, 90),
            )
        )
    return " ".join(out)


def long_article(min_sentences: int = 800, seed: int = 7) -> str:
    """Generated paragraphs, the seed article a third of the way in, the harbour article at
    two thirds; about ``min_sentences`` sentences or a few more."""
    rng = random.Random(seed)
    seed_text = (ARTICLES / "seed-article.txt").read_text(encoding="utf-8").strip()
    harbour = (ARTICLES / "harbour-bridge.txt").read_text(encoding="utf-8").strip()
    paragraphs = [generated_paragraph(rng, 5) for _ in range(min_sentences // 5)]
    third = len(paragraphs) // 3
    paragraphs.insert(third, seed_text)
    paragraphs.insert(2 * third, harbour)
    return "\n\n".join(paragraphs)


if __name__ == "__main__":
    print(long_article())
