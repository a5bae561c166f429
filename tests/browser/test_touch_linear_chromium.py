"""The linear-map figures (chapters 6, 8, 9) touched in Chromium: a tip dragged with the mouse
or a finger redraws the figure while the hand moves, and the drop sends one value that the
readout and the number boxes then show. Screenshots go to $FORMULA_LAB_SHOTS (default: the
test's tmp folder). Last, what a browser sends is untrusted: hostile drops, checked in AppTest."""
import os
import statistics
from pathlib import Path

import pytest
from playwright.sync_api import expect
from streamlit.testing.v1 import AppTest

from tests.browser.conftest import open_app, wait_idle

in_chromium = pytest.mark.browser


def _figure(page, slug):
    box = page.locator(f".st-key-fl-figure-{slug}")
    expect(box.locator(".fl-touch svg[data-fl-range]")).to_be_visible()
    box.locator(".fl-touch").scroll_into_view_if_needed()
    _settled(box)
    return box


def _settled(box):
    """Wait until the drawing stays put for 10 frames (the page above it done loading), so a
    pointer aimed at a handle lands on it."""
    wait_idle(box.page)
    box.locator(".fl-touch svg").evaluate("""svg => new Promise(done => {
        let last = "", same = 0;
        const tick = () => {
            const now = JSON.stringify(svg.getBoundingClientRect());
            same = now === last ? same + 1 : 0;
            last = now;
            if (same >= 10) done(); else requestAnimationFrame(tick);
        };
        tick();
    })""")


def _handle(box, name) -> tuple[float, float]:
    """The centre of the handle that moves ``name``, in the page's pixels."""
    b = box.locator(f'[data-fl-drag="{name}"] .fl-dot').bounding_box()
    return b["x"] + b["width"] / 2, b["y"] + b["height"] / 2


def _spot(box, x: float, y: float) -> tuple[float, float]:
    """The point (x, y) of the figure's plane, in the page's pixels (the SVG is 400 units wide,
    the plot −r…r inside a 14-unit margin)."""
    svg = box.locator(".fl-touch svg")
    r = float(svg.get_attribute("data-fl-range"))
    b = svg.bounding_box()
    unit = b["width"] / 400
    scale = (400 - 28) / (2 * r)
    return b["x"] + (200 + x * scale) * unit, b["y"] + (200 - y * scale) * unit


def _touch(page) -> dict:
    return page.evaluate("() => ({...window.__flTouch, frames: window.__flTouch.frames.length})")


def _mouse_drag(page, box, name, to, *, during=None):
    """Drag ``name``'s handle to the plane point ``to`` with the mouse; ``during(box)`` runs
    while the button is still down (the drop not yet sent)."""
    _settled(box)
    page.mouse.move(*_handle(box, name))
    page.mouse.down()
    page.mouse.move(*_spot(box, *to), steps=12)
    if during:
        during(box)
    page.mouse.up()


def _value(box, quantity):
    """The readout's row for ``quantity``."""
    return box.locator("tr").filter(has=box.page.get_by_role("cell", name=quantity, exact=True))


def _shot(box, shots, name):
    box.screenshot(path=str(shots / f"{name}.png"))


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("FORMULA_LAB_SHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@in_chromium
def test_dragging_a_column_of_A_moves_the_parallelogram_and_then_det_A(server, page, shots):
    open_app(page, server + "/determinant")
    box = _figure(page, "determinant")
    title = box.locator(".fl-touch .fl-title")
    expect(title).to_have_text("signed area 5")
    expect(box.get_by_text("Drag the column arrows")).to_be_visible()
    sent = _touch(page)["sent"]

    def midway(box):   # drawn in the browser before anything is sent
        expect(title).to_have_text("signed area 4")
        expect(box.locator('[data-fl-label="area"]')).to_have_text("area 4")
        assert _touch(page)["sent"] == sent
        _shot(box, shots, "determinant-drag")

    _mouse_drag(page, box, "b", (0, 2), during=midway)   # column 2 [b, d] = [−1, 2] → [0, 2]
    expect(_value(box, "det A = ad − bc")).to_contain_text("4")
    expect(box.get_by_label("A₁₂")).to_have_value("0")
    expect(box.get_by_label("A₂₂")).to_have_value("2")
    expect(_value(box, "bc")).to_contain_text("0·1 = 0")
    wait_idle(page)
    touch = page.evaluate("() => window.__flTouch")
    assert 1 <= touch["sent"] - sent <= 3, "a drag sends a handful of values at most"
    assert statistics.median(touch["frames"]) < 16, touch["frames"]

    _mouse_drag(page, box, "a", (0, 1))   # column 1 onto column 2's line: area 0
    expect(title).to_have_text("det = 0: the square collapses onto a line")
    expect(_value(box, "orientation")).to_contain_text("collapsed (singular)")


@in_chromium
def test_a_number_box_redraws_the_figure(server, page):
    open_app(page, server + "/determinant")
    box = _figure(page, "determinant")
    field = box.get_by_label("A₂₂")
    field.fill("-2")
    field.press("Enter")
    expect(box.locator(".fl-touch .fl-title")).to_have_text("signed area −3 (flipped)")
    expect(_value(box, "orientation")).to_contain_text("flipped")


@in_chromium
def test_dragging_x_moves_A_x(server, page, shots):
    open_app(page, server + "/matrix-vector")
    box = _figure(page, "matrix_vector")
    title = box.locator(".fl-touch .fl-title")
    expect(title).to_have_text("x = [2, 1] → A·x = [3, 0]")

    def midway(box):
        expect(title).to_have_text("x = [0, 1] → A·x = [1, 1]")
        _shot(box, shots, "matvec-drag")

    _mouse_drag(page, box, "x", (0, 1), during=midway)
    expect(_value(box, "A·x")).to_contain_text("[1, 1]")
    expect(box.get_by_label("x₁")).to_have_value("0")

    box.get_by_label("snap to the 0.5 grid").uncheck()   # off the grid: hundredths, as the boxes show
    _mouse_drag(page, box, "x", (1.3, -0.7))
    expect(box.get_by_label("x₁")).not_to_have_value("0")
    wait_idle(page)
    x1, x2 = (float(box.get_by_label(f"x{i}").input_value()) for i in "₁₂")
    assert x1 == pytest.approx(1.3, abs=0.05) and x2 == pytest.approx(-0.7, abs=0.05)
    assert round(x1, 2) == x1 and round(x2, 2) == x2 and (x1 * 2) % 1 + (x2 * 2) % 1 > 0


@in_chromium
def test_turning_u_onto_an_eigen_direction(server, page, shots):
    open_app(page, server + "/eigenvalues")
    box = _figure(page, "eigenvalues")
    title = box.locator(".fl-touch .fl-title")
    expect(title).to_have_text("A turns u by 16.2° (u at 20°)")   # u at 20°, A = [[2, 1], [1, 2]]

    def midway(box):   # 46.5° snaps onto the eigen-direction at 45°
        expect(title).to_have_text("A·u stays on u's line: λ = 3 (u at 45°)")
        _shot(box, shots, "eigen-drag")

    _mouse_drag(page, box, "v", (1.2 * 0.6884, 1.2 * 0.7254), during=midway)
    expect(_value(box, "A·u = λ·u with λ")).to_contain_text("3")
    expect(box.get_by_role("slider")).to_have_value("45")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


@in_chromium
def test_a_finger_drags_a_column_without_scrolling_the_page(server, phone, shots):
    open_app(phone, server + "/determinant")
    box = _figure(phone, "determinant")
    title = box.locator(".fl-touch .fl-title")
    expect(title).to_have_text("signed area 5")
    scrolled, sent = phone.evaluate("window.scrollY"), _touch(phone)["sent"]
    cdp = phone.context.new_cdp_session(phone)
    (x0, y0), (x1, y1) = _handle(box, "a"), _spot(box, 2, -1)   # column 1 [2, 1] → [2, −1]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]})
    for i in range(1, 13):
        t = i / 12
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": x0 + (x1 - x0) * t, "y": y0 + (y1 - y0) * t}]})
    expect(title).to_have_text("signed area 3")
    assert phone.evaluate("window.scrollY") == scrolled, "a finger's drag does not scroll the page"
    _shot(box, shots, "determinant-drag-390-touch")
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(_value(box, "det A = ad − bc")).to_contain_text("3")
    expect(box.get_by_label("A₂₁")).to_have_value("-1")
    assert phone.evaluate("window.scrollY") == scrolled
    assert 1 <= _touch(phone)["sent"] - sent <= 3


def _figure_alone():
    """The chapter's figure alone, as the chapter page calls it."""
    import streamlit as st

    from components.figures import figure
    from core.content import chapter_by_slug

    figure(chapter_by_slug(st.session_state["slug"]), {}, key="p")


def _dropped(at, state):
    at.session_state["p.figure.touch"] = state
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("slug, state", [
    ("determinant", "junk"), ("determinant", {"drop": "junk"}), ("determinant", {"drop": {"A": [[1, 2]], "seq": "s"}}),
    ("determinant", {"drop": {"A": [["1", 2], [3, 4]], "seq": "s"}}), ("determinant", {"drop": {"A": True, "seq": "s"}}),
    ("determinant", {"drop": {"A": [[1, 2], [3, 4]], "seq": 7}}), ("determinant", {"drop": {"A": [[1, 2], [3, 4]]}}),
    ("matrix_vector", {"drop": {"x": [1, 2, 3], "seq": "s"}}), ("matrix_vector", {"drop": {"x": [True, 1], "seq": "s"}}),
    ("eigenvalues", {"drop": {"phi": float("inf"), "seq": "s"}}), ("eigenvalues", {"drop": {"phi": "45", "seq": "s"}}),
    ("eigenvalues", {"drop": {"phi": [45], "seq": "s"}}),
])
def test_a_malformed_drop_changes_nothing(slug, state):
    at = AppTest.from_function(_figure_alone, default_timeout=30)
    at.session_state["slug"] = slug
    at.run()
    before = [w.value for w in (*at.number_input, *at.slider)]
    assert before == [w.value for w in (*_dropped(at, state).number_input, *at.slider)]


def test_drops_are_clamped_to_the_drawn_square_and_taken_once():
    at = AppTest.from_function(_figure_alone, default_timeout=30)
    at.session_state["slug"] = "determinant"
    at.run()                                       # A = [[2, −1], [1, 2]]: drawn over −4…4
    _dropped(at, {"drop": {"A": [[1e9, -1], [0.123, float("nan")]], "seq": "s1"}})
    assert [at.number_input(key=f"p.figure.A.{i}").value for i in ("00", "10", "01", "11")] == [4, 0.12, -1, 2]
    at.number_input(key="p.figure.A.00").set_value(3.0).run()   # the same drop, rerun: not taken again
    assert at.number_input(key="p.figure.A.00").value == 3

    at.session_state["slug"] = "eigenvalues"
    _dropped(at, {"drop": {"phi": -725.4, "seq": "s2"}})
    assert at.slider(key="p.figure.angle").value == 355
    _dropped(at, {"drop": {"phi": 359.6, "seq": "s3"}})
    assert at.slider(key="p.figure.angle").value == 0
