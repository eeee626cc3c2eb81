"""Generated news articles with known answers, for load and soak tests (bench/soak.py).

    article = generated_article(7)
    article.text                    # a short report about a made-up town, every sentence naming it
    article.questions[0]            # ("Who is the mayor of Varnholt?", "Petra Lindgren")

Each number gives a different town (its name is unique among the first 10,000), so a
citation that holds another article's town came from another article. Deterministic: the
same number gives the same text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_ONSETS = ("B", "D", "F", "G", "K", "L", "M", "N", "P", "R", "S", "T", "V", "Br", "Gr", "St")
_VOWELS = ("a", "e", "i", "o", "u", "au", "ei")
_MIDDLES = ("l", "n", "r", "s", "v", "nd", "rk", "st", "lm", "rn")
_ENDINGS = ("holt", "bury", "wick", "stad", "heim", "ford", "mere", "dale", "port", "by")
FIRST = (
    *("Petra", "Jonas", "Amira", "Tomas", "Helena", "Rafael", "Ingrid", "Malik"),
    *("Sofia", "Daniel", "Yara", "Oskar", "Leonie", "Mateo", "Nadia", "Viktor"),
)
LAST = (
    *("Lindgren", "Okafor", "Moreau", "Kowalski", "Santos", "Haddad", "Brandt", "Novak"),
    *("Jensen", "Ferreira", "Costa", "Richter", "Nilsson", "Adeyemi", "Varga", "Quist"),
)
FACILITIES = (
    *("library", "swimming pool", "footbridge", "concert hall", "train station"),
    *("sports hall", "museum", "market hall"),
)
RIVERS = ("Aller", "Sava", "Tay", "Mures", "Oder", "Lech", "Isar", "Vltava", "Tisza", "Douro")
TOWNS = len(_ONSETS) * len(_VOWELS) * len(_MIDDLES) * len(_VOWELS) * len(_ENDINGS)
MONTHS = ("March", "April", "May", "June", "September", "October", "November")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


@dataclass(frozen=True, slots=True)
class GeneratedArticle:
    number: int
    town: str
    text: str
    questions: tuple[tuple[str, str], ...]  # (question, the answer the article gives)


def town_name(number: int) -> str:
    """A made-up town name, different for each number below 10,000.

    >>> town_name(0), town_name(1), town_name(9_999)
    ('Balaholt', 'Stulabury', 'Deirauby')
    """
    parts = []
    number = number * 7919 % TOWNS  # a prime step: neighbouring numbers differ in every part
    for choices in (_ONSETS, _VOWELS, _MIDDLES, _VOWELS, _ENDINGS):
        number, digit = divmod(number, len(choices))
        parts.append(choices[digit])
    return "".join(parts)  # vowels split the consonant parts, so no two numbers collide


def generated_article(number: int) -> GeneratedArticle:
    """Article ``number``: six sentences about one town, five questions it answers."""
    rng = random.Random(number)
    town = town_name(number)
    mayor = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    architect = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    while architect == mayor:
        architect = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    facility = rng.choice(FACILITIES)
    river = rng.choice(RIVERS)
    day, month, weekday = rng.randint(2, 28), rng.choice(MONTHS), rng.choice(WEEKDAYS)
    cost = rng.randint(3, 95)
    people = rng.randint(120, 900)
    population = rng.randint(11, 99) * 1000 + rng.randint(1, 9) * 100
    text = "\n\n".join(
        [
            f"{town} opened its new {facility} on {weekday}, {day} {month}, after three years "
            f"of building work.",
            f"The mayor of {town}, {mayor}, cut the ribbon in front of {people} residents.",
            f"The {facility} in {town} cost {cost} million euros, most of it paid by the "
            "regional government.",
            f"It was designed by the architect {architect}, who grew up in {town}.",
            f"{town} has about {population:,} inhabitants and lies on the river {river}.",
            f"Shops in {town} stayed open late to celebrate the opening.",
        ]
    )
    questions = (
        (f"Who is the mayor of {town}?", mayor),
        (f"Who designed the {facility} in {town}?", architect),
        (f"How much did the {facility} in {town} cost?", f"{cost} million euros"),
        (f"Which river does {town} lie on?", river),
        (f"When did {town} open its new {facility}?", f"{day} {month}"),
    )
    return GeneratedArticle(number, town, text, questions)


def is_right(answer: dict[str, object], expected: str, article_text: str) -> bool:
    """An /ask reply answers with ``expected`` and cites only sentences of ``article_text``.

    >>> reply = {"answer": "Petra Novak [2]", "abstained": False,
    ...          "citations": [{"text": "The mayor is Petra Novak."}]}
    >>> is_right(reply, "Petra Novak", "Hello. The mayor is Petra Novak.")
    True
    """
    citations = answer.get("citations") or []
    assert isinstance(citations, list)
    return (
        not answer.get("abstained")
        and expected.lower() in str(answer.get("answer", "")).lower()
        and bool(citations)
        and all(str(c["text"]) in article_text for c in citations)
    )
