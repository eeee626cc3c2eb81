"""What a reader asks, recognised and answered by kind (rag/asks): the pure parts here, the
whole path over the real models in tests/test_asks_service.py."""

from __future__ import annotations

import numpy as np
import pytest

from rag.asks.kinds import question_kind, recognise, who_is_name
from rag.asks.language import question_language
from rag.asks.overview import choose_overview, is_body_sentence, overview_size
from rag.asks.polarity import polarity
from rag.asks.smalltalk import other_language_reply, smalltalk_reply
from rag.asks.spelling import tidy_question
from rag.asks.statements import asks_for_statement
from rag.ingest.article import article_from_text
from rag.ingest.sentences import split_sentences
from rag.types import NO_ANSWER, Answer


@pytest.mark.parametrize(
    "question,kind",
    [
        ("is the bridge open yet", "yes_no"),
        ("So did anyone get hurt?", "yes_no"),
        ("ok and are they aggressive or not", "yes_no"),
        ("is it for or against the bill?", "fact"),  # asks which, not whether
        ("why did the council close the road", "why"),
        ("how come the vote failed?", "why"),
        ("How did the union react to the offer?", "how"),
        ("what was the mayor's response", "how"),
        ("how many people were hurt", "fact"),  # a quantity, not a manner
        ("how long did the strike last?", "fact"),
        ("which countries sent aid", "list"),
        ("According to the report, which banks failed?", "list"),
        ("who were the three finalists?", "list"),
        ("which team won", "fact"),  # singular
        ("what happens when the river floods", "fact"),  # "happens" is a verb
        ("when was the dam built", "fact"),
    ],
)
def test_question_kinds_read_from_grammar_as_people_type(question: str, kind: str) -> None:
    assert question_kind(question) == kind


@pytest.mark.parametrize(
    "question,name",
    [
        ("Who is Peskov?", "Peskov"),
        ("who's jim hume", "jim hume"),
        ("whos ruth davidson?", "ruth davidson"),
        ("Who is the mayor of Avonmouth?", ""),  # a description: the reader answers it
        ("who came on for the captain", ""),  # no "is": not a who-is
    ],
)
def test_who_is_takes_a_name_not_a_description(question: str, name: str) -> None:
    assert who_is_name(question) == name


def test_recognise_puts_language_and_intent_before_grammar() -> None:
    assert recognise("¿Quién marcó el gol de Suecia?", intent="question").kind == "other_language"
    assert recognise("Wer hat das Tor geschossen und wann?", intent="question").language == "German"
    assert recognise("tl;dr pls", intent="overview").kind == "overview"
    assert recognise("Who is quoted?", intent="people").kind == "people"
    peskov = recognise("who is peskov", intent="question")
    assert (peskov.kind, peskov.name) == ("people", "peskov")
    followup = recognise("and when was that?", intent="question", has_history=True)
    assert followup.is_followup and followup.kind == "fact"
    assert not recognise("and when was that?", intent="question").is_followup  # no chat yet


@pytest.mark.parametrize(
    "question", ["hi", "Who ruled out sending troops?", "Macron’s café in Paris", "hola"]
)
def test_english_and_names_are_never_taken_for_another_language(question: str) -> None:
    assert question_language(question) == "English"


def test_overview_leads_with_the_lead_and_follows_the_length() -> None:
    assert [overview_size(n) for n in (1, 5, 12, 30, 41)] == [1, 3, 3, 4, 5]
    text = "Floods close the harbour\n\nMonday, May 4\n\n" + " ".join(
        f"Sentence number {i} tells the reader about the harbour floods." for i in range(20)
    )
    article = article_from_text(text)
    vectors = np.random.default_rng(0).normal(size=(len(article.sentences), 8))
    chosen = choose_overview(article.sentences, vectors)
    assert len(chosen) == 4
    assert chosen == sorted(chosen)
    first_body = next(s.idx for s in article.sentences if is_body_sentence(s))
    assert chosen[0] == first_body  # the headline and dateline are passed over
    assert not is_body_sentence(article.sentences[0])


def test_overview_avoids_saying_the_same_thing_twice() -> None:
    sentences = split_sentences(
        "The old dam burst at dawn on Sunday. The old dam burst at dawn, witnesses said. "
        "Farms in the valley were flooded by noon. The army brought boats to the valley."
    )
    same = np.array([[1.0, 0.0, 0.0], [0.99, 0.01, 0.0], [0.5, 0.5, 0.0], [0.6, 0.3, 0.3]])
    assert choose_overview(sentences, same) == [1, 3, 4]


@pytest.mark.parametrize(
    "question,evidence,word",
    [
        ("is ukraine even in nato?", "Ukraine is not currently a NATO member.", "no"),
        (
            "will churches be forced to hold them?",
            "Churches will not be required to hold them.",
            "no",
        ),
        ("did most members back the bill", "A few members backed the bill.", "no"),
        (
            "Has a stingray attacked in Singapore before?",
            "No stingray attack was known in Singapore before.",
            "no",
        ),
        ("was var used in the game?", "VAR was used to confirm the penalty.", ""),  # which?
        ("Is the packet header long", "The packet header can be small.", ""),  # no antonym known
        ("did the council approve the plan", "The council approved the plan on Monday.", "yes"),
        ("is the inquiry still going on", "The inquiry into the crash is still going on.", "yes"),
        ("did the mayor resign?", "The council met on Friday.", ""),  # says nothing of it
    ],
)
def test_yes_or_no_comes_from_the_evidence_or_not_at_all(
    question: str, evidence: str, word: str
) -> None:
    assert polarity(question, evidence) == word


def test_spelling_fixes_shorthand_and_article_spellings_but_keeps_real_words() -> None:
    vocabulary = {"england", "played", "tunisia", "witsel", "lukaku", "penalty"}
    names = {"england", "tunisia", "witsel", "lukaku"}
    known = {"player", "played", "where", "did", "set", "up"}
    assert tidy_question("wher did eng play tunisia", vocabulary, names, known) == (
        "where did england play tunisia"
    )
    assert tidy_question("who came on for witsell", vocabulary, names, known) == (
        "who came on for witsel"
    )
    assert tidy_question("who set up lukakus goal", vocabulary, names, known) == (
        "who set up lukaku's goal"
    )
    assert tidy_question("who player", {"played"}, set(), known) == "who player"  # known word
    assert tidy_question("who ran out", {"ranger"}, {"ranger"}, {"ran"}) == "who ran out"


def test_small_talk_replies_offer_two_questions_and_never_refuse() -> None:
    offers = ["What is this article about?", "Who is Dmitry Peskov?"]
    for message in ["hi", "hello there", "thanks!", "ok cool", "bye", "what can you do?"]:
        reply = smalltalk_reply(message, offers)
        assert NO_ANSWER not in reply
        assert "“What is this article about?”" in reply and "“Who is Dmitry Peskov?”" in reply
    assert smalltalk_reply("thx", offers).startswith("You’re welcome!")
    assert smalltalk_reply("hey", offers).startswith("Hello!")
    assert "I answer questions about this article" in smalltalk_reply("help", offers)
    line = other_language_reply("French", offers)
    assert line.startswith("I read and answer in English, and this looks like French.")


def test_statement_questions() -> None:
    assert asks_for_statement("How did the Kremlin react to Macron's comments?")
    assert asks_for_statement("what did their guy say?")
    assert not asks_for_statement("Which countries ruled out sending troops?")


def test_kind_travels_with_the_answer_json() -> None:
    answer = Answer("- A. [1]", False, [], kind="overview")
    assert answer.to_json()["kind"] == "overview"
    assert Answer.from_json(answer.to_json()).kind == "overview"
    assert Answer.from_json({"answer": "x", "abstained": False, "citations": []}).kind == "fact"


def test_docstring_examples_of_the_asks_modules() -> None:
    import doctest

    import eval.asks_judge
    import rag.asks.kinds
    import rag.asks.language
    import rag.asks.overview
    import rag.asks.polarity
    import rag.asks.smalltalk
    import rag.asks.spelling
    import rag.asks.statements
    import rag.transcript

    modules = (rag.asks.kinds, rag.asks.language, rag.asks.overview, rag.asks.polarity,
               rag.asks.smalltalk, rag.asks.spelling, rag.asks.statements, rag.transcript,
               eval.asks_judge)  # fmt: skip
    for module in modules:
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


@pytest.mark.parametrize(
    "message,is_summary",
    [
        ("tldr?", True),
        ("tl;dr", True),
        ("TL;DR pls", True),
        ("recap?", True),
        ("summary pls", True),
        ("Summary judgment was issued by which court", False),  # a question about a summary
        ("who summarised the report for the committee?", False),
    ],
)
def test_summary_shorthand_is_an_overview_whatever_the_classifier_says(
    message: str, is_summary: bool
) -> None:
    from rag.asks.kinds import asks_for_summary

    assert asks_for_summary(message) is is_summary
    expected = "overview" if is_summary else "fact"
    assert recognise(message, intent="question").kind == expected


@pytest.mark.parametrize(
    "question,language",
    [
        ("你好", "Chinese or Japanese"),
        ("誰がパリで話しましたか", "Japanese"),
        ("Привет, кто такой Песков?", "Russian or another Cyrillic language"),
        ("Ελλάδα και NATO;", "Greek"),
        ("Who is Peskov? 👋", "English"),
    ],
)
def test_another_script_is_another_language(question: str, language: str) -> None:
    assert question_language(question) == language
    kind = "other_language" if language != "English" else "people"
    assert recognise(question, intent="question").kind == kind


def test_every_kind_the_answer_reports_is_a_declared_kind() -> None:
    from rag.transcript import KIND_LABELS
    from rag.types import ASK_KINDS

    messages = ["hi", "tl;dr", "who is peskov", "is it open?", "why?", "how did he react",
                "which countries", "when was it", "¿Quién?"]  # fmt: skip
    intents = ["question", "overview", "people", "chitchat"]
    made = {recognise(m, intent=i).kind for m in messages for i in intents}
    assert made == set(ASK_KINDS)
    assert set(KIND_LABELS) <= set(ASK_KINDS)


def test_spelling_leaves_an_inflection_of_an_article_word_alone() -> None:
    # "refereed" is one letter from the article's "referee": a form of it, not a typo
    assert tidy_question("Who refereed the match?", {"referee", "match"}, set(), set()) == (
        "Who refereed the match?"
    )


@pytest.mark.parametrize(
    ("sentence", "span", "expected"),
    [
        (
            "Several NATO members quickly ruled out sending troops to Ukraine following "
            "Macron’s comments, including Britain, Germany, Spain and Poland, according to Reuters.",
            "NATO members",
            ("including", "Britain, Germany, Spain and Poland"),
        ),
        (
            "Four clubs, such as Arsenal and Chelsea, objected to the plan.",
            "Four clubs",
            ("such as", "Arsenal and Chelsea"),
        ),
        (
            "Several countries, including the U.S. and Britain, sent aid.",
            "Several countries",
            None,  # "the U.S." is not read as a name: left as it is, never half a list
        ),
        # a single group named by no list, and a name that is no group: left as they are
        ("Several NATO members quickly ruled out sending troops.", "NATO members", None),
        ("Macron spoke first, including remarks on Britain, Germany and Spain.", "Macron", None),
        ("Two members, including Ruth Davidson of the Conservatives, abstained.", "members", None),
    ],
)
def test_a_group_the_sentence_goes_on_to_name_gets_the_names(
    sentence: str, span: str, expected: tuple[str, str] | None
) -> None:
    from rag.asks.lists import named_examples

    start = sentence.index(span)
    found = named_examples(sentence, start, start + len(span))
    shown = None if found is None else (found[0], sentence[found[1][0] : found[1][1]])
    assert shown == expected
