"""The web chat in a real browser: Debian's /usr/bin/chromium driven by Playwright.

Never downloads a browser. `make test` installs chromium from Debian when it is missing;
without it these tests fail with the install command, they do not skip.
Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def playwright() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian chromium is missing: apt-get install chromium chromium-driver"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright) -> Iterator[object]:  # type: ignore[no-untyped-def]
    b = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
    yield b
    b.close()


def open_app(browser, url: str, width: int, height: int):  # type: ignore[no-untyped-def]
    """A page in a new browser context (its own, empty localStorage)."""
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    return opened(page, url)


def opened(page, url: str, bot_rows: int = 0):  # type: ignore[no-untyped-def]
    """``page`` at ``url`` once the article is shown and the chat kept in the browser (the
    ``bot_rows`` answers it holds) is back."""
    page.goto(url, wait_until="load")
    page.wait_for_selector("#sent-1", timeout=30_000)
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .message-row.bot-row').length === n",
        arg=bot_rows,
        timeout=30_000,
    )
    return page


def bot_rows(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.inner_text() for row in page.locator("#chat .message-row.bot-row").all()]


def ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    before = page.locator("#chat .message-row.bot-row").count()
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "([n, pending]) => { const rows = document.querySelectorAll('#chat .message-row.bot-row');"
        " return rows.length > n && !rows[rows.length - 1].innerText.includes(pending); }",
        arg=[before, "Reading the article"],
        timeout=30_000,
    )


def in_view(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    """The element is inside both the article panel's visible box and the window."""
    return bool(
        page.evaluate(
            """(sel) => { const el = document.querySelector(sel);
                const box = el.closest('.rag-article').getBoundingClientRect();
                const r = el.getBoundingClientRect();
                return r.top >= box.top - 1 && r.bottom <= box.bottom + 1
                    && r.top >= 0 && r.bottom <= window.innerHeight; }""",
            selector,
        )
    )


def test_seed_question_cites_highlights_and_links(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_app(browser, app_url, 1280, 800)
    ask(page, "Who ruled out sending troops?")
    answer = page.locator("#chat .message-row.bot-row").last.inner_text()
    assert "Britain, Germany, Spain and Poland" in answer
    assert "Sources (1)" in answer
    cited = page.locator(".rag-article .sent.cited")
    assert cited.count() == 1
    assert cited.get_attribute("id") == "sent-8"
    page.wait_for_timeout(700)  # the smooth scroll to the cited sentence
    page.screenshot(path=str(ARTIFACTS / "desktop-answer.png"))

    page.evaluate("document.querySelector('.rag-article').scrollTop = 1e6")
    assert not in_view(page, "#sent-8")
    page.locator("#chat a.cite", has_text="[8]").first.click()
    page.wait_for_timeout(900)
    assert in_view(page, "#sent-8")
    assert "flash" in (page.locator("#sent-8").get_attribute("class") or "")
    page.screenshot(path=str(ARTIFACTS / "desktop-clicked-citation.png"))
    page.close()


def test_what_a_newcomer_types_first(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    """The overview chip comes first and answers with a cited list; "hi" gets a greeting."""
    page = open_app(browser, app_url, 1280, 800)
    chips = page.locator("#examples button")
    assert chips.first.inner_text().strip() == "What is this article about?"
    chips.first.click()
    page.wait_for_function(
        "() => { const rows = document.querySelectorAll('#chat .message-row.bot-row');"
        " return rows.length === 1 && !rows[0].innerText.includes('Reading the article'); }",
        timeout=30_000,
    )
    overview = page.locator("#chat .message-row.bot-row").last
    assert overview.locator("li").count() >= 3
    assert overview.locator("a.cite").count() >= 3
    assert page.locator(".rag-article .sent.cited").first.get_attribute("id") == "sent-1"
    page.screenshot(path=str(ARTIFACTS / "desktop-overview.png"))
    ask(page, "hi")
    greeting = page.locator("#chat .message-row.bot-row").last.inner_text()
    assert greeting.startswith("Hello!") and "The article doesn't say" not in greeting
    assert "“What is this article about?”" in greeting
    page.close()


def test_binary_upload_shows_the_error_and_the_chat_keeps_working(
    browser, app_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = open_app(browser, app_url, 1280, 800)
    fake = tmp_path / "photo.txt"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(256))
    page.click("#loaders button:has-text('Load another article'), #loaders .label-wrap")
    page.get_by_role("tab", name="Upload").click()
    page.locator("#upload input[type=file]").set_input_files(str(fake))
    toast = page.get_by_text("photo.txt is a PNG image, not text")
    toast.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "upload-error.png"))
    assert page.locator("#sent-16").count() == 1  # the seed article is still loaded
    ask(page, "How many members does NATO have?")
    assert "32" in page.locator("#chat .message-row.bot-row").last.inner_text()
    page.close()


def test_phone_width_stacks_chat_over_article(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_app(browser, app_url, 390, 844)
    ask(page, "Who ruled out sending troops?")
    chat = page.locator("#chat").bounding_box()
    panel = page.locator("#article-panel").bounding_box()
    assert chat is not None and panel is not None
    assert panel["y"] > chat["y"] + chat["height"] - 1  # stacked, not squeezed side by side
    assert chat["width"] <= 390 and panel["x"] >= 0 and panel["x"] + panel["width"] <= 390
    no_sideways = "() => document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_sideways)  # nothing wider than the phone
    assert page.locator(".rag-article .sent.cited").get_attribute("id") == "sent-8"
    page.screenshot(path=str(ARTIFACTS / "phone-answer.png"), full_page=True)
    page.locator("#chat a.cite", has_text="[8]").first.click()  # tap the citation
    page.wait_for_timeout(900)
    assert in_view(page, "#sent-8")  # the page and the panel both scrolled to it
    page.screenshot(path=str(ARTIFACTS / "phone-tapped-citation.png"))
    page.reload()
    opened(page, app_url, bot_rows=1)
    assert page.evaluate(no_sideways)
    page.close()


def test_a_reload_brings_back_the_chat_its_highlights_and_links(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_app(browser, app_url, 1280, 800)
    ask(page, "Who ruled out sending troops?")
    ask(page, "How much aid has the U.S. alone given?")
    before = bot_rows(page)
    page.reload()
    opened(page, app_url, bot_rows=2)
    assert bot_rows(page) == before
    cited = page.locator(".rag-article .sent.cited")
    assert cited.count() == 1 and cited.get_attribute("id") == "sent-16"
    page.wait_for_timeout(700)
    assert in_view(page, "#sent-16")  # scrolled to, as after the answer
    page.screenshot(path=str(ARTIFACTS / "reloaded.png"))
    page.locator("#chat a.cite", has_text="[8]").first.click()
    page.wait_for_timeout(900)
    assert in_view(page, "#sent-8") and "flash" in (
        page.locator("#sent-8").get_attribute("class") or ""
    )
    page.click("button:has-text('New chat')")
    page.wait_for_function("() => !document.querySelector('.rag-article .sent.cited')")
    page.wait_for_timeout(500)  # the cleared value reaches localStorage
    page.reload()
    opened(page, app_url, bot_rows=0)  # New chat cleared what the browser kept
    page.close()


def test_a_pasted_article_and_its_chat_survive_a_reload(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page = open_app(browser, app_url, 1280, 800)
    page.click("#loaders button:has-text('Load another article'), #loaders .label-wrap")
    page.get_by_role("tab", name="Paste").click()
    page.locator("#loaders textarea").first.fill(
        "The Harbour Bridge in Halden Bay will reopen on 14 March, the city council said. "
        "Repairs cost 41 million kroner, engineer Ingrid Solvang told reporters."
    )
    page.click("button:has-text('Load text')")
    has_article = "() => document.querySelector('#article-panel').innerText.includes('Halden Bay')"
    page.wait_for_function(has_article, timeout=30_000)  # (#sent-2: the seed has one too)
    ask(page, "How much did the repairs cost?")
    page.reload()
    opened(page, app_url, bot_rows=1)
    page.wait_for_function(has_article)  # the panel renders just after the chat
    assert page.locator("#sent-3").count() == 0  # the pasted article, not the seed
    assert "41 million kroner" in bot_rows(page)[0]
    page.close()


def test_export_downloads_the_conversation_with_the_articles_own_sentences(
    browser, app_url: str
) -> None:  # type: ignore[no-untyped-def]
    from rag.ingest.article import article_from_text
    from tests.conftest import SEED_ARTICLE

    page = open_app(browser, app_url, 1280, 800)
    assert page.locator("#export").is_disabled()  # nothing to export yet
    ask(page, "Who ruled out sending troops?")
    page.wait_for_function("() => !document.querySelector('#export').disabled")
    with page.expect_download() as download:
        page.click("#export")
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".md")
    text = Path(path).read_text(encoding="utf-8")
    lines = text.splitlines()
    seed = article_from_text(SEED_ARTICLE.read_text(encoding="utf-8"))
    assert lines[0].startswith("# The Kremlin warned Tuesday")
    assert lines[2].startswith("Source: ") and lines[2].endswith("seed-article.txt  ")
    assert "## 1. Who ruled out sending troops?" in lines
    assert f"> [8] {seed.sentence(8).text}" in lines
    (ARTIFACTS / "export.md").write_text(text, encoding="utf-8")
    page.close()


def test_the_chat_survives_a_browser_restart(playwright, app_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    profile = tmp_path / "profile"  # the browser's own folder on disk, kept between runs

    def start():  # type: ignore[no-untyped-def]
        return playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=FLAGS
        )

    first = start()
    page = opened(first.new_page(), app_url)
    ask(page, "Who ruled out sending troops?")
    answered = bot_rows(page)
    page.wait_for_timeout(500)
    first.close()
    second = start()
    page = opened(second.new_page(), app_url, bot_rows=1)
    assert bot_rows(page) == answered
    assert page.locator(".rag-article .sent.cited").get_attribute("id") == "sent-8"
    second.close()


def test_a_kept_chat_that_cannot_be_read_leaves_a_working_page(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    from rag.app.saved import ARTICLE_KEY, CHAT_KEY

    page = open_app(browser, app_url, 1280, 800)
    for key in (ARTICLE_KEY, CHAT_KEY):
        page.evaluate("key => localStorage.setItem(key, 'bm90IG91cnM=:garbage')", key)
    opened(page, app_url, bot_rows=0)
    assert page.locator("#sent-16").count() == 1  # the seed article, nothing broken
    ask(page, "How many members does NATO have?")
    assert "32" in bot_rows(page)[-1]
    page.close()
