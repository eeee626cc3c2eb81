"""Replies that need no reading: greetings, thanks, goodbyes, help, and another language.

Each says what the chat does and offers questions about this article, so small talk always
leads back to it; none of them is "The article doesn't say."

    >>> smalltalk_reply("thanks!", ["What is this article about?", "Who is Dmitry Peskov?"])[:48]
    'You’re welcome! Ask me anything else about the a'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

OVERVIEW_QUESTION = "What is this article about?"
WHAT_I_DO = (
    "I answer questions about this article, and every answer cites the article’s own "
    "sentences [n], highlighted beside the chat."
)
_THANKS = re.compile(r"\b(thanks?|thx|ty|cheers|appreciated?|grateful|helpful)\b", re.I)
_BYE = re.compile(r"\b(bye|goodbye|see (?:ya|you)|that'?s all|that’s all|done|later)\b", re.I)
_HELP = re.compile(
    r"\b(help|what can you|what do you|how does (?:this|it) work|who are you|what are you|"
    r"are you an? (?:bot|ai|robot|human)|what should i ask|what can i ask)\b",
    re.I,
)
_HELLO = re.compile(
    r"^\W*(hi+|hello+|hey+|hiya|yo|howdy|greetings|good (?:morning|afternoon|evening|day))\b",
    re.I,
)


def _try(suggestions: Sequence[str]) -> str:
    quoted = [f"“{q}”" for q in suggestions[:2]]
    return " or ".join(quoted)


def smalltalk_reply(message: str, suggestions: Sequence[str]) -> str:
    """A short reply to small talk, with two of ``suggestions`` to ask next."""
    offer = _try(suggestions)
    if _HELP.search(message):
        can = "I can summarise it, say who is in it, and answer questions such as"
        return f"{WHAT_I_DO} {can} {offer}."
    if _THANKS.search(message):
        return f"You’re welcome! Ask me anything else about the article, for example {offer}"
    if _BYE.search(message):
        return f"Glad to help. If you come back to this article, try {offer}"
    if _HELLO.search(message):
        return f"Hello! {WHAT_I_DO} Try {offer}"
    return f"Got it. {WHAT_I_DO} You could ask {offer}"


def other_language_reply(language: str, suggestions: Sequence[str], closest: str = "") -> str:
    """The one clear line for a question in another language, with what to try instead; and
    the passage that shares its names or numbers, when one does (``closest``, cited)."""
    line = f"I read and answer in English, and this looks like {language}. Try {_try(suggestions)}"
    if closest:
        return f"{line}\n\nThe passage that shares its names and numbers: {closest}"
    return line
