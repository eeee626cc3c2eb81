"""Judge one answer to an ask ("what readers ask"): passed or not, and why, in words; and
tally a run's verdicts by kind. Pure.

    passed, reason = judge(ask, answer, article)   # (False, "first word 'the', wanted 'no'")
    asks_metrics(rows)                             # {"asks", "asks_pass", "asks_pass_fact", …}

A *refusal* is an abstention or a reply containing "the article doesn't say". Answer texts are
compared with their ``[n]`` citation markers stripped; spans are compared with SQuAD's
normalisation (eval/metrics.py). A citation *overlaps* a string of the article when the cited
sentence's [start, end) shares a character with one of that string's occurrences.

The rule for each kind (the README of ../shared/data/asks-dev says how a person would judge):

- overview: no refusal, >= 2 distinct sentences cited, >= 2 key sentences cited;
- people: >= 60 % of ``must_mention`` named; list: >= 75 % named (see ``is_named``);
- yes_no: no refusal and the first word is the polarity ("yes" / "no");
- fact, followup: no refusal, a citation, and best token F1 (short answer or text) >= 0.5
  against a gold answer, or a gold answer's tokens inside the text's;
- why, how: no refusal and a citation overlaps the evidence;
- other_language: a citation overlaps the evidence, or the reply says it answers in English;
- unanswerable: a refusal; chitchat: a non-empty reply that is no refusal.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from eval.metrics import Span, contains_answer, find_spans, mean, overlaps, percentile, token_f1
from rag.followup import MARKER  # a [n] marker with the space before it
from rag.types import Answer, Article

Kind = Literal[
    "overview", "people", "list", "yes_no", "fact", "why", "how", "followup",
    "other_language", "unanswerable", "chitchat",
]  # fmt: skip
KINDS: tuple[Kind, ...] = (
    "overview", "people", "list", "yes_no", "fact", "why", "how", "followup",
    "other_language", "unanswerable", "chitchat",
)  # fmt: skip

REFUSAL = "the article doesn't say"
MIN_CITED = 2  # overview: distinct sentences cited, and key sentences among them
NAMED_SHARE = {"people": 0.6, "list": 0.75}  # share of must_mention an answer has to name
MIN_F1 = 0.5  # fact / followup: token F1 that counts as the gold answer

_PARTS = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_IN_ENGLISH = re.compile(r"\bin English\b", re.IGNORECASE)
_EDGE_PUNCT = string.punctuation + "“”‘’…–—"


@dataclass(frozen=True)
class Ask:
    """One line of an ``.asks.jsonl`` file; the fields a kind does not use stay empty."""

    id: str
    kind: Kind
    question: str
    key_sentences: tuple[str, ...] = ()  # overview: verbatim article sentences
    must_mention: tuple[str, ...] = ()  # people, list: names or items, verbatim
    answers: tuple[str, ...] = ()  # list, fact, why, how, followup: gold spans
    evidence: tuple[str, ...] = ()  # verbatim article text that settles the question
    polarity: Literal["yes", "no"] | None = None  # yes_no
    history: tuple[str, ...] = ()  # followup: earlier user questions, oldest first
    article: str = ""  # path of the article's .txt file (key into the run's articles)


def strip_markers(text: str) -> str:
    """The answer text without its ``[n]`` citation markers.

    >>> strip_markers("Yes [3][4]. It grew 10% [5].")
    'Yes. It grew 10%.'
    """
    return MARKER.sub("", text).strip()


def is_refusal(answer: Answer) -> bool:
    """The answerer abstained, or says the article doesn't say (straight or curly quote).

    >>> is_refusal(Answer("Sorry, the article doesn’t say who wrote it.", False, []))
    True
    """
    return answer.abstained or REFUSAL in answer.text.lower().replace("’", "'")


def first_word(text: str) -> str:
    """The first word, lower-cased, punctuation at its ends dropped ("" for no word).

    >>> first_word("No, it was not [3].")
    'no'
    """
    words = strip_markers(text).split()
    return words[0].strip(_EDGE_PUNCT).lower() if words else ""


def is_named(item: str, text: str) -> bool:
    """``item`` appears in ``text`` (case-insensitive). An item that is itself a list counts
    as named when each of its comma/"and"-separated parts appears, in any order.

    >>> is_named("soybean, cotton, and peanut", "Peanut, soybean and cotton lose most.")
    True
    >>> is_named("soybean, cotton, and peanut", "Soybean and cotton lose most.")
    False
    """
    hay = text.lower()
    if item.lower() in hay:
        return True
    parts = [p for p in _PARTS.split(item.lower()) if p]
    return len(parts) > 1 and all(p in hay for p in parts)


def cited_overlapping(answer: Answer, spans: Sequence[Span]) -> bool:
    """A citation of ``answer`` shares a character with one of ``spans``."""
    return any(overlaps((c.start, c.end), s) for c in answer.citations for s in spans)


def _overview(ask: Ask, answer: Answer, article: Article) -> tuple[bool, str]:
    cited = {c.sentence for c in answer.citations}
    if len(cited) < MIN_CITED:
        return False, f"cited {len(cited)} sentence(s), wanted at least {MIN_CITED}"
    keys = [
        k for k in ask.key_sentences if cited_overlapping(answer, find_spans(article.text, [k]))
    ]
    need = min(MIN_CITED, len(ask.key_sentences))
    summary = f"cited {len(keys)} of {len(ask.key_sentences)} key sentences"
    if len(keys) < need:
        return False, f"{summary}, wanted at least {need}"
    return True, summary


def _named(ask: Ask, answer: Answer) -> tuple[bool, str]:
    text = strip_markers(answer.text)
    named = [m for m in ask.must_mention if is_named(m, text)]
    missing = [m for m in ask.must_mention if m not in named]
    share = len(named) / len(ask.must_mention) if ask.must_mention else 1.0
    reason = f"named {len(named)} of {len(ask.must_mention)}"
    if missing:
        reason += f"; missing {', '.join(missing)}"
    return share >= NAMED_SHARE[ask.kind], reason


def _yes_no(ask: Ask, answer: Answer) -> tuple[bool, str]:
    word = first_word(answer.text)
    if word != ask.polarity:
        return False, f"first word {word!r}, wanted {ask.polarity!r}"
    return True, f"first word {word!r}"


def _fact(ask: Ask, answer: Answer) -> tuple[bool, str]:
    if not answer.citations:
        return False, "no citation"
    text = strip_markers(answer.text)
    for gold in ask.answers:
        if contains_answer(text, gold):
            return True, f"contains {gold!r}"
    candidates = [c for c in (answer.short, text) if c]
    scored = [(token_f1(c, g), g) for c in candidates for g in ask.answers]
    f1, gold = max(scored, key=lambda s: s[0], default=(0.0, ""))  # ties: the first gold
    if f1 >= MIN_F1:
        return True, f"F1 {f1:.2f} against {gold!r}"
    return False, f"best F1 {f1:.2f} against {gold!r}, and no gold answer in the text"


def _evidence(ask: Ask, answer: Answer, article: Article) -> tuple[bool, str]:
    if not answer.citations:
        return False, "no citation"
    if cited_overlapping(answer, find_spans(article.text, ask.evidence)):
        return True, "cites the evidence"
    cited = ", ".join(str(c.sentence) for c in answer.citations)
    return False, f"cited [{cited}], none overlaps the evidence"


def _other_language(ask: Ask, answer: Answer, article: Article) -> tuple[bool, str]:
    if cited_overlapping(answer, find_spans(article.text, ask.evidence)):
        return True, "cites the evidence"
    if _IN_ENGLISH.search(answer.text):
        return True, "says it answers in English"
    return False, "no citation overlaps the evidence, and no reply in English"


def judge(ask: Ask, answer: Answer, article: Article) -> tuple[bool, str]:
    """(passed, reason) of one answer to ``ask`` about ``article`` (rules: module docstring).

    >>> from rag.ingest.article import article_from_text
    >>> art = article_from_text("Ozone hurts crops. Heat does too.")
    >>> judge(Ask("a1", "yes_no", "does heat hurt?", polarity="yes"),
    ...       Answer("The article doesn't say.", True, []), art)
    (False, 'refused')
    """
    refused = is_refusal(answer)
    if ask.kind == "unanswerable":
        return (True, "refused") if refused else (False, "answered instead of refusing")
    if ask.kind == "chitchat":
        if not answer.text.strip():
            return False, "empty reply"
        return (False, "refused") if refused else (True, "replied")
    if ask.kind == "other_language":
        return _other_language(ask, answer, article)
    if ask.kind in ("people", "list"):
        return _named(ask, answer)
    if refused:
        return False, "refused"
    if ask.kind == "overview":
        return _overview(ask, answer, article)
    if ask.kind == "yes_no":
        return _yes_no(ask, answer)
    if ask.kind in ("fact", "followup"):
        return _fact(ask, answer)
    return _evidence(ask, answer, article)  # why, how


def pass_by_kind(rows: Sequence[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """(kind, passed, total) for each kind present, in KINDS order (other kinds after).

    >>> pass_by_kind([{"kind": "chitchat", "passed": True}, {"kind": "fact", "passed": False}])
    [('fact', 0, 1), ('chitchat', 1, 1)]
    """
    kinds: list[str] = [k for k in KINDS if any(r["kind"] == k for r in rows)]
    kinds += sorted({str(r["kind"]) for r in rows} - set(kinds))
    tally = [(k, [bool(r["passed"]) for r in rows if r["kind"] == k]) for k in kinds]
    return [(k, sum(verdicts), len(verdicts)) for k, verdicts in tally]


def asks_metrics(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``asks`` and ``asks_pass`` (share 0..1; NaN for none), then for each kind present
    ``asks_<kind>`` and ``asks_pass_<kind>`` (``pass_by_kind`` order), then ``latency_p50_ms``
    and each kind's ``latency_p50_ms_<kind>``.

    >>> m = asks_metrics([{"kind": "fact", "passed": True, "latency_ms": 9.0},
    ...                   {"kind": "fact", "passed": False, "latency_ms": 30.0}])
    >>> m["asks_pass"], m["asks_pass_fact"], m["latency_p50_ms"], m["latency_p50_ms_fact"]
    (0.5, 0.5, 9.0, 9.0)
    """
    metrics: dict[str, Any] = {
        "asks": len(rows),
        "asks_pass": mean([float(r["passed"]) for r in rows]),
    }
    for kind, passed, total in pass_by_kind(rows):
        metrics[f"asks_{kind}"] = total
        metrics[f"asks_pass_{kind}"] = passed / total
    metrics["latency_p50_ms"] = percentile([r["latency_ms"] for r in rows], 50)
    for kind, _, _ in pass_by_kind(rows):
        latencies = [r["latency_ms"] for r in rows if r["kind"] == kind]
        metrics[f"latency_p50_ms_{kind}"] = percentile(latencies, 50)
    return metrics
