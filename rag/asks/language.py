"""Is a question in English? Function words decide, so that names and numbers don't.

Common function words of the languages readers most often type besides English, with the
accented letters they use. A question is another language's when its words name that
language's function words at least twice and more often than English's; a single accented
name ("Peskov's café") never makes it so.

    >>> question_language("Wie viele Abgeordnete haben gegen das Gesetz gestimmt?")
    'German'
    >>> question_language("who won the match in Volgograd?")
    'English'
"""

from __future__ import annotations

import re
import unicodedata

ENGLISH = "English"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

FUNCTION_WORDS: dict[str, frozenset[str]] = {
    ENGLISH: frozenset(
        "the a an of to in on and or is are was were did does do what who whom when where why "
        "how which that this these those it he she they we you i with for from by at as be "
        "been has have had not no can could will would should about any some many much".split()
    ),
    "German": frozenset(
        "der die das den dem des ein eine einen einem einer und oder ist sind war waren hat "
        "haben wie wer wen wem was wann wo warum welche welcher welches nicht kein keine mit "
        "für von zu zum zur im ins auf aus bei nach über gegen um viel viele prozent seit "
        "wurde wurden sich auch noch nur".split()
    ),
    "French": frozenset(
        "le la les un une des du de et ou est sont était qui que quoi quand où pourquoi "
        "comment quel quelle quels quelles ne pas avec pour dans sur par au aux ce cette ces "
        "il elle ils elles depuis année combien s'occupait-il".split()
    ),
    "Spanish": frozenset(
        "el la los las un una unos unas y o es son era fue quién quien qué que cuándo dónde "
        "por porqué cómo cuál cuáles no con para en del al se su sus contra marcó cuántos "
        "cuántas desde".split()
    ),
    "Italian": frozenset(
        "il lo la gli le un una di e o è sono era chi che cosa quando dove perché come quale "
        "quali non con per nel nella del della dei al alla si contro quanti quante".split()
    ),
    "Portuguese": frozenset(
        "o a os as um uma de e ou é são era quem que quando onde porque como qual quais não "
        "com para em no na do da dos das ao se contra quantos quantas".split()
    ),
    "Dutch": frozenset(
        "de het een en of is zijn was waren wie wat wanneer waar waarom hoe welke niet geen "
        "met voor van naar op bij tegen hoeveel heeft hebben".split()
    ),
}
_OPENERS = {"¿": "Spanish", "¡": "Spanish"}


# Scripts other than Latin, by the first word of their letters' Unicode names.
SCRIPTS = {
    "CJK": "Chinese or Japanese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese",
    "HANGUL": "Korean", "CYRILLIC": "Russian or another Cyrillic language", "GREEK": "Greek",
    "ARABIC": "Arabic", "HEBREW": "Hebrew", "DEVANAGARI": "Hindi", "THAI": "Thai",
    "BENGALI": "Bengali", "TAMIL": "Tamil", "GEORGIAN": "Georgian", "ARMENIAN": "Armenian",
}  # fmt: skip


def script_language(question: str) -> str:
    """The language a question's script names when most of its letters are not Latin
    ("" when they are).

    >>> script_language("Привет, кто такой Песков?"), script_language("Who is Peskov?")
    ('Russian or another Cyrillic language', '')
    """
    scripts: dict[str, int] = {}
    letters = [ch for ch in question if ch.isalpha()]
    for ch in letters:
        script = unicodedata.name(ch, "").split(" ")[0]
        scripts[script] = scripts.get(script, 0) + 1
    if not letters:
        return ""
    top = max(scripts, key=scripts.__getitem__)
    latin = scripts.get("LATIN", 0)
    return SCRIPTS.get(top, "") if latin < len(letters) / 2 else ""


def question_language(question: str) -> str:
    """The language whose function words the question uses most (English on a tie, or when
    no other language's appear at least twice), or that its script names ("你好")."""
    if by_script := script_language(question):
        return by_script
    words = [w.lower().replace("’", "'") for w in _WORD.findall(question)]
    counts = {lang: sum(w in vocab for w in words) for lang, vocab in FUNCTION_WORDS.items()}
    for mark, lang in _OPENERS.items():
        if question.lstrip().startswith(mark):
            counts[lang] += 2
    best = max(counts, key=lambda lang: (counts[lang], lang == ENGLISH))
    if best == ENGLISH or counts[best] < 2 or counts[best] <= counts[ENGLISH]:
        return ENGLISH
    return best
