"""Recognise what a reader asks: the kind of answer to compose, and whether it follows up.

    >>> recognise("is ukraine even in nato?", intent="question").kind
    'yes_no'
    >>> recognise("Why did the Kremlin respond?", intent="question").kind
    'why'
    >>> recognise("which countries ruled out sending troops", intent="question").kind
    'list'

The intent (overview, people, chitchat or a question) comes from the fitted classifier
(rag/asks/intents.py), which reads meaning and holds for how people type; the kinds of
question below it are matters of grammar (the first word, "why", a plural after "which"),
read here with rules that tolerate lowercase, missing question marks and leading fillers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.asks.language import ENGLISH, question_language
from rag.followup import GROUP_PRONOUNS, PERSON_PRONOUNS

# Words a reader puts before the question proper: "so", "and", "ok", "pls", "hey".
_FILLERS = frozenset(
    "so and but ok okay oh also then well hey um uh right alright pls please plz now".split()
)
_AUXILIARIES = frozenset(
    "is are was were am do does did has have had can could will would should shall may "
    "might must isnt arent wasnt werent dont doesnt didnt hasnt havent hadnt cant couldnt "
    "wont wouldnt shouldnt".split()
)
# "how" asking for a quantity is a plain fact ("how many", "how long ago").
_HOW_QUANTITY = frozenset(
    "many much long old far big often large soon tall deep fast high early late".split()
)
_IRREGULAR_PLURALS = frozenset("people men women children police staff media members folks".split())
_NOT_PLURAL = frozenset(
    "this his its is was has does us bus news series species status physics analysis "
    "basis crisis thesis process success loss press class boss gas yes less happens means makes "
    "takes says goes comes causes seems looks stands remains explains shows needs wants "
    "gets lets keeps plays works lives".split()
)
_TLDR = re.compile(r"\btl\s*;?\s*dr\b")
_SUMMARY_WORDS = frozenset(
    "summary summarise summarize summarize summarized summarised recap gist synopsis overview "
    "sum".split()
)
# "who is involved / quoted / named": being in the article, not doing something in it.
_BEING = frozenset(
    "is are was were s quoted mentioned named involved featured cited interviewed else "
    "appears appear".split()
)
_DETERMINERS = frozenset("of the other two three four five both all".split())
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_WHO_IS = re.compile(
    r"^(?:who\s+(?:is|was|are)|who's|who’s|whos)\s+(?!the\b|a\b|an\b|this\b|that\b|in\b|on\b)"
    r"(?P<name>[\w.\-'’ ]+?)\??$",
    re.I,
)
# the pronouns rag/followup.py resolves, and words that point back at the chat otherwise
_REFERS_BACK = frozenset(
    {*PERSON_PRONOUNS, *GROUP_PRONOUNS, *"theirs that this those these there one else".split()}
)


@dataclass(frozen=True, slots=True)
class Ask:
    kind: str  # one of rag.types.ASK_KINDS
    question: str  # as typed (checked: stripped, one space between words)
    language: str = ENGLISH  # the language it is written in (rag/asks/language.py)
    name: str = ""  # "who is X": X, as typed
    is_followup: bool = False  # it leans on the chat so far ("and when was that?")
    intent: str = "question"  # the classifier's: overview, people, chitchat or question


def words_of(question: str) -> list[str]:
    """Lower-case words for matching, apostrophes dropped ("Who's" -> "whos"), a possessive
    noun's "'s" too ("country's" -> "country": no plural)."""
    words = []
    for word in _WORD.findall(question.lower()):
        stem, mark, rest = word.replace("’", "'").partition("'")
        words.append(stem if mark and rest == "s" and len(stem) > 3 else stem + rest)
    return words


def core_words(question: str) -> list[str]:
    """The words after any leading fillers ("so", "and", "ok", "pls")."""
    words = words_of(question)
    while len(words) > 1 and words[0] in _FILLERS:
        words = words[1:]
    return words


def is_plural_noun(word: str) -> bool:
    """A plural noun by its form: "countries", "teams", "people" (not "this", "news")."""
    if word in _IRREGULAR_PLURALS:
        return True
    return (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us"))
        and (word not in _NOT_PLURAL)
    )


def question_kind(question: str) -> str:
    """The kind of a question (not small talk, overview or people): yes_no, why, how, list
    or fact, read from its grammar."""
    words = core_words(question)
    if not words:
        return "fact"
    lowered = " ".join(words)
    if "why" in words or lowered.startswith(("how come", "what is the reason", "whats the reason")):
        return "why"
    first = words[0]
    if first == "how" and (len(words) == 1 or words[1] not in _HOW_QUANTITY):
        return "how"
    if re.search(r"\b(react|reacted|respond|responded|reaction|response)\b", lowered) and (
        first in {"what", "how"}
    ):
        return "how"
    if first in _AUXILIARIES and len(words) > 2:
        # "is it for or against?" asks which, not whether; "... or not?" asks whether
        if " or " in f" {lowered} " and not lowered.endswith(("or not", "or no")):
            return "fact"
        return "yes_no"
    asks_which = next((i for i, w in enumerate(words[:8]) if w in {"which", "what"}), None)
    if asks_which is not None:
        after = [w for w in words[asks_which + 1 : asks_which + 4] if w not in _DETERMINERS]
        if any(is_plural_noun(w) for w in after[:2]):
            return "list"
    names_one = len(words) > 1 and words[1] in {"a", "an", "one"}  # "name a luxury brand"
    if (first in {"list", "name"} and not names_one) or lowered.startswith(
        ("who were the", "who are the")
    ):
        return "list"
    return "fact"


def who_is_name(question: str) -> str:
    """X of "who is X?" when X looks like a name, not a description ("the mayor of …")."""
    stripped = re.sub(r"^\W*(?:so|and|ok|okay)\W+", "", question.strip(), flags=re.I)
    match = _WHO_IS.match(re.sub(r"[\W_]+$", "", stripped))  # "?", "!", "👋"
    if not match:
        return ""
    name = match.group("name").strip(" '’")
    return name if 0 < len(name.split()) <= 4 else ""


def asks_for_summary(question: str) -> bool:
    """Shorthand that asks for a summary whatever the classifier makes of it: "tl;dr",
    "tldr?", or a message of at most four words naming a summary ("summary pls", "recap").

    >>> asks_for_summary("tldr?"), asks_for_summary("Summary judgment was issued by which court")
    (True, False)
    """
    lowered = question.lower()
    if _TLDR.search(lowered):
        return True
    words = core_words(question)
    return len(words) <= 4 and any(w in _SUMMARY_WORDS for w in words)


def acts(question: str) -> bool:
    """A "who …?" whose verb is an action ("who wrote …", "who scored …"), not being named
    ("who's quoted", "who are the people", "who is involved").

    >>> acts("who wrote this article?"), acts("Who's quoted in the article?")
    (True, False)
    """
    words = core_words(question)
    if len(words) < 2 or words[0] not in {"who", "whos"}:
        return False
    return words[0] == "who" and words[1] not in _BEING


def leans_on_chat(question: str) -> bool:
    """It reads as a follow-up: it points back ("he", "that", "who else") or starts with a
    connective ("and when?"), or is too short to stand alone."""
    words = words_of(question)
    if not words:
        return False
    return (
        bool(_REFERS_BACK.intersection(words))
        or words[0] in {"and", "so", "also", "then", "but"}
        or len(words) <= 3
    )


def recognise(question: str, *, intent: str, has_history: bool = False) -> Ask:
    """The Ask for ``question``, given the classifier's ``intent`` (overview, people, chitchat
    or question) and whether there is a chat to lean on."""
    language = question_language(question)
    if language != ENGLISH:
        return Ask("other_language", question, language)
    if intent in {"overview", "chitchat"} or asks_for_summary(question):
        return Ask("chitchat" if intent == "chitchat" else "overview", question)
    if intent == "people" and acts(question):
        intent = "question"  # "who wrote this article?" asks for one doer, not the cast
    name = who_is_name(question)
    if intent == "people" and not name:
        return Ask("people", question, intent=intent)
    followup = has_history and leans_on_chat(question)
    if name:
        return Ask("people", question, name=name, is_followup=followup, intent=intent)
    return Ask(question_kind(question), question, is_followup=followup, intent=intent)
