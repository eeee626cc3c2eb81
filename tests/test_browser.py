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
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian chromium is missing: apt-get install chromium chromium-driver"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


def open_app(browser, url: str, width: int, height: int):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url, wait_until="load")
    page.wait_for_selector("#sent-1", timeout=30_000)
    return page


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
    assert chat["width"] <= 390
    page.screenshot(path=str(ARTIFACTS / "phone-answer.png"), full_page=True)
    page.close()
