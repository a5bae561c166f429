"""Chapter 7's matrix product, touched in Chromium. Pointing at a cell of C lights its row of A
and its column of B in the browser (nothing goes to the server); a click, a key or a tap sends
the cell, and the select box and the readout table follow; the select box drives the lit cell
back. On a phone a tap does the same, and nothing on the page is wider than the screen, a 4×4
product included. Screenshots go to $FORMULA_LAB_SHOTS (default: the test's tmp folder)."""
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app, wait_idle

pytestmark = pytest.mark.browser

LIT = re.compile(r"\bfl-lit\b")
A0_COLS = B0_ROWS = 3     # the chapter's example: A 2×3 · B 3×2


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("FORMULA_LAB_SHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(page, server):
    open_app(page, server + "/matrix-multiplication")
    box = page.locator(".st-key-fl-figure-matrix_multiplication")
    expect(box.locator('[data-fl-drag="cell-1-1"]')).to_be_visible()
    return box


def _expect_lit(box, row, col, p=A0_COLS):
    """Exactly row ``row`` of A, column ``col`` of B and their cell of C are lit."""
    want = ([f'[data-fl-cell="a-{row}-{k}"]' for k in range(1, p + 1)]
            + [f'[data-fl-cell="b-{k}-{col}"]' for k in range(1, p + 1)]
            + [f'[data-fl-drag="cell-{row}-{col}"]'])
    for selector in want:
        expect(box.locator(selector)).to_have_class(LIT)
    expect(box.locator(".fl-lit")).to_have_count(len(want))


def _sent(page) -> int:
    return page.evaluate("() => window.__flTouch.sent")


def _readout_cell(box, text):
    return box.locator("td", has_text=text)


def _select_box(box):
    return box.get_by_role("combobox", name="Cell of C")


def test_hovering_a_cell_lights_its_row_and_column_and_a_click_sends_it(server, page, shots):
    box = _open(page, server)
    _expect_lit(box, 1, 1)
    cell = box.locator('[data-fl-drag="cell-2-2"]')
    expect(cell).to_have_attribute("aria-label", "C row 2 column 2: 13")

    cell.hover()
    _expect_lit(box, 2, 2)
    expect(box.locator(".fl-sum")).to_have_text("C₂₂ = 0·0 + 1·1 + 3·4 = 13")
    assert _sent(page) == 0, "a hover stays in the browser"
    expect(_readout_cell(box, "1·1 + 2·2 + 0·0 =")).to_be_visible()   # the server's cell: still C₁₁
    box.locator('[data-testid="stHorizontalBlock"]').first.screenshot(path=str(shots / "matmul-hover-1280.png"))

    page.mouse.move(2, 2)                               # the pointer leaves: the picked cell again
    _expect_lit(box, 1, 1)
    expect(box.locator(".fl-sum")).to_have_text("C₁₁ = 1·1 + 2·2 + 0·0 = 5")

    cell.click()
    expect(_readout_cell(box, "0·0 + 1·1 + 3·4 = 13")).to_be_visible()
    expect(_select_box(box)).to_have_value("C₂₂")
    expect(cell).to_have_attribute("aria-pressed", "true")
    assert _sent(page) == 1
    wait_idle(page)

    page.mouse.move(2, 2)
    _select_box(box).click()                            # the select box drives the figure back
    page.get_by_role("option", name="C₁₂").click()
    expect(_readout_cell(box, "1·0 + 2·1 + 0·4 = 2")).to_be_visible()
    _expect_lit(box, 1, 2)
    expect(box.locator('[data-fl-drag="cell-1-2"]')).to_have_attribute("aria-pressed", "true")
    wait_idle(page)

    box.locator('[data-fl-drag="cell-1-2"]').focus()    # the keyboard: arrows move, Enter picks
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")
    _expect_lit(box, 2, 1)
    page.keyboard.press("Enter")
    expect(_readout_cell(box, "0·1 + 1·2 + 3·0 = 2")).to_be_visible()
    expect(_select_box(box)).to_have_value("C₂₁")
    assert _sent(page) == 2
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def _fits(page):
    widths = page.evaluate("""() => [document.documentElement.scrollWidth, window.innerWidth]""")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide on a {widths[1]} px screen"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_tap_on_a_phone_lights_the_cell_and_nothing_runs_off_the_screen(server, browser, shots, scheme):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        box = _open(page, server)
        cell = box.locator('[data-fl-drag="cell-2-1"]')
        cell.scroll_into_view_if_needed()
        cell.tap()
        _expect_lit(box, 2, 1)
        expect(_readout_cell(box, "0·1 + 1·2 + 3·0 = 2")).to_be_visible()
        assert _sent(page) == 1
        _fits(page)
        wait_idle(page)
        box.locator('[data-testid="stHorizontalBlock"]').first.screenshot(
            path=str(shots / f"matmul-tap-390-{scheme}.png"))

        big = "[[1000000, -250000, 3/7, 12], [1, 2, 3, 4], [-5, 6, -7, 8], [9, 10, 11, 12]]"
        for name in ("A", "B"):                         # the plug-in allows up to 4×4
            field = page.locator(f".st-key-matrix_multiplication-plug_in-{name} input")
            field.fill(big)
            field.press("Enter")
            wait_idle(page)
        corner = box.locator('[data-fl-drag="cell-4-4"]')
        expect(corner).to_be_visible()
        _fits(page)
        corner.scroll_into_view_if_needed()             # inside the figure's own box if it must
        corner.tap()
        _expect_lit(box, 4, 4, p=4)
        expect(box.locator("td", has_text=re.compile(r"^C₄₄$"))).to_be_visible()
        _fits(page)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    finally:
        context.close()


def _chapter_7_figure():
    from components.figures import figure
    from core.content import chapter_by_slug

    figure(chapter_by_slug("matrix_multiplication"), {}, key="p")


@pytest.mark.parametrize("sent", [
    {"pick": {"row": "2", "col": 1, "seq": "s1"}}, {"pick": {"row": float("nan"), "col": 1, "seq": "s2"}},
    {"pick": {"row": 1e400, "col": 1, "seq": "s3"}}, {"pick": {"row": True, "col": 2, "seq": "s4"}},
    {"pick": {"row": 1.5, "col": 2, "seq": "s5"}}, {"pick": {"row": 2, "col": 2, "seq": 7}},
    {"pick": [2, 2]}, {"pick": None}, "C₂₂", 42])
def test_a_malformed_cell_from_the_browser_is_ignored(sent):
    """What a browser sends is untrusted: only whole row and column numbers count (clamped to
    C's shape); anything else leaves the picked cell as it was."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_chapter_7_figure, default_timeout=30).run()
    at.session_state["p.figure.cells"] = sent
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="p.figure.cell").value == "C₁₁"
    at.session_state["p.figure.cells"] = {"pick": {"row": 9, "col": -3, "seq": "far"}}
    at.run()
    assert at.selectbox(key="p.figure.cell").value == "C₂₁"    # clamped into the 2×2 C
