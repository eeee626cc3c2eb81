"""Bytes to text, saying which encoding was used and what, if anything, was replaced.

    decode_text("Caf\\xe9 au lait.".encode("cp1252"), source="menu.txt")
    -> Decoded(text="Café au lait.", encoding="Latin-1 (ISO-8859-1)",
               notice="menu.txt is not UTF-8; decoded as Latin-1 (ISO-8859-1).")

The rules, in order:
1. A byte-order mark names the encoding (UTF-8, UTF-16, UTF-32).
2. Bytes that are valid UTF-8 are UTF-8, whatever a server's header declared.
3. Bytes that are mostly UTF-8 (at least as many valid multi-byte sequences as invalid
   runs), or that hold a UTF-16 byte-order mark past the start, were damaged or joined from
   different encodings: no single encoding explains them. They are read as UTF-8, each
   invalid run replaced with U+FFFD, and the notice names the replaced bytes. Past
   ``MAX_REPLACED`` of the bytes, the file is refused. (A legacy file has an invalid run at
   almost every accented letter and seldom a valid UTF-8 pair, such as "É”".)
4. Anything else is decoded by charset-normalizer's best match (the declared charset first
   when it is among its matches); a tie goes to Windows-1252, the usual legacy encoding of
   English text. No match: as rule 3.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from rag.errors import ArticleError

REPLACEMENT = "\ufffd"
MAX_REPLACED = 0.01  # share of the bytes that may be replaced before the file is refused
SHOWN_REPLACED = 3  # replaced spots named in the notice
BOMS = (  # longest first: UTF-32's little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf_32"),
    (codecs.BOM_UTF32_BE, "utf_32"),
    (codecs.BOM_UTF8, "utf_8_sig"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
)
NAMES = {
    "utf_8": "UTF-8",
    "utf_8_sig": "UTF-8",
    "utf_16": "UTF-16",
    "utf_32": "UTF-32",
    "utf_16_le": "UTF-16 (little-endian)",
    "utf_16_be": "UTF-16 (big-endian)",
    "cp1252": "Windows-1252",
    "iso8859_1": "Latin-1 (ISO-8859-1)",
    "iso8859_15": "Latin-9 (ISO-8859-15)",
    "shift_jis": "Shift-JIS",
    "cp932": "Shift-JIS",
    "euc_jp": "EUC-JP",
    "gb2312": "GB2312",
    "gb18030": "GB18030",
    "big5": "Big5",
    "euc_kr": "EUC-KR",
    "cp1250": "Windows-1250",
    "cp1251": "Windows-1251",
    "koi8_r": "KOI8-R",
}
PREFERRED_ON_TIE = ("cp1252", "iso8859_1")
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
_MULTIBYTE_UTF8 = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # the name a person reads: "UTF-8", "Windows-1252", "Shift-JIS"
    notice: str  # what the user is told ("" for plain UTF-8 that no one declared otherwise)


def encoding_name(codec: str) -> str:
    """The usual name of a Python codec or charset label (LookupError for unknown ones).

    >>> encoding_name("cp1252"), encoding_name("ISO-8859-1"), encoding_name("mac_roman")
    ('Windows-1252', 'Latin-1 (ISO-8859-1)', 'MAC_ROMAN')
    """
    normal = _codec(codec)
    if not normal:
        raise LookupError(codec)
    return NAMES.get(normal, normal.upper())


def decode_text(data: bytes, *, source: str, declared: str | None = None) -> Decoded:
    """The text of ``data`` and the encoding used; ``declared`` is a server's charset.

    Raises ArticleError when too many bytes fit no encoding to show the text honestly.
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            name = encoding_name(codec)
            return Decoded(text, name, "" if codec == "utf_8_sig" else _decoded_as(source, name))
    said = _declared_name(declared)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        lied = said is not None and said != "UTF-8" and not text.isascii()
        notice = f"{source} is UTF-8, though its server declared {said}; decoded as UTF-8."
        return Decoded(text, "UTF-8", notice if lied else "")
    runs = invalid_utf8_runs(data)
    if len(_MULTIBYTE_UTF8.findall(data)) >= len(runs) or _has_inner_utf16_mark(data):
        return _utf8_replacing(data, runs, source)
    detected = _detected(data, declared)
    if detected is None:
        return _utf8_replacing(data, runs, source)
    codec = detected
    name = encoding_name(codec)
    if codec == "cp1252" and not _C1_BYTES.search(data):
        name = NAMES["iso8859_1"]  # every byte reads the same in both: use the standard's name
    notice = _decoded_as(source, name)
    if said is not None and said != name:
        notice = f"{source} is not {said}, as its server declared; decoded as {name}."
    return Decoded(data.decode(codec), name, notice)


def _decoded_as(source: str, name: str) -> str:
    return f"{source} is not UTF-8; decoded as {name}."


def _declared_name(declared: str | None) -> str | None:
    if not declared:
        return None
    try:
        return encoding_name(declared)
    except LookupError:
        return None


def _has_inner_utf16_mark(data: bytes) -> bool:
    return data.find(codecs.BOM_UTF16_LE, 1) > 0 or data.find(codecs.BOM_UTF16_BE, 1) > 0


def _detected(data: bytes, declared: str | None) -> str | None:
    """charset-normalizer's best codec: the declared one when it reads as cleanly as the
    best match (no more chaos), else Windows-1252 or Latin-1 when one does, else the
    library's first.

    A match stands for every codec that gives the same text (``could_be_from_charset``).
    The library's tie-break, language coherence, is noise on short texts: on "Le café de
    Zoë a rouvert à Montréal lundi." it ranks Baltic cp775 (0.61) over Windows-1252 (0.56).
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    cleanest = min(match.chaos for match in matches)
    as_good: list[str] = []
    for match in matches:
        if match.chaos <= cleanest:
            as_good += [_codec(c) for c in match.could_be_from_charset]
    first_choices = (_codec(declared) if declared else "", *PREFERRED_ON_TIE)
    for wanted in first_choices:
        if wanted in as_good:
            return wanted
    return _codec(matches[0].encoding)


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return ""


def invalid_utf8_runs(data: bytes) -> list[tuple[int, bytes]]:
    """(offset, bytes) of each run of bytes that is not UTF-8, adjacent ones joined.

    >>> invalid_utf8_runs(b"Caf\\xe9 \\xff\\xfe broken \\xc3\\x28 bytes.")
    [(3, b'\\xe9'), (5, b'\\xff\\xfe'), (15, b'\\xc3')]
    """
    runs: list[tuple[int, bytes]] = []
    position = 0
    while True:
        try:
            data[position:].decode("utf-8")
            return runs
        except UnicodeDecodeError as exc:
            start, end = position + exc.start, position + exc.end
            if runs and runs[-1][0] + len(runs[-1][1]) == start:
                runs[-1] = (runs[-1][0], runs[-1][1] + data[start:end])
            else:
                runs.append((start, data[start:end]))
            position = end


def _utf8_replacing(data: bytes, runs: list[tuple[int, bytes]], source: str) -> Decoded:
    """UTF-8 with each invalid run replaced by U+FFFD, and a notice naming the runs."""
    replaced = sum(len(run) for _, run in runs)
    if replaced > max(8, MAX_REPLACED * len(data)):
        raise ArticleError(
            f"{source} is not readable text: {replaced:,} of its {len(data):,} bytes are not "
            "UTF-8 and no other encoding reads it as text (it mixes encodings or is damaged). "
            "Save it as UTF-8 and load it again."
        )
    parts, position = [], 0
    for start, run in runs:
        parts += [data[position:start].decode("utf-8"), REPLACEMENT]
        position = start + len(run)
    parts.append(data[position:].decode("utf-8"))
    shown = ", ".join(
        f"{' '.join(f'0x{b:02X}' for b in run)} at byte {start:,}"
        for start, run in runs[:SHOWN_REPLACED]
    )
    more = f" and {len(runs) - SHOWN_REPLACED} more" if len(runs) > SHOWN_REPLACED else ""
    notice = (
        f"{source} is not valid UTF-8 and no single encoding explains its bytes: {replaced} "
        f"byte{'s' if replaced != 1 else ''} could not be read and show as {REPLACEMENT} "
        f"({shown}{more}). Save the file as UTF-8 to load it whole."
    )
    return Decoded("".join(parts), "UTF-8", notice)
