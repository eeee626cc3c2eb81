"""What/why answers from the parse: the part of a sentence that fills the question's gap.

The question's wh-word fills a role of its verb; the answer is what fills the same role of
the same verb in the sentence. Pure over spaCy docs.

    "What has largely stalled out?"    (subject)         -> "Kyiv’s counteroffensive"
    "What does Kyiv continue to seek?" (object)          -> "membership"
    "What was added to warn of cracks?" (passive subject) -> "sensors"
    "What did Eriksen say about the piers?" (said)       -> the quoted words
    "Why has the counteroffensive stalled?"              -> "as … soldiers have died …"
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from rag.read.rules.question import normal_lemma

SAY_VERBS = {
    "say", "tell", "add", "continue", "ask", "write", "warn", "argue", "explain", "insist",
    "state", "announce", "claim", "note",
}  # fmt: skip
_SUBJECT = ("nsubj", "csubj")
_OBJECT = ("dobj", "attr", "oprd")
_CLAUSE = ("ccomp", "xcomp")
_TRIM = ("relcl", "acl", "advcl", "appos", "punct", "cc", "conj")
_REASON_MARKS = {"because", "as", "since", "after", "due", "so", "when"}
_QUOTES = "“”\"'‘’ ,.;:"


def _same_verb(a: Token, b: Token) -> bool:
    la, lb = normal_lemma(a), normal_lemma(b)
    return la == lb or (la in SAY_VERBS and lb in SAY_VERBS)


def _wh(question: Doc) -> Token | None:
    return next((t for t in question if t.lower_ in ("what", "why")), None)


def noun_phrase(head: Token) -> Span:
    """The head's phrase without relative clauses, appositions or conjuncts after it.

    "sensors that will warn us …" -> "sensors"
    """
    doc = head.doc
    end = head.right_edge.i + 1
    for child in head.children:
        if child.i > head.i and child.dep_ in _TRIM:
            end = min(end, child.left_edge.i)
    return doc[head.left_edge.i : max(end, head.i + 1)]


def clause(head: Token) -> Span:
    """A complement clause without its "that" and outer quotes."""
    doc = head.doc
    start = head.left_edge.i
    while start < head.i and (doc[start].lower_ == "that" or doc[start].text in _QUOTES):
        start += 1
    return doc[start : head.right_edge.i + 1]


def _strip(span: Span) -> str | None:
    """The span's text without outer quotes; None when it holds no content word ("that")."""
    if not any(t.is_alpha and not t.is_stop for t in span) and not any(t.like_num for t in span):
        return None
    return span.text.strip(_QUOTES)


def role_answer(question: Doc, sentence: Doc) -> str | None:
    """The sentence's words for what the question asks, or None when the parse can't tell."""
    wh = _wh(question)
    if wh is None or wh.head.pos_ not in ("VERB", "AUX"):
        return None
    qverb, role = wh.head, wh.dep_
    for verb in (t for t in sentence if t.pos_ in ("VERB", "AUX") and _same_verb(t, qverb)):
        children = list(verb.children)
        is_passive = any(c.dep_ == "nsubjpass" for c in children)
        if wh.lower_ == "why":
            for c in children:
                marks = {g.lower_ for g in c.children if g.dep_ in ("mark", "prep")}
                if c.dep_ in ("advcl", "prep") and (
                    c.lower_ in _REASON_MARKS or marks & _REASON_MARKS
                ):
                    return _strip(sentence[c.left_edge.i : c.right_edge.i + 1])
            continue
        wanted: tuple[str, ...]
        if role in _SUBJECT:
            wanted = ("nsubjpass",) if is_passive else _SUBJECT
        elif role == "nsubjpass":
            wanted = ("nsubjpass",) if is_passive else ("dobj",)
        elif role in (*_OBJECT, "dative"):
            wanted = ("nsubjpass", *_OBJECT) if is_passive else _OBJECT
        else:
            continue
        is_said = normal_lemma(verb) in SAY_VERBS
        asks_all_said = not any(c.dep_ in _CLAUSE for c in qverb.children)
        if is_said and asks_all_said and role in (*_OBJECT, "dative"):
            # What was said is the complement clause; "told reporters" names the listener.
            for c in children:
                if c.dep_ in _CLAUSE and (said := _strip(clause(c))):
                    return said
        asked_words = {t.lower_ for t in question}
        for c in children:
            if c.dep_ in wanted and c.lower_ not in asked_words:
                return _strip(noun_phrase(c))
        if is_said or role in ("dobj", "dative"):
            for c in children:
                if c.dep_ in _CLAUSE:
                    return _strip(clause(c))
    return None
