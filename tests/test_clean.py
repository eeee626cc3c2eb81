import pytest

from rag.ingest.clean import clean_text, is_boilerplate, normalise


@pytest.mark.parametrize(
    "line",
    [
        "No comments:",
        "Post a Comment",
        "3 Comments",
        "Leave a reply",
        "Share this article",
        "Share on Facebook",
        "Facebook | Twitter | Email",
        "Subscribe to our newsletter",
        "Subscribe to: Post Comments (Atom)",
        "We use cookies to improve your experience. Accept to continue.",
        "Accept all cookies",
        "Advertisement",
        "Read more:",
        "Newer Post Older Post Home",
        "Follow us on Twitter and Facebook",
    ],
)
def test_widget_lines_are_boilerplate(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "He posted a comment on the ruling, aides said.",
        "The site uses cookies, regulators found, in breach of the rules that took effect in 2021.",
        "Share prices fell 3% on Monday.",
        "Home prices rose for the fifth month.",
    ],
)
def test_prose_is_kept(line: str) -> None:
    assert not is_boilerplate(line)


def test_seed_footer_is_dropped() -> None:
    text = "The Kremlin warned Tuesday.\nNo comments:\nPost a Comment\n"
    assert clean_text(text) == "The Kremlin warned Tuesday."


def test_normalise_line_breaks_controls_and_nbsp() -> None:
    assert normalise("a\r\nb\rc\x00d\u00a0e  \n") == "a\nb\ncd e\n"


def test_blank_runs_fold_to_one_blank_line() -> None:
    assert clean_text("One.\n\n\n\nTwo.") == "One.\n\nTwo."
