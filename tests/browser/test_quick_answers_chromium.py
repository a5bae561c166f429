"""Typing in a field and leaving it by a sidebar link: the first click navigates, nothing typed is lost."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app, wait_idle

pytestmark = pytest.mark.browser


def _sidebar_link(page, name):
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True)


def test_first_sidebar_click_after_typing_a_note_navigates_and_the_note_is_saved(server, page):
    note = "norm = length; typed and left at once"
    open_app(page, server + "/vectors")
    area = page.get_by_role("textbox", name="Your notes (Markdown)")
    area.click()
    area.press_sequentially(note, delay=5)
    _sidebar_link(page, "2. Vector Norm").click()            # once, straight from the box
    expect(page.locator("h1").first).to_have_text("Vector Norm", timeout=10_000)
    wait_idle(page)

    _sidebar_link(page, "1. Vectors").click()
    expect(page.locator("h1").first).to_have_text("Vectors", timeout=10_000)
    expect(page.get_by_role("textbox", name="Your notes (Markdown)")).to_have_value(note)
    page.reload()                                           # saved, not only kept in the session
    expect(page.get_by_role("textbox", name="Your notes (Markdown)")).to_have_value(note)


def test_first_sidebar_click_after_editing_a_plug_in_value_navigates_and_keeps_it(server, page):
    open_app(page, server + "/vector-norm")
    field = page.locator(".st-key-vector_norm-plug_in-v input").first
    field.click()
    field.press("Control+a")
    field.press_sequentially("[6, 8]", delay=5)
    _sidebar_link(page, "3. Unit Vector").click()
    expect(page.locator("h1").first).to_have_text("Unit Vector", timeout=10_000)
    wait_idle(page)

    _sidebar_link(page, "2. Vector Norm").click()
    expect(page.locator("h1").first).to_have_text("Vector Norm", timeout=10_000)
    expect(page.locator(".st-key-vector_norm-plug_in-v input").first).to_have_value("[6, 8]")
