"""The values that flow through the pipeline: Article, Sentence, Citation, Answer.

Invariants (each has a test):
- ``article.text[s.start:s.end] == s.text`` for every sentence ``s``;
- sentence numbers are 1-based and consecutive, in reading order;
- every citation's ``sentence`` names a sentence of the article it was made from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

NO_ANSWER = "The article doesn't say."
# What an ask is (rag/asks/kinds.py): the kinds an Answer reports in its ``kind`` field.
ASK_KINDS = (
    "fact",
    "list",
    "yes_no",
    "why",
    "how",
    "overview",
    "people",
    "chitchat",
    "other_language",
)


def citation_markers(numbers: Iterable[int]) -> str:
    """The ``[n]`` markers that follow a claim, each sentence once, in the order given.

    >>> citation_markers([8, 3, 8])
    '[8][3]'
    """
    return "".join(f"[{n}]" for n in dict.fromkeys(numbers))


@dataclass(frozen=True, slots=True)
class Sentence:
    idx: int  # 1-based, shown to users as [idx]
    start: int  # text == article.text[start:end]
    end: int
    paragraph: int  # 1-based paragraph number
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    text: str  # cleaned text; all offsets point into it
    sentences: tuple[Sentence, ...]
    source: str  # path, URL or "<text>"
    sha256: str  # of ``text``; names the index collection
    title: str = ""
    notice: str = ""  # told to the user on loading: the encoding used, bytes replaced

    def sentence(self, idx: int) -> Sentence:
        """The sentence shown as ``[idx]``; IndexError when there is none."""
        if not 1 <= idx <= len(self.sentences):
            raise IndexError(f"sentence [{idx}] is not in the article (1..{len(self.sentences)})")
        return self.sentences[idx - 1]


@dataclass(frozen=True, slots=True)
class Citation:
    sentence: int  # the cited sentence's 1-based number
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, s: Sentence) -> Citation:
        return cls(sentence=s.idx, start=s.start, end=s.end, text=s.text)


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved sentence with the scores that ranked it."""

    sentence: Sentence
    score: float  # fused score, higher is better
    dense: float = 0.0  # cosine similarity of the question to the sentence's indexed text
    lexical: float = 0.0  # BM25 score of the sentence alone
    rank: int = 0  # 1-based rank after fusion


@dataclass(slots=True)
class Answer:
    text: str  # what the user reads, with [n] markers after each claim
    abstained: bool
    citations: list[Citation]
    short: str = ""  # the bare short answer span ("" when abstaining)
    closest: list[Citation] = field(default_factory=list)  # shown when abstaining
    timings: dict[str, float] = field(default_factory=dict)  # stage -> milliseconds
    backend: str = "extractive"
    confidence: float = 0.0  # neural reader: P(its best span is right); rules: support score
    is_calibrated: bool = False  # confidence is the decision's calibrated probability
    is_low_confidence: bool = False  # answered, but under the decision's low-confidence mark
    retrieved: list[int] = field(default_factory=list)  # sentence numbers, best first
    unsupported: list[str] = field(default_factory=list)  # LLM claims no kept citation backs
    dropped: list[dict[str, Any]] = field(default_factory=list)  # {"sentence","claim","reason"}
    note: str = ""  # shown with the answer: a fallback taken, a question rewritten
    guess: str = ""  # the neural reader's best span, kept when it abstains (eval's curve)
    features: dict[str, float] = field(default_factory=dict)  # the decision's inputs (eval)
    kind: str = "fact"  # what was asked, one of ASK_KINDS (rag/asks/kinds.py)

    @classmethod
    def abstain(cls, closest: list[Citation], **details: Any) -> Answer:
        """The article doesn't say; ``closest`` are shown so the user can check."""
        return cls(NO_ANSWER, True, [], closest=closest, **details)

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape: answer, abstained, citations, latency_ms (+ extras)."""
        return {
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
            "latency_ms": round(self.timings.get("total", 0.0), 2),
            "short_answer": self.short,
            "closest": [asdict(c) for c in self.closest],
            "confidence": round(self.confidence, 4),
            "calibrated": self.is_calibrated,
            "low_confidence": self.is_low_confidence,
            "backend": self.backend,
            "unsupported": self.unsupported,
            "dropped": self.dropped,
            "note": self.note,
            "kind": self.kind,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Answer:
        """The Answer ``to_json`` gave (what a browser kept, or an API client sends back);
        KeyError, TypeError or ValueError when ``data`` is not that shape."""
        citations = [Citation(**c) for c in data["citations"]]
        closest = [Citation(**c) for c in data.get("closest", [])]
        answer = cls(
            text=str(data["answer"]),
            abstained=bool(data["abstained"]),
            citations=citations,
            short=str(data.get("short_answer", "")),
            closest=closest,
            backend=str(data.get("backend", "extractive")),
            confidence=float(data.get("confidence", 0.0)),
            is_calibrated=bool(data.get("calibrated", False)),
            is_low_confidence=bool(data.get("low_confidence", False)),
            unsupported=[str(u) for u in data.get("unsupported", [])],
            dropped=list(data.get("dropped", [])),
            note=str(data.get("note", "")),
            kind=str(data.get("kind", "fact")),
        )
        answer.timings["total"] = float(data.get("latency_ms", 0.0))
        return answer
