"""The rules' candidate spans (rag/read/rules/spans.py), on hand-made sentences."""

from __future__ import annotations

from rag.read.rules.evidence import ScoredSentence
from rag.read.rules.question import classify, content_terms
from rag.read.rules.spans import best_clause, entity_groups, rule_candidates, subject_phrase, yes_no
from rag.types import Passage, Sentence

LIST_SENTENCE = (
    "Several NATO members quickly ruled out sending troops to Ukraine following Macron’s "
    "comments, including Britain, Germany, Spain and Poland."
)


def _scored(nlp, texts: list[str]) -> list[ScoredSentence]:  # type: ignore[no-untyped-def]
    out = []
    for n, text in enumerate(texts, start=1):
        sentence = Sentence(idx=n, text=text, start=0, end=len(text), paragraph=1)
        out.append((0.8, Passage(sentence, 1.0, 0.5, 1.0, n), nlp(text)))
    return out


def test_entity_runs_merge_into_one_list(nlp) -> None:  # type: ignore[no-untyped-def]
    groups = [g.text for g in entity_groups(nlp(LIST_SENTENCE), ["GPE"])]
    assert "Britain, Germany, Spain and Poland" in groups


def test_who_question_prefers_the_named_list_of_agents(nlp) -> None:  # type: ignore[no-untyped-def]
    question = nlp("Who ruled out sending troops?")
    scored = _scored(nlp, [LIST_SENTENCE])
    docs = {1: scored[0][2]}
    found = rule_candidates(classify(question), content_terms(question), scored, docs.__getitem__)
    best = max(found, key=lambda c: c.score)
    assert best.text == "Britain, Germany, Spain and Poland" and best.sentences == (1,)


def test_a_pronoun_speaker_resolves_to_the_person_named_before(nlp) -> None:  # type: ignore[no-untyped-def]
    texts = [
        "Jens Stoltenberg spoke to the AP on Tuesday.",
        "He said NATO had no plans to send combat troops.",
    ]
    question = nlp("Who said NATO had no plans to send combat troops?")
    scored = _scored(nlp, texts)
    docs = {n: s[2] for n, s in enumerate(scored, start=1)}
    found = rule_candidates(classify(question), content_terms(question), scored[1:], docs.get)
    assert any(c.text == "Jens Stoltenberg" and c.sentences == (2, 1) for c in found)


def test_subject_phrase_drops_titles_from_a_name(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Councillor Arne Dahl voted against the plan.")
    verb = next(t for t in doc if t.lemma_ == "vote")
    subject = next(c for c in verb.children if c.dep_ == "nsubj")
    assert subject_phrase(subject).text == "Arne Dahl"


def test_best_clause_cuts_the_attribution_tail() -> None:
    text = "Sending troops would mean conflict with the NATO alliance, Peskov told reporters."
    assert best_clause(text, []) == "Sending troops would mean conflict with the NATO alliance"


def test_yes_no_reads_negation(nlp) -> None:  # type: ignore[no-untyped-def]
    assert yes_no(nlp("The counteroffensive has not succeeded.")) == "No"
    assert yes_no(nlp("Russia would go to war with NATO.")) == "Yes"
