"""What only a browser shows: /home opens Home, the glossary's symbols stay clear of their names
and its links back are never cut, and headings step down one level at a time. At 1280 px and
at 390 px. Screenshots go to $FORMULA_LAB_SHOTS (default: the test's tmp folder)."""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}

# Every heading of the main area in reading order, as its level (1 for H1 …).
_LEVELS = """() => [...document.querySelectorAll('[data-testid="stMain"] :is(h1,h2,h3,h4,h5,h6)')]
    .filter(h => h.offsetParent !== null).map(h => [Number(h.tagName[1]), h.innerText.trim()])"""

# The page links back to earlier chapters whose label is cut (drawn with an ellipsis).
_CUT_LINKS = """box => [...box.querySelectorAll('[data-testid="stPageLink-NavLink"] span')]
    .filter(s => s.scrollWidth > s.clientWidth + 1).map(s => s.innerText)"""


def _skips(levels):
    return [f"H{a} → H{b} {text!r}" for (a, _), (b, text) in zip([(0, "")] + levels, levels) if b > a + 1]


def _glossary_shot(page, slug, path, until=None):
    """The glossary (and, with ``until``, everything down to that element) as one picture."""
    heading = page.locator('[data-testid="stMain"] h2', has_text="Symbol glossary")
    heading.scroll_into_view_if_needed()
    end = page.locator(until or f".st-key-fl-gl-seen-{slug}")
    end.scroll_into_view_if_needed()
    heading.evaluate("h => h.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    top, bottom = heading.bounding_box(), end.bounding_box()
    clip = dict(x=0, y=max(0, top["y"] - 40), width=page.viewport_size["width"],
                height=bottom["y"] + bottom["height"] - top["y"] + 56)
    page.screenshot(path=str(path), clip=clip)


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser):
    # tall enough that a whole glossary fits on screen for its picture
    context = browser.new_context(viewport={"width": WIDTHS[request.param], "height": 2600})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)
    yield request.param, pg
    context.close()


def test_slash_home_opens_home(server, page):
    open_app(page, server + "/home")
    expect(page.locator("h1")).to_have_text("Formula Lab")
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.wait_for_url(f"{server}/")                     # sent on to Home's own address
    assert _skips(page.evaluate(_LEVELS)) == []


def test_glossary_and_headings(server, sized, tmp_path):
    name, page = sized
    shots = Path(os.environ.get("FORMULA_LAB_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)

    open_app(page, server + "/attention")
    levels = page.evaluate(_LEVELS)
    assert levels[0] == [1, "Scaled Dot-Product Attention"] and _skips(levels) == [], levels
    row = page.locator(".st-key-fl-gl-row-attention-0")
    symbol = row.locator('[data-testid="stColumn"]').nth(0).locator(".katex-html")
    label = row.locator('[data-testid="stColumn"]').nth(1).locator("strong")
    expect(label).to_have_text("attention output")
    s, n = symbol.bounding_box(), label.bounding_box()
    if n["y"] < s["y"] + s["height"] and s["y"] < n["y"] + n["height"]:      # on one line: apart
        assert s["x"] + s["width"] <= n["x"] - 4, (s, n)
    unseen = row.locator('[data-testid="stColumn"]').nth(0).locator('span[style*="clip"]')
    assert unseen.text_content() == ": " and unseen.bounding_box()["width"] <= 1   # heard, not seen
    _glossary_shot(page, "attention", shots / f"attention-glossary-{name}.png")
    figure = page.locator(".st-key-fl-figure-attention")
    expect(figure.locator(".js-plotly-plot")).to_be_visible()
    figure.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    figure.screenshot(path=str(shots / f"attention-figure-{name}.png"))

    open_app(page, server + "/softmax")
    assert _skips(page.evaluate(_LEVELS)) == []
    seen = page.locator(".st-key-fl-gl-seen-softmax")
    expect(seen.locator('[data-testid="stPageLink-NavLink"]')).to_have_count(3)
    assert seen.evaluate(_CUT_LINKS) == []
    _glossary_shot(page, "softmax", shots / f"softmax-glossary-{name}.png")
