"""Three chapter figures in Chromium: each draws its figure (a Plotly chart or a touchable one), a
control moved (a number typed, a slider keyed, a cell clicked) changes the numbers, and no
exception shows. Dragging and hovering: tests/browser/test_touch_*_chromium.py.
Screenshots go to $FORMULA_LAB_SHOTS (default: the test's tmp folder)."""
import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app

pytestmark = pytest.mark.browser


def _figure(page, slug):
    box = page.locator(f".st-key-fl-figure-{slug}")
    expect(box.locator(".js-plotly-plot").first).to_be_visible()
    return box


def _traces(box) -> list[int]:
    """How many traces each Plotly figure in the box holds (as drawn by plotly.js)."""
    return box.locator(".js-plotly-plot").evaluate_all("els => els.map(e => (e.data || []).length)")


def _check(page, box, shots, name):
    # after a control moves, plotly.js redraws: give it a moment before calling a figure empty
    deadline = time.time() + 30
    while not (traces := _traces(box)) or not all(n > 0 for n in traces):
        assert time.time() < deadline, f"an empty figure: {traces}"
        time.sleep(0.25)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    box.scroll_into_view_if_needed()
    box.screenshot(path=str(shots / f"{name}.png"))


def test_three_figures_respond(server, page, tmp_path):
    shots = Path(os.environ.get("FORMULA_LAB_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)

    open_app(page, server + "/dot-product")
    box = page.locator(".st-key-fl-figure-dot_product")    # a touchable plane, not Plotly
    expect(box.locator("[data-fl-drag]")).to_have_count(2)
    expect(box.get_by_text("a₁b₁ + a₂b₂")).to_be_visible()
    field = box.get_by_label("b₁")
    field.fill("-3")
    field.press("Enter")
    expect(box.locator("td", has_text="−7")).to_be_visible()
    expect(box.locator(".fl-title")).to_have_text("a·b = −7 · θ = 127.9°")
    expect(box.locator(".fl-note")).to_have_text("negative: they oppose")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    box.scroll_into_view_if_needed()
    box.screenshot(path=str(shots / "dot_product.png"))

    open_app(page, server + "/softmax")
    box = _figure(page, "softmax")
    expect(box.locator("td", has_text="0.756")).to_be_visible()  # entropy of the worked example's [2, 0, −1] at τ = 1
    thumb = box.locator('[class*="st-key-softmax-figure-tau"] input[type="range"]')
    thumb.focus()
    thumb.press("End")  # the hottest temperature: nearly flat
    expect(thumb).to_have_value("5")
    expect(box.locator("td", has_text="1.538")).to_be_visible()
    _check(page, box, shots, "softmax")

    open_app(page, server + "/matrix-multiplication")
    box = _figure(page, "matrix_multiplication")
    box.locator('[data-fl-drag="cell-2-2"]').click()  # C₂₂ in the drawing (a touchable piece)
    expect(box.locator("td", has_text="0·0 + 1·1 + 3·4 =")).to_be_visible()
    _check(page, box, shots, "matrix_multiplication")
