"""A learner in Chromium: Home, three chapters, a solved problem, a reload, progress kept."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app

pytestmark = pytest.mark.browser


def test_home_chapters_solve_reload(server, page):
    open_app(page, server)
    expect(page.locator("h1").first).to_have_text("Formula Lab")
    expect(page.get_by_text("Chapters · 0 of 17 mastered")).to_be_visible()

    for path, title in [("/dot-product", "Dot Product"), ("/softmax", "Softmax"),
                        ("/attention", "Scaled Dot-Product Attention")]:
        open_app(page, server + path)
        expect(page.locator("h1").first).to_have_text(title)
        expect(page.locator(".katex-display").first).to_be_visible()

    open_app(page, server + "/vectors")
    box = page.get_by_label("Your answer")
    box.fill("two")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Couldn't read that")).to_be_visible()
    box.fill("2*1 + 3")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Correct!")).to_be_visible()
    expect(page.get_by_text("Solved 1 / 10")).to_be_visible()

    page.reload()
    expect(page.get_by_text("Solved 1 / 10")).to_be_visible()
    open_app(page, server)
    expect(page.get_by_text("Continue where you left off: Ch. 1 · Vectors")).to_be_visible()
    expect(page.get_by_text("1 / 10 solved")).to_have_count(1)


def test_note_survives_a_reload(server, page):
    note = "ReLU keeps **positives** — 日本語 ✓"
    open_app(page, server + "/relu")
    area = page.get_by_role("textbox", name="Your notes (Markdown)")
    area.fill(note)
    page.locator("h1").first.click()           # blur: the note saves
    expect(page.get_by_text("Saved ").first).to_be_visible()
    page.reload()
    expect(page.get_by_role("textbox", name="Your notes (Markdown)")).to_have_value(note)
