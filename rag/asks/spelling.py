"""Questions as people type them, made readable: chat shorthand spelled out, and words the
article spells otherwise matched to its spelling.

    >>> tidy_question("what min did tunisia get their pen", {"minute", "penalty", "tunisia"})
    'what minute did tunisia get their penalty'
    >>> tidy_question("who set up lukakus 2nd goal", {"lukaku", "hazard"}, known={"who", "set"})
    "who set up lukaku's second goal"

Only three changes are made, each one that a reader would make without thinking: shorthand
from a fixed list (below); a word the article does not have that is an article word plus a
possessive "s" ("lukakus"), or one letter away from exactly one article word ("Witsell",
but not an inflection such as "refereed"); and a two- or three-letter word that starts
exactly one proper name of the article. Words the article has are never changed, and the
last two rules leave every word the reader's tokenizer knows whole ("played" is never made
"player", "ran" never "Ranger").
"""

from __future__ import annotations

import re
from collections.abc import Collection

SHORTHAND = {
    "wher": "where", "whr": "where", "wat": "what", "wut": "what", "wht": "what",
    "wen": "when", "whn": "when", "hw": "how", "wich": "which", "whos": "who is",
    "whats": "what is", "wheres": "where is", "hows": "how is", "u": "you", "ur": "your",
    "r": "are", "b4": "before", "bc": "because", "cuz": "because", "coz": "because",
    "abt": "about", "thru": "through", "tho": "though", "ppl": "people", "govt": "government",
    "gov": "government", "yr": "year", "yrs": "years", "min": "minute", "mins": "minutes",
    "hr": "hour", "hrs": "hours", "pen": "penalty", "pens": "penalties", "1st": "first",
    "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth", "uni": "university",
    "unis": "universities", "approx": "approximately", "dept": "department",
    "intl": "international", "natl": "national", "pls": "please", "plz": "please",
    "actualy": "actually", "acutally": "actually", "becuase": "because", "beacuse": "because",
    "wich's": "which is", "thier": "their", "teh": "the", "adn": "and",
}  # fmt: skip
STOPWORDS = frozenset(
    "the a an of to in on at for by with is are was were be do did does has had have how who "
    "why what when where which and or not but its his her him she he they we you our out off "
    "all any can may one two six ten new old big own per via yet now".split()
)
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


def _one_edit_apart(a: str, b: str) -> bool:
    """One letter inserted, deleted or changed (or two neighbours swapped)."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


_INFLECTIONS = ("s", "d", "r", "n")  # one letter apart at the end: "refereed" / "referee"


def _inflected(a: str, b: str) -> bool:
    """``a`` and ``b`` are forms of one word, not a typo of it.

    >>> _inflected("refereed", "referee"), _inflected("witsell", "witsel")
    (True, False)
    """
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and long[len(short) :] in _INFLECTIONS


def _article_spelling(
    word: str, vocabulary: Collection[str], names: Collection[str], known: Collection[str]
) -> str:
    lowered = word.lower()
    if lowered in vocabulary or not lowered.isalpha():
        return word
    unknown = lowered not in known
    if unknown and len(lowered) >= 4 and lowered.endswith("s") and lowered[:-1] in vocabulary:
        return f"{lowered[:-1]}'s"
    if unknown and len(lowered) >= 5:
        close = [v for v in vocabulary if v[0] == lowered[0] and _one_edit_apart(lowered, v)]
        if len(close) == 1 and not _inflected(lowered, close[0]):
            return close[0]
    if unknown and 2 <= len(lowered) <= 3 and word.islower() and lowered not in STOPWORDS:
        starting = {n for n in names if n.startswith(lowered) and len(n) >= len(lowered) + 3}
        if len(starting) == 1:
            return starting.pop()
    return word


def tidy_question(
    question: str,
    vocabulary: Collection[str],
    names: Collection[str] = (),
    known: Collection[str] = (),
) -> str:
    """``question`` with shorthand spelled out and words matched to the article's spelling
    (``vocabulary``: its lower-cased words; ``names``: its lower-cased proper names;
    ``known``: the words the reader's tokenizer knows whole)."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = word.lower()
        if lowered in SHORTHAND and lowered not in vocabulary:
            return SHORTHAND[lowered]
        return _article_spelling(word, vocabulary, names, known)

    return _TOKEN.sub(fix, question)
