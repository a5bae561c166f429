"""A learner in Chromium: Home, three chapters, a solved problem, a reload, progress kept."""
import pytest

from tests.browser.conftest import open_app

pytestmark = pytest.mark.browser


def test_home_chapters_solve_reload(server, page):
    open_app(page, server)
    assert page.locator("h1").first.inner_text() == "Formula Lab"
    assert page.get_by_text("Chapters · 0 of 17 mastered").is_visible()

    for path, title in [("/dot-product", "Dot Product"), ("/softmax", "Softmax"), ("/attention", "Scaled Dot-Product Attention")]:
        open_app(page, server + path)
        assert title in page.locator("h1").first.inner_text()
        assert page.locator(".katex").first.is_visible()

    open_app(page, server + "/vectors")
    box = page.get_by_label("Your answer")
    box.fill("two")
    page.get_by_role("button", name="Check").click()
    page.get_by_text("Couldn't read that").wait_for()
    box.fill("2*1 + 3")
    page.get_by_role("button", name="Check").click()
    page.get_by_text("Correct!").wait_for()
    page.get_by_text("Solved 1 / 10").wait_for()

    page.reload()
    page.wait_for_selector("h1")
    page.get_by_text("Solved 1 / 10").wait_for()
    open_app(page, server)
    page.get_by_text("Continue where you left off: Ch. 1 · Vectors").wait_for()
    assert page.get_by_text("1 / 10 solved").count() == 1


def test_note_survives_a_reload(server, page):
    open_app(page, server + "/relu")
    area = page.get_by_role("textbox", name="Your notes (Markdown)")
    area.fill("ReLU keeps **positives** — 日本語 ✓")
    page.locator("h1").first.click()           # blur: the note saves
    page.get_by_text("Saved ").first.wait_for()
    page.reload()
    page.wait_for_selector("h1")
    assert page.get_by_role("textbox", name="Your notes (Markdown)").input_value() == "ReLU keeps **positives** — 日本語 ✓"
