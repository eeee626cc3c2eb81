"""The default answerer: picks a short span from the retrieved sentences, no LLM.

Steps, all pure over spaCy docs:
1. ``support`` (rag/read/rules/evidence.py): how well a sentence covers the question (weighted
   content-term coverage plus the dense similarity from retrieval). Below ``threshold``
   everywhere -> abstain.
2. ``rule_candidates`` (rag/read/rules/spans.py): spans of the type the question asks for (entities,
   merged into lists such as "Britain, Germany, Spain and Poland"; a pronoun speaker
   resolved to the person named just before; a subject phrase; a trimmed clause for
   what/why/how questions).
3. Candidates whose cited sentences fail ``is_plausible`` are dropped; the rest are ranked by
   their rule scores (support, type fit, closeness to the question's words in the parse,
   penalties for echoing the question or being a news attribution).
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from rag.read.rules.evidence import (
    Candidate,
    ScoredSentence,
    SentenceDoc,
    has_focus,
    is_plausible,
    missing_names,
    score_sentences,
)
from rag.read.rules.question import classify, content_terms
from rag.read.rules.roles import role_answer
from rag.read.rules.spans import best_clause, rule_candidates, yes_no
from rag.types import Answer, Article, Citation, Passage, citation_markers


def answer_question(
    question: Doc,
    passages: Sequence[Passage],
    article: Article,
    sentence_doc: SentenceDoc,
    *,
    threshold: float,
    top_k: int = 5,
) -> Answer:
    """The extractive answer to ``question`` from ``passages`` (retrieved sentences, best
    first). The first ``top_k`` are read; the rest only when a typed question finds no
    span of its type in them ("Who is the mayor?" whose answer ranks 7th)."""
    qtype = classify(question)
    terms = content_terms(question)
    closest = [Citation.of(p.sentence) for p in passages[:3]]
    if not passages:
        return Answer.abstain(closest)

    def score(group: Sequence[Passage]) -> list[ScoredSentence]:
        return score_sentences(question, terms, group, sentence_doc)

    scored = score(passages[:top_k])
    missing = missing_names(terms, article.text)
    best_support = scored[0][0] * (0.5 if missing else 1.0)
    if best_support < threshold:
        return Answer.abstain(closest, confidence=best_support)

    # Typed questions look further down: the best-covered sentence may hold no number/date.
    floor = max(threshold, (0.6 if qtype.labels else 0.75) * scored[0][0])

    def gather(group: list[tuple[float, Passage, Doc]]) -> list[Candidate]:
        found = rule_candidates(qtype, terms, [g for g in group if g[0] >= floor], sentence_doc)
        return [c for c in found if is_plausible(c, qtype, question, terms, sentence_doc)]

    candidates = gather(scored[: 5 if qtype.labels else 3])
    if qtype.labels and not candidates and len(passages) > top_k:
        candidates = gather(score(passages[top_k:]))

    best_p, best_doc = scored[0][1], scored[0][2]
    if qtype.labels and not candidates:
        # A "how many / when / who" question whose evidence holds no such span is unanswered.
        return Answer.abstain(closest, confidence=best_support)
    if candidates:
        top = max(candidates, key=lambda c: c.score)
        short, cited = top.text, top.sentences
    elif qtype.kind == "yesno" and has_focus(
        Candidate("", (best_p.sentence.idx,), 0.0), qtype, question, sentence_doc
    ):
        short, cited = yes_no(best_doc), (best_p.sentence.idx,)
    elif qtype.kind == "yesno":  # the sentence is on topic but does not say yes or no
        short, cited = best_clause(best_p.sentence.text, terms), (best_p.sentence.idx,)
    elif has_focus(Candidate("", (best_p.sentence.idx,), 0.0), qtype, question, sentence_doc):
        short, cited = best_clause(best_p.sentence.text, terms), (best_p.sentence.idx,)
        if qtype.kind == "describe":
            # The first well-supported sentence whose parse fills the question's gap answers.
            for sup, p, doc in scored[:3]:
                role = role_answer(question, doc) if sup >= floor else None
                if role:
                    short, cited = role, (p.sentence.idx,)
                    break
    else:
        return Answer.abstain(closest, confidence=best_support)

    citations = [Citation.of(article.sentence(n)) for n in sorted(set(cited))]
    markers = citation_markers(c.sentence for c in citations)
    text = f"{short} {markers}"
    if short in ("Yes", "No"):
        text = f"{short}: {best_clause(best_p.sentence.text, terms)} {markers}"
    return Answer(
        text=text,
        abstained=False,
        citations=citations,
        short=short,
        closest=closest,
        confidence=best_support,
    )
