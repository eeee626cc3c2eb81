"""What someone said, or how they reacted: the sentences where that speaker speaks.

"What did Ruth Davidson say?", "How did Stonewall Scotland react to the vote?", "what did
their guy say?" (after a turn about the Church of Scotland): the speaker is a person the
article names (by any of their names, or by the role it gives them: "Panama's coach"), or an
organisation whose quoted member speaks for it. The answer is the sentence in which they
speak that best matches the rest of the question, cited.

    >>> asks_for_statement("how did the coach take the 3-0 loss?")
    True
    >>> asks_for_statement("who scored the first goal?")
    False
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.asks.people import Person
from rag.types import Article

_STATEMENT = re.compile(
    r"^\W*(?:(?:so|and|ok|okay|then)\W+)*(?:what|how)\b.*\b(say|said|says|saying|think|"
    r"thinks|thought|react\w*|respond\w*|response|take|took|feel|felt|view\w*|see|sees|"
    r"comment\w*|tell|told|argue\w*|claim\w*|reply|replied|describe\w*|opinion|position|"
    r"stance|welcome\w*)\b",
    re.I,
)
_WORD = re.compile(r"[a-z0-9]+")
_NAME = re.compile(r"(?<=\s)[A-Z][a-z]+")  # a capitalised word that does not start the question


def asks_for_statement(question: str) -> bool:
    """The question asks what someone said or thought, or how they reacted: a "what" or
    "how" question with a verb of saying, thinking or reacting."""
    return _STATEMENT.search(question) is not None


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2}


def speaker_in(
    question: str, article: Article, people: Sequence[Person], orgs: Sequence[Person]
) -> Person | None:
    """The quoted speaker the question names first ("How did the Kremlin react to Macron?"
    asks about the Kremlin): a person by name or by role ("Panama's coach"), or an
    organisation that speaks itself ("The Kremlin responded") or through a quoted member
    named with it ("Dr William Hamilton from the Church of Scotland said")."""
    lowered = question.lower()
    asked = _words(question)
    found: list[tuple[int, Person]] = []
    for person in (p for p in people if p.is_quoted):
        names = asked & _words(person.name)
        role = _words(person.role)
        if names:
            found.append((min(_position(lowered, w) for w in names), person))
        elif role and (role <= asked or len(asked & role) >= 2):
            found.append((min(_position(lowered, w) for w in asked & role), person))
    for org in [*orgs, *(p for p in people if not p.is_quoted)]:  # the tagger's "people" too
        name = _words(org.name) - {"the"}
        if not name or not name <= asked:
            continue
        speaker = org if org.is_quoted else _member_speaking(org, article, people)
        if speaker is not None:
            found.append((min(_position(lowered, w) for w in name), speaker))
    if not found:
        return None
    position, speaker = min(found, key=lambda pair: pair[0])
    own = _words(speaker.name) | _words(speaker.role)
    before = [m for m in _NAME.finditer(question) if m.start() < position]
    if any(m.group(0).lower() not in own for m in before):
        return None  # "What did Vladimir Putin say about Macron?" asks about someone else
    return speaker


def _position(text: str, word: str) -> int:
    match = re.search(rf"\b{re.escape(word)}", text)
    return match.start() if match else len(text)


def _member_speaking(org: Person, article: Article, people: Sequence[Person]) -> Person | None:
    """A quoted person named with the organisation where they speak or are described."""
    for person in (p for p in people if p.is_quoted):
        sentences = {*person.quoted_in, person.role_sentence} - {0}
        if any(org.name.lower() in article.sentence(n).text.lower() for n in sentences):
            return person
    return None


def statement_sentences(person: Person, ranking: Sequence[int]) -> list[int]:
    """The sentences where ``person`` speaks, the one ``ranking`` (sentence numbers, best
    first, retrieved for the question) puts highest first."""
    order = {n: i for i, n in enumerate(ranking)}
    return sorted(person.quoted_in, key=lambda n: (order.get(n, len(order)), n))
