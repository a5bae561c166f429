"""Chromium: the vector figures of chapters 1–5 are dragged by hand (components/figures/touch/plane.js).

An arrowhead dragged with the mouse, and at 390 px with a finger, lands where it was dropped: the
figure's own title follows during the drag, and after the drop the server's readout table holds
the dot product, the angle and the cosine for the drop point. A drag sends one value, and a
finger's drag never scrolls the page. A number typed in a box moves the arrowhead.
"""
import math

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app, wait_idle

pytestmark = pytest.mark.browser

# The screen position of a data point on the plane that holds `el` (a handle): the drawing's
# range is in data-fl-r, its 400-unit viewBox keeps a 14-unit margin (common.js flPlane).
_AT = """(el, [x, y]) => {
  const svg = el.ownerSVGElement, r = Number(svg.dataset.flR), s = (400 - 28) / (2 * r);
  const p = new DOMPoint(200 + x * s, 200 - y * s).matrixTransform(svg.getScreenCTM());
  return [p.x, p.y];
}"""


def _handle(page, slug, name):
    handle = page.locator(f".st-key-fl-figure-{slug} [data-fl-drag='{name}']")
    expect(handle).to_have_count(1)
    handle.scroll_into_view_if_needed()
    return handle


def _at(handle, x, y):
    return handle.evaluate(_AT, [x, y])


def _sent(page) -> int:
    return page.evaluate("() => (window.__flTouch || {sent: 0}).sent")


def _cell(box, label):
    """The value cell of the readout row ``label``."""
    return box.locator("tr", has=box.page.locator("td", has_text=label)).locator("td").last


def _expect_readout(box, ab, cos, theta):
    expect(_cell(box, "a₁b₁ + a₂b₂")).to_have_text(ab)
    expect(_cell(box, "cos θ")).to_have_text(cos)
    expect(_cell(box, "angle θ")).to_have_text(theta)


def _numbers(a, b):
    """a·b, cos θ and θ as the readout writes them (fmt: real minus, no trailing zeros)."""
    ab = a[0] * b[0] + a[1] * b[1]
    cos = ab / (math.hypot(*a) * math.hypot(*b))
    f = lambda x, d=3: (f"{x:.{d}f}".rstrip("0").rstrip(".") or "0").replace("-", "−")
    return f(ab), f(cos), f"{f(math.degrees(math.acos(cos)), 1)}°"


def test_dragging_b_with_the_mouse_shows_the_new_dot_product(server, page):
    open_app(page, server + "/dot-product")
    box = page.locator(".st-key-fl-figure-dot_product")
    b = _handle(page, "dot_product", "b")
    _expect_readout(box, "5", "0.707", "45°")
    sent = _sent(page)
    page.mouse.move(*_at(b, 1, 2))
    page.mouse.down()
    page.mouse.move(*_at(b, -2.9, 1.1), steps=12)   # snapped to the 0.5 grid: (−3, 1)
    expect(box.locator(".fl-title")).to_have_text("a·b = −8 · θ = 143.1°")   # drawn live
    assert _sent(page) == sent, "nothing goes to the server while the hand moves"
    page.mouse.up()
    ab, cos, theta = _numbers([3, 1], [-3, 1])
    _expect_readout(box, ab, cos, theta)
    assert (ab, cos, theta) == ("−8", "−0.8", "143.1°")
    expect(box.get_by_label("b₁")).to_have_value("-3")
    assert _sent(page) - sent == 1, "one drag, one value"
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_a_finger_drags_a_on_a_phone_without_scrolling_the_page(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_app(page, server + "/dot-product")
        box = page.locator(".st-key-fl-figure-dot_product")
        a = _handle(page, "dot_product", "a")
        expect(_cell(box, "angle θ")).to_have_text("45°")
        scroll, sent = page.evaluate("() => window.scrollY"), _sent(page)
        start, end = _at(a, 3, 1), _at(a, 1, -2)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": start[0], "y": start[1]}]})
        for i in range(1, 13):
            x, y = (start[j] + (end[j] - start[j]) * i / 12 for j in (0, 1))
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        expect(box.locator(".fl-title")).to_have_text("a·b = −3 · θ = 126.9°")
        assert page.evaluate("() => window.scrollY") == scroll, "a finger's drag in the figure scrolls nothing"
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        _expect_readout(box, *_numbers([1, -2], [1, 2]))
        expect(box.get_by_label("a₂")).to_have_value("-2")
        assert page.evaluate("() => window.scrollY") == scroll
        assert 1 <= _sent(page) - sent <= 2
    finally:
        context.close()


def test_a_number_typed_in_a_box_moves_the_arrowhead(server, page):
    open_app(page, server + "/dot-product")
    box = page.locator(".st-key-fl-figure-dot_product")
    b = _handle(page, "dot_product", "b")
    field = box.get_by_label("b₁")
    field.fill("-2")
    field.press("Enter")
    expect(_cell(box, "a₁b₁ + a₂b₂")).to_have_text("−4")
    wait_idle(page)
    page.wait_for_function(
        """(el) => { const m = el.getAttribute('transform').match(/translate\\(([-\\d.]+),([-\\d.]+)\\)/);
                     const r = Number(el.ownerSVGElement.dataset.flR), s = (400 - 28) / (2 * r);
                     const near = (got, want) => Math.abs(Number(got) - want) < 0.01;
                     return m && near(m[1], 200 - 2 * s) && near(m[2], 200 - 2 * s); }""",   # b = (−2, 2)
        arg=b.element_handle())
    expect(box.locator(".fl-title")).to_have_text("a·b = −4 · θ = 116.6°")


def test_perpendicular_arrows_draw_no_head_at_the_origin(server, page):
    open_app(page, server + "/dot-product")
    box = page.locator(".st-key-fl-figure-dot_product")
    for label, value in (("b₁", "-1"), ("b₂", "3")):            # b ⟂ a = (3, 1): the projection is zero
        field = box.get_by_label(label)
        field.fill(value)
        field.press("Enter")
        wait_idle(page)
    expect(box.locator(".fl-title")).to_have_text("a·b = 0 · θ = 90°")
    heads = box.locator(".fl-arrow polygon").evaluate_all("""els => els
        .filter((e) => e.closest('.fl-arrow').style.display !== 'none')
        .map((e) => e.getAttribute('points').split(' ')[0].split(',').map(Number))""")
    assert len(heads) == 2, heads                                # a and b; the projection draws nothing
    assert all(abs(x - 200) + abs(y - 200) > 5 for x, y in heads), heads


def test_with_snapping_off_a_drop_keeps_hundredths(server, page):
    open_app(page, server + "/dot-product")
    box = page.locator(".st-key-fl-figure-dot_product")
    b = _handle(page, "dot_product", "b")
    box.locator(".fl-snap input").uncheck()        # the learner's switch (kept in localStorage)
    page.mouse.move(*_at(b, 1, 2))
    page.mouse.down()
    page.mouse.move(*_at(b, -2.37, 1.13), steps=8)
    page.mouse.up()
    field = box.get_by_label("b₁")
    expect(field).not_to_have_value("1")
    x = float(field.input_value())
    assert abs(x + 2.37) < 0.05 and x % 0.5 != 0, x


def test_a_click_on_a_words_tip_makes_it_the_query(server, page):
    open_app(page, server + "/cosine-similarity")
    box = page.locator(".st-key-fl-figure-cosine_similarity")
    king = box.locator("[data-fl-word='king']")
    king.scroll_into_view_if_needed()
    king.click()
    expect(_cell(box, "query a")).to_have_text("[4.6, 1]")
    expect(_cell(box, "1. king")).to_have_text("1")
    expect(box.locator(".fl-note")).to_have_text("query a = [4.6, 1]")


@pytest.mark.parametrize("path, slug, names", [
    ("/vectors", "vectors", ["v", "w"]), ("/vector-norm", "vector_norm", ["v"]),
    ("/unit-vector", "unit_vector", ["v"]), ("/dot-product", "dot_product", ["a", "b"]),
    ("/cosine-similarity", "cosine_similarity", ["a", "b"])])
def test_each_vector_figure_draws_its_handles(server, page, path, slug, names):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_app(page, server + path)
    handles = page.locator(f".st-key-fl-figure-{slug} [data-fl-drag]")
    expect(handles).to_have_count(len(names))
    assert sorted(handles.evaluate_all("els => els.map(e => e.dataset.flDrag)")) == sorted(names)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert not errors, errors
