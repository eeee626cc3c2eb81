"""Check an LLM's [n] citations against the article before anyone sees them. Pure.

    claims = parse_claims("Britain and Poland ruled it out [8]. NATO has 32 members [10][99].")
    report = check_citations(claims, article, similarity, threshold=0.55)

A claim is the text before a group of markers (or a sentence with none). A marker survives
only when its sentence exists and supports its claim; support blends how many of the claim's
content words the sentence contains with the embedding similarity of the two (``similarity``
is passed in, so this module stays free of models). Claims left with no surviving citation
are unsupported, unless ``attach_missing`` finds a shown sentence that supports them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.stems import stem
from rag.types import Article, Sentence, citation_markers

MARKERS = re.compile(r"((?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+)")
NUMBER = re.compile(r"\d+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘'(])")
WORD = re.compile(r"[\w’']+")
STOP = frozenset(
    """a an the of to in on at for by with from and or but is are was were be been being it its
    this that these those he she they them his her their we our you your i as not no yes said
    says say has have had do does did will would could should may might can than then there
    here also about into over after before""".split()
)
ADDED = "added by the checker"
OVERLAP_WEIGHT = 0.5  # support = 0.5 * content-word overlap + 0.5 * embedding similarity

Similarity = Callable[[str, str], float]


@dataclass(frozen=True, slots=True)
class Claim:
    text: str  # the claim's words, markers removed
    markers: tuple[int, ...]  # sentence numbers as the model wrote them, in order


@dataclass(frozen=True, slots=True)
class CitationCheck:
    claim: int  # index into the claims
    sentence: int
    kept: bool
    reason: str  # "supported" | "no such sentence" | "does not support the claim" | ADDED
    score: float = 0.0  # support score (0 when the sentence does not exist)


@dataclass(frozen=True, slots=True)
class CheckedAnswer:
    claims: tuple[Claim, ...]
    checks: tuple[CitationCheck, ...]

    @property
    def kept(self) -> list[int]:
        """Sentence numbers that survived, in first-cited order, each once."""
        return list(dict.fromkeys(c.sentence for c in self.checks if c.kept))

    @property
    def dropped(self) -> list[CitationCheck]:
        return [c for c in self.checks if not c.kept]

    def is_supported(self, claim: int) -> bool:
        return any(c.kept for c in self.checks if c.claim == claim)

    @property
    def has_support(self) -> bool:
        return any(c.kept for c in self.checks)


def parse_claims(text: str) -> list[Claim]:
    """Split an answer into claims, each with the markers written right after it.

    >>> for claim in parse_claims("Poland said no [8]. NATO has 32 members [10, 11]. It grew."):
    ...     print(claim)
    Claim(text='Poland said no', markers=(8,))
    Claim(text='NATO has 32 members', markers=(10, 11))
    Claim(text='It grew.', markers=())
    """
    claims: list[Claim] = []
    pieces = MARKERS.split(text)
    for i in range(0, len(pieces), 2):
        markers = (
            tuple(int(n) for n in NUMBER.findall(pieces[i + 1])) if i + 1 < len(pieces) else ()
        )
        sentences = [s.strip() for s in SENTENCE_END.split(pieces[i]) if s.strip()]
        sentences = [s.lstrip(".,;:!? ").strip() for s in sentences]
        sentences = [s for s in sentences if WORD.search(s)]
        if not sentences:
            if markers and claims:  # "[3] [4]" split by punctuation: same claim
                last = claims[-1]
                claims[-1] = Claim(last.text, last.markers + markers)
            continue
        claims += [Claim(s, ()) for s in sentences[:-1]]
        claims.append(Claim(sentences[-1], markers))
    return claims


def content_words(text: str) -> set[str]:
    """Stemmed words that carry meaning: "Poland ruled it out" -> {"poland", "rule", "out"}."""
    return {stem(w) for w in (m.lower().strip("’'") for m in WORD.findall(text)) if w not in STOP}


def support_score(claim: str, sentence: str, similarity: float) -> float:
    """How well ``sentence`` supports ``claim``, in [0, 1].

    The share of the claim's content words found in the sentence, blended evenly with the
    embedding cosine similarity (clipped at 0). A claim with no content words scores by
    similarity alone.

    >>> round(support_score("Poland ruled it out", "Poland ruled out troops.", 0.6), 2)
    0.8
    """
    words = content_words(claim)
    overlap = len(words & content_words(sentence)) / len(words) if words else similarity
    return OVERLAP_WEIGHT * overlap + (1 - OVERLAP_WEIGHT) * max(0.0, similarity)


def check_citations(
    claims: Sequence[Claim], article: Article, similarity: Similarity, threshold: float
) -> CheckedAnswer:
    """Keep each marker whose sentence exists and scores at least ``threshold``."""
    checks: list[CitationCheck] = []
    count = len(article.sentences)
    for i, claim in enumerate(claims):
        for n in dict.fromkeys(claim.markers):
            if not 1 <= n <= count:
                checks.append(CitationCheck(i, n, False, "no such sentence"))
                continue
            text = article.sentence(n).text
            score = support_score(claim.text, text, similarity(claim.text, text))
            kept = score >= threshold
            reason = "supported" if kept else "does not support the claim"
            checks.append(CitationCheck(i, n, kept, reason, round(score, 4)))
    return CheckedAnswer(tuple(claims), tuple(checks))


def attach_missing(
    checked: CheckedAnswer,
    shown: Sequence[Sentence],
    similarity: Similarity,
    threshold: float,
) -> CheckedAnswer:
    """Cite, for each claim left with no kept citation, the shown sentence that supports it best,
    when it reaches ``threshold`` (small models often answer well and cite nothing). Claims of
    fewer than two content words get none.

    ``shown`` are the sentences the model was given; the added checks read "added by the
    checker" so the user is told which markers the model did not write.
    """
    checks = list(checked.checks)
    for i, claim in enumerate(checked.claims):
        # One word matching a sentence proves little: "HACKED" echoing an injected line.
        if checked.is_supported(i) or len(content_words(claim.text)) < 2 or not shown:
            continue
        score, best = max(
            (support_score(claim.text, s.text, similarity(claim.text, s.text)), s.idx)
            for s in shown
        )
        if score >= threshold:
            checks.append(CitationCheck(i, best, True, ADDED, round(score, 4)))
    return CheckedAnswer(checked.claims, tuple(checks))


def render_checked(checked: CheckedAnswer) -> str:
    """The answer as the user reads it: kept markers after their claims, dropped ones gone.

    >>> kept = CitationCheck(0, 10, True, "supported")
    >>> gone = CitationCheck(0, 99, False, "no such sentence")
    >>> c = CheckedAnswer((Claim("NATO has 32 members", (10, 99)),), (kept, gone))
    >>> render_checked(c)
    'NATO has 32 members [10]'
    """
    parts = []
    for i, claim in enumerate(checked.claims):
        kept = [c.sentence for c in checked.checks if c.claim == i and c.kept]
        markers = citation_markers(kept)
        parts.append(f"{claim.text} {markers}".strip())
    return " ".join(parts)
