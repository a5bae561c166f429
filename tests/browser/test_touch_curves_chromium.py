"""Points on curves and the loss bowl, touched in a real Chromium: the tangent's point dragged
along ¼x² (a mouse at 1280 px, a finger at 390 px) shows the slope ½x live and the readout
catches up at the drop; a click or tap anywhere in the bowl drops the ball there; ▶ roll moves
the step label with the ball. Each drag sends only a handful of values, and a finger's drag never
scrolls the page. Screenshots go to $FORMULA_LAB_SHOTS (default: the test's tmp folder)."""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)
    yield pg
    context.close()


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("FORMULA_LAB_SHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _figure(page, url, slug, nth=0):
    """The chapter's touchable figure (its `.fl-touch` drawing), drawn and scrolled into view."""
    open_app(page, url)
    box = page.locator(f".st-key-fl-figure-{slug}")
    figure = box.locator(".fl-touch").nth(nth)
    expect(figure.locator("svg")).to_be_visible()
    figure.scroll_into_view_if_needed()
    return box, figure


def _at(figure, x, y):
    """Where the data point (x, y) of the drawing is on the screen, in CSS pixels."""
    return figure.evaluate("""(el, [x, y]) => {
        const fl = el.__fl, p = new DOMPoint(fl.X(x), fl.Y(y)).matrixTransform(fl.svg.getScreenCTM());
        return [p.x, p.y]; }""", [x, y])


def _centre(locator):
    b = locator.bounding_box()
    return b["x"] + b["width"] / 2, b["y"] + b["height"] / 2


def _sent(page) -> int:
    return page.evaluate("() => (window.__flTouch || {sent: 0}).sent")


def _mouse_drag(page, start, end, during=None):
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=12)
    if during:
        during()
    page.mouse.up()


def _finger_drag(page, start, end, during=None, steps=10):
    cdp = page.context.new_cdp_session(page)
    touch = lambda kind, points: cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
    touch("touchStart", [{"x": start[0], "y": start[1]}])
    for k in range(1, steps + 1):
        f = k / steps
        touch("touchMove", [{"x": start[0] + f * (end[0] - start[0]), "y": start[1] + f * (end[1] - start[1])}])
    if during:
        during()
    touch("touchEnd", [])


def _slider(box, label):
    return box.get_by_role("slider", name=label)


@pytest.mark.parametrize("device", ["mouse", "finger"])
def test_dragging_the_tangents_point_shows_the_slope_half_x(server, page, phone, shots, device):
    pg = page if device == "mouse" else phone
    box, figure = _figure(pg, server + "/chain-rule", "chain_rule")
    handle = figure.locator('[data-fl-drag="point"]')
    label = figure.locator(".fl-live")
    expect(label).to_have_text("x = 2 · f(x) = 1 · slope ½x = 1")
    sent = _sent(pg)
    scrolled = pg.evaluate("() => window.scrollY")
    target = _at(figure, -1.0, 0.25)

    def live():   # drawn in the browser while the hand is still down: nothing sent yet
        expect(label).to_have_text("x = −1 · f(x) = 0.25 · slope ½x = −0.5")
        assert _sent(pg) == sent
        figure.screenshot(path=str(shots / f"tangent-{device}-mid-drag.png"))

    frames = pg.evaluate("() => window.__flTouch.frames.length")
    drag = _mouse_drag if device == "mouse" else _finger_drag
    drag(pg, _centre(handle), target, during=live)
    moves = sorted(pg.evaluate("n => window.__flTouch.frames.slice(n)", frames))
    assert moves and moves[len(moves) // 2] < 16, f"median ms of work per move: {moves}"
    expect(box.locator("tr", has_text="slope df/dx = ½x")).to_contain_text("−0.5")
    expect(box.locator("tr", has_text="point x")).to_contain_text("−1")
    expect(_slider(box, "point x")).to_have_value("-1")
    wait_idle(pg)
    assert 1 <= _sent(pg) - sent <= 3
    assert pg.evaluate("() => window.scrollY") == scrolled, "a finger's drag does not scroll the page"
    expect(label).to_have_text("x = −1 · f(x) = 0.25 · slope ½x = −0.5")
    expect(pg.locator('[data-testid="stException"]')).to_have_count(0)


def _watch(figure, selector):
    """Start keeping every text the element shows (the page's __flSeen), to check a roll."""
    figure.locator(selector).evaluate("""el => { window.__flSeen = [el.textContent];
        new MutationObserver(() => window.__flSeen.push(el.textContent))
            .observe(el, {childList: true, characterData: true, subtree: true}); }""")


@pytest.mark.parametrize("device", ["mouse", "finger"])
def test_a_click_anywhere_in_the_bowl_drops_the_ball_and_a_roll_moves_the_step(server, page, phone, shots,
                                                                                device):
    pg = page if device == "mouse" else phone
    box, figure = _figure(pg, server + "/gradient-descent", "gradient_descent")
    live = figure.locator(".fl-live")
    expect(live).to_have_text("step 30 · θ = 0 · L(θ) = 0")      # the lesson's η = 0.18 from θ₀ = 3
    expect(_slider(box, "learning rate η")).to_have_value("0.18")
    sent, scrolled = _sent(pg), pg.evaluate("() => window.scrollY")
    x, y = _at(figure, -1.5, 10.0)                                # far above the curve (L(−1.5) = 2.475)
    if device == "mouse":
        pg.mouse.click(x, y)
    else:
        _finger_drag(pg, (x, y), (x, y), steps=1)
    expect(live).to_have_text("step 0 · θ = −1.5 · L(θ) = 2.475")
    expect(_slider(box, "start θ₀")).to_have_value("-1.5")
    expect(box.locator("tr", has_text="start θ₀")).to_contain_text("−1.5")
    expect(box.locator("tr", has_text="step t")).to_contain_text("0")
    wait_idle(pg)
    assert _sent(pg) - sent == 1
    assert pg.evaluate("() => window.scrollY") == scrolled, "a tap in the figure does not scroll the page"

    _watch(figure, ".fl-live")
    roll = figure.locator(".fl-roll")
    roll.tap() if device == "finger" else roll.click()
    expect(figure.locator(".fl-legend")).to_contain_text("ball at step 30")
    seen = pg.evaluate("() => window.__flSeen")
    steps = [int(s.split(" ")[1]) for s in seen if s.startswith("step ")]
    assert steps[-1] == 30 and steps == sorted(steps) and len(set(steps)) > 20, seen
    expect(box.locator("tr", has_text="step t")).to_contain_text("30")   # the server catches up, once
    expect(_slider(box, "show step t")).to_have_value("30")
    wait_idle(pg)
    assert _sent(pg) - sent == 2
    figure.screenshot(path=str(shots / f"bowl-{device}.png"))
    expect(pg.locator('[data-testid="stException"]')).to_have_count(0)


def test_a_diverging_ball_leaves_the_bowl_and_the_axes_follow_it(server, page, shots):
    box, figure = _figure(page, server + "/gradient-descent", "gradient_descent")
    eta = _slider(box, "learning rate η")
    eta.focus()
    eta.press("End")                                              # η = 1.2: each step overshoots further
    expect(eta).to_have_value("1.2")
    expect(figure.locator(".fl-title")).to_have_text("diverging: each step overshoots further")
    theta = box.locator("tr", has_text="θ_t").locator("td").nth(1).inner_text()
    expect(figure.locator(".fl-live")).to_contain_text(f"θ = {theta} ·")
    ball, svg = figure.locator('[data-fl-drag="ball"] .fl-dot').bounding_box(), figure.locator("svg").bounding_box()
    assert svg["x"] < ball["x"] and ball["x"] + ball["width"] < svg["x"] + svg["width"], "not pinned at an edge"
    ticks = figure.locator(".fl-tick").all_text_contents()
    assert any("e" in t for t in ticks), ticks                    # the θ axis grew to hold the ball
    figure.screenshot(path=str(shots / "bowl-diverging.png"))


def test_dragging_the_ball_along_theta_sets_the_start(server, page, shots):
    box, figure = _figure(page, server + "/gradient-descent", "gradient_descent")
    live = figure.locator(".fl-live")
    expect(live).to_have_text("step 30 · θ = 0 · L(θ) = 0")
    sent, frames = _sent(page), page.evaluate("() => window.__flTouch.frames.length")

    def held():
        expect(live).to_have_text("start θ₀ = 1 · L(θ₀) = 1.1")
        assert _sent(page) == sent
        figure.screenshot(path=str(shots / "bowl-ball-mid-drag.png"))

    _mouse_drag(page, _centre(figure.locator('[data-fl-drag="ball"]')), _at(figure, 1.0, 8.0), during=held)
    expect(_slider(box, "start θ₀")).to_have_value("1")
    expect(live).to_have_text("step 0 · θ = 1 · L(θ) = 1.1")
    wait_idle(page)
    assert _sent(page) - sent == 1
    moves = sorted(page.evaluate("n => window.__flTouch.frames.slice(n)", frames))
    assert moves and moves[len(moves) // 2] < 16, f"median ms of work per move: {moves}"


@pytest.mark.parametrize("slug, x, y, live, row, value", [
    ("sigmoid", 0.0, 0.5, "x = 0 · σ(x) = 0.5 · slope = 0.25", "slope σ(x)(1 − σ(x))", "0.25"),
    ("relu", 1.0, 1.0, "x = 1 · ReLU(x) = 1 · slope = 1", "slope", "1 (on: gradient passes)"),
])
def test_the_sigmoid_and_relu_points_drag_along_their_curves(server, page, slug, x, y, live, row, value):
    box, figure = _figure(page, f"{server}/{slug}", slug)
    sent = _sent(page)
    _mouse_drag(page, _centre(figure.locator('[data-fl-drag="point"]')), _at(figure, x, y),
                during=lambda: expect(figure.locator(".fl-live")).to_have_text(live))
    expect(box.locator("tr", has_text=row).first).to_contain_text(value)
    expect(_slider(box, "x")).to_have_value(f"{x:g}")
    wait_idle(page)
    assert _sent(page) - sent == 1
