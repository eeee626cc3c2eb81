"""Pure parts of the LLM path: prompt files, claim parsing, the citation check, follow-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import PromptError
from rag.generate.citations import (
    ADDED,
    Claim,
    attach_missing,
    check_citations,
    parse_claims,
    render_checked,
    support_score,
)
from rag.generate.templates import fill_template, render_prompt, template_fields
from rag.ingest.article import article_from_text

ARTICLE = article_from_text(
    "NATO has 32 members. Poland ruled out sending troops. The weather was mild."
)


def test_every_prompt_file_renders_with_its_variables() -> None:
    system = render_prompt("answer_system", no_answer="The article doesn't say.")
    assert "reply exactly: The article doesn't say." in system
    user = render_prompt("answer_user", sentences='[1] "A {brace}."', question="Q?")
    assert user == '<article>\n[1] "A {brace}."\n</article>\n\nQuestion: Q?\n'
    assert "Follow-up question: he?" in render_prompt("rewrite_user", history="h", question="he?")


def test_a_missing_variable_names_the_file_and_the_variable() -> None:
    with pytest.raises(PromptError) as err:
        render_prompt("answer_user", sentences="[1] x")
    assert str(err.value) == "prompts/answer_user.txt needs question: no value was given for them."
    with pytest.raises(PromptError, match="needs a, b"):
        fill_template("{a} {b} {{literal}}", {})
    assert template_fields("{a} {{x}} {b} {a}") == ["a", "b"]


def test_a_missing_prompt_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match=r"answer_user\.txt could not be read"):
        render_prompt("answer_user", tmp_path, sentences="", question="")


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("32 members [1].", [Claim("32 members", (1,))]),
        ("A [1][2]. B [3, 4]", [Claim("A", (1, 2)), Claim("B", (3, 4))]),
        (
            "No markers here. Another one.",
            [Claim("No markers here.", ()), Claim("Another one.", ())],
        ),
        ("Intro. Poland said no [2].", [Claim("Intro.", ()), Claim("Poland said no", (2,))]),
        ("X [1]. [2]", [Claim("X", (1, 2))]),
        ("", []),
    ],
)
def test_parse_claims(text: str, claims: list[Claim]) -> None:
    assert parse_claims(text) == claims


def test_support_score_by_hand() -> None:
    # claim words {poland, rule, out, send, troop}; all five in the sentence -> overlap 1.0
    assert support_score(
        "Poland ruled out sending troops", "Poland ruled out sending troops.", 0.8
    ) == pytest.approx(0.9)
    # {weather, mild} vs a NATO sentence: overlap 0, similarity 0.1 -> 0.05
    assert support_score("weather mild", "NATO has 32 members.", 0.1) == pytest.approx(0.05)
    assert support_score("weather mild", "NATO has 32 members.", -0.3) == 0.0


def test_check_citations_keeps_supported_drops_missing_and_unrelated() -> None:
    claims = parse_claims("NATO has 32 members [1][9]. Poland sent troops [3].")
    checked = check_citations(claims, ARTICLE, lambda a, b: 0.2, threshold=0.45)
    assert [(c.sentence, c.kept, c.reason) for c in checked.checks] == [
        (1, True, "supported"),
        (9, False, "no such sentence"),
        (3, False, "does not support the claim"),
    ]
    assert checked.kept == [1]
    assert checked.is_supported(0) and not checked.is_supported(1)
    assert render_checked(checked) == "NATO has 32 members [1] Poland sent troops"


def test_extractive_follow_up_resolves_pronouns_from_the_last_answer(nlp) -> None:  # type: ignore[no-untyped-def]
    from rag.followup import resolve_followup

    peskov = [
        {"role": "user", "content": "Who is Peskov?"},
        {"role": "assistant", "content": "Kremlin spokesman Dmitry Peskov [4]"},
    ]
    assert (
        resolve_followup("What did he say next?", peskov, nlp) == "What did Dmitry Peskov say next?"
    )
    assert (
        resolve_followup("What was his warning?", peskov, nlp)
        == "What was Dmitry Peskov’s warning?"
    )
    nato = [
        {"role": "user", "content": "How many members does NATO have?"},
        {"role": "assistant", "content": "32 [10]"},
    ]
    assert resolve_followup("When did they meet?", nato, nlp) == "When did NATO meet?"
    assert resolve_followup("What did he say?", [], nlp) == "What did he say?"
    assert resolve_followup("Who ruled out troops?", peskov, nlp) == "Who ruled out troops?"


@pytest.mark.slow
def test_extractive_follow_up_end_to_end(seed_resources, seed_article) -> None:  # type: ignore[no-untyped-def]
    from rag.service import ArticleService

    service = ArticleService(seed_resources.settings, seed_resources)
    key = service.load(seed_article).id
    first = service.ask(key, "Who is the Kremlin spokesman?")
    assert "Peskov" in first.text
    history = [
        {"role": "user", "content": "Who is the Kremlin spokesman?"},
        {"role": "assistant", "content": first.text},
    ]
    follow = service.ask(key, "What did he say?", history)
    assert follow.note in (
        "Understood as: What did Peskov say?",
        "Understood as: What did Dmitry Peskov say?",
    )
    assert follow.citations and not follow.abstained


def test_attach_missing_cites_the_shown_sentence_that_supports_an_uncited_claim() -> None:
    claims = parse_claims("NATO has 32 members. Poland sent troops [3]. HACKED.")
    checked = check_citations(claims, ARTICLE, lambda a, b: 0.2, threshold=0.45)
    repaired = attach_missing(checked, ARTICLE.sentences, lambda a, b: 0.2, threshold=0.45)
    # "NATO has 32 members" <- sentence 1 (overlap 1.0 -> 0.6); "Poland sent troops" has no
    # sentence above 0.45 (its dropped [3] stays dropped); "HACKED" is one word: never repaired.
    assert [(c.claim, c.sentence, c.kept, c.reason) for c in repaired.checks] == [
        (1, 3, False, "does not support the claim"),
        (0, 1, True, ADDED),
    ]
    assert render_checked(repaired) == "NATO has 32 members. [1] Poland sent troops HACKED."
