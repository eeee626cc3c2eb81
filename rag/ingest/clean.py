"""Clean article text: normalise line breaks and drop web boilerplate lines. Pure functions.

Boilerplate is matched line by line and only on short lines, so an article sentence that
happens to mention cookies or comments is kept.

    >>> clean_text("Body text.\\nNo comments:\\nPost a Comment\\n")
    'Body text.'
"""

from __future__ import annotations

import re
import unicodedata

# Lines a blog engine, news CMS or cookie banner adds around the article body.
_BOILERPLATE = re.compile(
    r"""^(?:
        no\ comments?:?
      | \d+\ comments?:?
      | post\ a\ comment
      | (?:leave|add|write)\ a\ (?:comment|reply)
      | comments?(?:\ \(\d+\))?:?
      | show\ comments | load\ comments | view\ comments
      | subscribe\ to:?\ post\ comments(?:\ \(atom\))?
      | newer\ post(?:\ older\ post)?(?:\ home)? | older\ post | home
      | share(?:\ this)?(?:\ (?:article|story|post))?(?:\ on\ [\w ,]+)?:?
      | (?:share|tweet|email|print|pin\ it|whatsapp|facebook|twitter|linkedin|reddit)
        (?:\s*[|·•/]\s*
           (?:share|tweet|email|print|pin\ it|whatsapp|facebook|twitter|linkedin|reddit))+
      | (?:subscribe|sign\ up)(?:\ (?:now|today|here))?(?:\ (?:to|for)\ [\w ' ]+)?[.!]?
      | (?:advertisement|advert|sponsored(?:\ content)?|ad)
      | (?:we|this\ (?:web)?site)\ uses?\ cookies\b.*
      | accept(?:\ all)?\ cookies | cookie\ (?:settings|policy|preferences|notice)
      | (?:related|read\ more|recommended|more\ stories|you\ may\ also\ like)
        (?:\ articles?|\ stories)?:?
      | follow\ us\ on\ [\w ,&]+
      | (?:all\ rights\ reserved|copyright\ ©?).*
      | skip\ to\ (?:main\ )?content
      | back\ to\ top
      | click\ here\ to\ [\w ' ]+
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_MAX_BOILERPLATE_LINE = 120


def is_boilerplate(line: str) -> bool:
    """True for a short line that is a comment/share/subscribe/cookie widget, not prose.

    >>> is_boilerplate("Post a Comment"), is_boilerplate("He posted a comment online.")
    (True, False)
    """
    stripped = line.strip()
    return len(stripped) <= _MAX_BOILERPLATE_LINE and bool(_BOILERPLATE.match(stripped))


def normalise(text: str) -> str:
    """NFC, Unix line breaks, no NULs or other control characters, no trailing spaces."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = text.replace("\u00a0", " ").replace("\t", " ")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def clean_text(text: str) -> str:
    """Normalised text without boilerplate lines, at most one blank line in a row, stripped."""
    lines = [line for line in normalise(text).split("\n") if not is_boilerplate(line)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
