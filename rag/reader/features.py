"""The numbers the reader reads about a question and each candidate span. Pure.

``span_features`` gives one row per Option, columns named by ``SPAN_FEATURES``;
``question_features`` gives the row the no-answer model reads, ``QUESTION_FEATURES``. The
names are stored in the model file, so a model trained on other columns refuses to load.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from spacy.tokens import Doc, Span

from rag.evidence import SentenceDoc, has_focus, is_grounded, matched_tokens, refers_back
from rag.question import QuestionType, Term, normal_lemma
from rag.reader.candidates import SOURCES, Option, as_candidate
from rag.spans import closeness, is_attribution

KINDS = ("who", "identity", "when", "day", "where", "count", "amount", "source", "what",
         "yesno", "describe")  # fmt: skip
WH_WORDS = ("what", "who", "whom", "whose", "when", "where", "why", "how", "which")
LABELS = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
          "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL",
          "CARDINAL")  # fmt: skip
POS = ("NOUN", "PROPN", "NUM", "VERB", "ADJ", "ADV", "PRON", "AUX")
DEPS = ("nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "compound", "conj", "ROOT",
        "npadvmod", "nummod", "amod", "poss", "ccomp", "advcl")  # fmt: skip
PREPOSITIONS = ("in", "on", "at", "by", "of", "for", "from", "to", "with", "as", "during")


def _one_hot(prefix: str, values: Sequence[str]) -> list[str]:
    return [f"{prefix}={v}" for v in values] + [f"{prefix}=other"]


QUESTION_BASE = [
    *_one_hot("kind", KINDS),
    *_one_hot("wh", WH_WORDS),
    "terms", "has_name_term", "missing_names", "question_tokens",
]  # fmt: skip
SPAN_FEATURES = [
    *QUESTION_BASE,
    "support", "support_gap", "dense", "lexical_share", "retrieval_rank", "support_rank",
    "refers_back",
    *[f"source={s}" for s in SOURCES],
    "rule_score", "rule_gap", "is_rule_top", "is_aligned",
    "tokens", "chars",
    *_one_hot("label", LABELS), "label_fit",
    *_one_hot("pos", POS), *_one_hot("dep", DEPS), *_one_hot("prep", PREPOSITIONS),
    "question_overlap", "closeness", "distance", "left_matches", "right_matches",
    "head_matched", "child_matched", "grounded", "has_focus", "attribution",
    "has_number", "capitalised", "position", "in_quotes", "sentences_cited",
]  # fmt: skip
_COLUMN = {name: i for i, name in enumerate(SPAN_FEATURES)}  # name -> column, built once
QUESTION_FEATURES = [
    *QUESTION_BASE,
    "best_support", "second_support", "best_dense", "best_lexical",
    "best_score", "second_score", "score_gap", "options", "typed_options",
    "best_grounded", "best_has_focus", "best_label_fit", "rules_found",
]  # fmt: skip


def _hot(value: str, values: Sequence[str]) -> list[float]:
    row = [0.0] * (len(values) + 1)
    row[values.index(value) if value in values else len(values)] = 1.0
    return row


def _wh(question: Doc) -> str:
    return next((t.lower_ for t in question if t.lower_ in WH_WORDS), "other")


def question_base(
    question: Doc, qtype: QuestionType, terms: Sequence[Term], missing: bool
) -> list[float]:
    return [
        *_hot(qtype.kind, KINDS),
        *_hot(_wh(question), WH_WORDS),
        float(len(terms)),
        float(any(t.is_name for t in terms)),
        float(missing),
        float(len(question)),
    ]


def _label_fit(label: str, qtype: QuestionType) -> float:
    if not qtype.labels or not label:
        return 0.0
    return 1.0 if label == qtype.labels[0] else 0.5 if label in qtype.labels else 0.0


def span_features(
    options: Sequence[Option],
    question: Doc,
    qtype: QuestionType,
    terms: Sequence[Term],
    base: list[float],
    sentence_doc: SentenceDoc,
) -> np.ndarray:
    """One row per option, columns ``SPAN_FEATURES``."""
    if not options:
        return np.zeros((0, len(SPAN_FEATURES)))
    supports = sorted({o.scored[0] for o in options}, reverse=True)
    best_support = supports[0]
    lexical_max = max(o.scored[1].lexical for o in options) or 1.0
    rule_max = max((o.rule_score for o in options if "rule" in o.sources), default=None)
    asked = {t.lemma for t in terms} | {t.text for t in terms}
    matched_cache: dict[int, dict[int, float]] = {}
    checks: dict[tuple[int, ...], tuple[float, float]] = {}
    backward: dict[int, float] = {}  # sentence -> leans on the one before
    texts: dict[int, str] = {}  # Doc.text rebuilds its string on every call
    rows = []
    for o in options:
        sup, passage, _ = o.scored
        doc = sentence_doc(o.number)
        if o.number not in matched_cache:
            matched_cache[o.number] = matched_tokens(terms, doc)
            backward[o.number] = float(refers_back(doc))
            texts[o.number] = doc.text
        matched = matched_cache[o.number]
        span = o.span
        is_rule = "rule" in o.sources
        row = [
            *base,
            sup, best_support - sup, passage.dense, passage.lexical / lexical_max,
            float(passage.rank), float(supports.index(sup)),
            backward[o.number],
            *[float(s in o.sources) for s in SOURCES],
            o.rule_score,
            (rule_max - o.rule_score) if is_rule and rule_max is not None else 2.0,
            float(is_rule and o.rule_score == rule_max),
            float(span is not None),
        ]  # fmt: skip
        row += [float(len(span) if span is not None else len(o.text.split())),
                min(len(o.text), 300) / 100]  # fmt: skip
        if o.sentences not in checks:  # both checks read only the cited sentences
            candidate = as_candidate(o)
            checks[o.sentences] = (
                float(is_grounded(candidate, terms, sentence_doc)),
                float(has_focus(candidate, qtype, question, sentence_doc)),
            )
        if span is None:
            row += [*_hot("", LABELS), 0.0]
            row += _hot("", POS) + _hot("", DEPS) + _hot("", PREPOSITIONS)
            row += [0.0, 0.0, 30.0, 0.0, 0.0, 0.0, 0.0]
        else:
            root = span.root
            label = next((t.ent_type_ for t in span if t.ent_type_), "")
            head = root.head
            prep = head.lower_ if head.pos_ == "ADP" else ""
            content = [t for t in span if not t.is_punct and not t.is_stop]
            overlap = (
                sum(1 for t in content if normal_lemma(t) in asked or t.lower_ in asked)
                / len(content)
                if content
                else 1.0
            )
            inside = range(span.start, span.end)
            outside = {i: w for i, w in matched.items() if i not in inside}
            distance = min((abs(i - root.i) for i in outside), default=30)
            left = sum(w for i, w in outside.items() if span.start - 4 <= i < span.start)
            right = sum(w for i, w in outside.items() if span.end <= i < span.end + 4)
            row += [*_hot(label, LABELS), _label_fit(label, qtype)]
            row += _hot(root.pos_, POS) + _hot(root.dep_, DEPS) + _hot(prep, PREPOSITIONS)
            row += [
                overlap, closeness(root, outside), float(distance), left, right,
                float(head.i in outside), float(any(c.i in outside for c in root.children)),
            ]  # fmt: skip
        text = o.text
        row += [
            *checks[o.sentences],
            float(span is not None and is_attribution(span.root)),
            float(any(ch.isdigit() for ch in text)),
            sum(1 for w in text.split() if w[:1].isupper()) / max(len(text.split()), 1),
            (span.start / max(len(doc), 1)) if span is not None else 0.0,
            float(span is not None and _in_quotes(span, texts[o.number])),
            float(len(o.sentences)),
        ]
        rows.append(row)
    return np.asarray(rows, dtype=np.float64)


def _in_quotes(span: Span, doc_text: str) -> bool:
    """An odd number of quote marks before the span: it sits inside a quotation."""
    before = doc_text[: span.start_char] if span.start else ""
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def question_features(base: list[float], scores: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The no-answer model's row: the question, its evidence and the reader's best scores."""
    if not len(rows):
        return np.asarray([*base, *([0.0] * (len(QUESTION_FEATURES) - len(base)))])
    col = _COLUMN
    order = np.argsort(-scores)
    best = rows[order[0]]
    supports = np.unique(rows[:, col["support"]])[::-1]
    second_score = float(scores[order[1]]) if len(order) > 1 else 0.0
    return np.asarray([
        *base,
        supports[0], supports[1] if len(supports) > 1 else 0.0,
        rows[:, col["dense"]].max(), rows[:, col["lexical_share"]].max(),
        float(scores[order[0]]), second_score, float(scores[order[0]]) - second_score,
        float(len(rows)), float(np.sum(rows[:, col["label_fit"]] > 0)),
        best[col["grounded"]], best[col["has_focus"]], best[col["label_fit"]],
        rows[:, col["source=rule"]].max(),
    ])  # fmt: skip
