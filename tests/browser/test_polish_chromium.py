"""Chromium: what a learner sees on a phone, in the dark theme and offline.

- Contrast: the app's own styled text (the Animate player, the speed chips, header stats, section
  kickers, the reading, captions, glossary labels, code highlighting, primary buttons, chart
  ticks and legends, the video card) reads at WCAG AA, 4.5:1 (3:1 for large text), in the
  light and in the dark theme. The ratio is worked out from getComputedStyle: the text colour
  (an SVG text's fill), faded by every opacity above it, over the background colours stacked
  beneath it (through shadow roots).
- Phones: at 390 px no chapter has anything that runs off the screen or is cut short.
- Offline: a chapter page, and chapter 8 with its video, ask no host but the app's own.

The theme is the system's: the app defines [theme.light] and [theme.dark] and no base, so
Streamlit follows prefers-color-scheme, which a browser context sets with color_scheme.
"""
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from core.content import chapter_by_slug, load_chapters
from tests.browser.conftest import wait_idle

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]

# Shared by the scripts below: the elements of a root and of every open shadow root in it.
_ALL = """
const all = (root, sel) => {
  const out = [...root.querySelectorAll(sel)];
  for (const el of root.querySelectorAll("*")) if (el.shadowRoot) out.push(...all(el.shadowRoot, sel));
  return out;
};
"""

# {name: selector} → {name: {found, failures}}: every text inside a match, with its ratio.
_CONTRAST = "(targets) => {" + _ALL + """
  const rgba = (c) => {
    let m = c.match(/^rgba?\\(([^)]+)\\)/);
    if (m) { const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p[3] ?? 1]; }
    m = c.match(/^color\\(srgb ([^)]+)\\)/);
    if (m) { const p = m[1].split(/[ /]+/).filter(Boolean).map(Number); return [p[0] * 255, p[1] * 255, p[2] * 255, p[3] ?? 1]; }
    throw new Error("a colour this test cannot read: " + c);
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const lum = (c) => c.slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const up = (e) => e.parentElement || e.parentNode?.host || null;      // out of a shadow root too
  const beneath = (el) => {
    const layers = [];
    for (let e = el; e; e = up(e)) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((bg, c) => over(c, bg), [255, 255, 255, 1]);
  };
  const faded = (el) => { let o = 1; for (let e = el; e; e = up(e)) o *= Number(getComputedStyle(e).opacity); return o; };
  const report = {};
  for (const [name, sel] of Object.entries(targets)) {
    const found = all(document, sel).filter((el) => el.getClientRects().length > 0);
    const failures = [];
    for (const match of found) for (const el of [match, ...match.querySelectorAll("*")]) {
      const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
      if (!text || el.closest(".katex-mathml, [aria-hidden=true], :disabled")) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === "hidden" || el.getClientRects().length === 0) continue;
      const paint = el instanceof SVGElement ? cs.fill : cs.color, bg = beneath(el), fg = rgba(paint);
      const seen = over([fg[0], fg[1], fg[2], fg[3] * faded(el)], bg);
      const [hi, lo] = [lum(seen), lum(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05), size = parseFloat(cs.fontSize);
      const need = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700) ? 3 : 4.5;
      if (ratio < need) failures.push(`"${text.slice(0, 30)}" ${ratio.toFixed(2)}:1 < ${need}:1 ` +
        `(${paint} at opacity ${faded(el).toFixed(2)} on rgb(${bg.slice(0, 3).map(Math.round)}))`);
    }
    report[name] = { found: found.length, failures };
  }
  return report;
}"""

TARGETS = {
    "Animate: Play": ".fl-anim-play",
    "Animate: other buttons, sound, step count": ".fl-anim-bar button, .fl-anim-sound, .fl-anim-count",
    "Animate: caption": ".fl-anim-caption",
    # Not "the part just added" (.fl-anim-stage .fl-new): it arrives with a fade that the page
    # can start again at any moment, so a reading of it is a reading of the fade; at rest it
    # is the primary colour on its own light tint, the Play button's pair.
    "speed: chosen chip": '.fl-speed button[aria-pressed="true"]',
    "speed: other chips": '.fl-speed button[aria-pressed="false"]',
    "header stats": ".fl-stat",
    "section kickers": ".fl-kicker",
    "the reading": ".fl-say",
    "captions": '[data-testid="stCaptionContainer"]',
    "code highlighting": "pre .token",
    "primary button (Check)": '[data-testid^="stBaseButton-primary"]',
    "chart ticks, titles, legends": ('.js-plotly-plot g[class*="tick"] > text, .js-plotly-plot .annotation-text, '
                                     ".js-plotly-plot .legendtext, .js-plotly-plot .gtitle"),
}
DESKTOP_ONLY = {"glossary header": ".fl-gl-head"}
PHONE_ONLY = {"glossary labels": ".fl-gl-label"}
VIDEO = {"video card": "a.fl-video", "touchable figure: labels, title, snap switch": ".fl-touch"}


_ANIMATING = """() => document.getAnimations().some((a) => a.playState === "running"
    && a.effect?.getComputedTiming().iterations !== Infinity)"""


def _check_contrast(page, targets, where):
    # Colours are read at rest: a fade-in caught halfway (Animate's newest part, redrawn when a
    # rerun draws the figure again) is not the colour a learner reads. So wait for every
    # finite animation to end, measure, and measure again if one started meanwhile.
    for _ in range(5):
        page.wait_for_function(f"() => !({_ANIMATING})()")
        report = page.evaluate(_CONTRAST, targets)
        if not page.evaluate(_ANIMATING):
            break
    missing = [name for name, r in report.items() if r["found"] == 0]
    assert not missing, f"{where}: nothing on the page matched {missing}"
    failures = [f"{name}: {f}" for name, r in report.items() for f in r["failures"]]
    assert not failures, f"{where}: text under 4.5:1 (3:1 large)\n" + "\n".join(failures)


def _settle(page, slug):
    """The run is over (nothing left stale, which Streamlit fades) and the chapter's figure has
    drawn its chart(s): Plotly charts and touchable figures (an SVG or grid in a shadow root)."""
    wait_idle(page)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")
    page.locator(f".st-key-fl-figure-{slug}").wait_for()
    # at least one chart, and each drawn: on a busy machine the figure's box can be there
    # before its chart is, and "every chart is drawn" holds for no chart at all
    page.wait_for_function("(slug) => {" + _ALL + """
        const box = document.querySelector(`.st-key-fl-figure-${slug}`);
        const charts = [...box.querySelectorAll('[data-testid="stPlotlyChart"]')];
        const touch = all(box, ".fl-touch");
        return charts.length + touch.length > 0
            && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every((c) => c.querySelector('.main-svg text'))
            && all(document, ".fl-touch").every((t) => t.childElementCount > 0);
    }""", arg=slug)
    page.wait_for_function("""() => document.getAnimations().every((a) => a.playState !== "running"
        || a.effect?.getComputedTiming().iterations === Infinity)""")     # e.g. Animate's fade-in
    page.wait_for_timeout(300)


def _open_chapter(page, server, slug):
    chapter = chapter_by_slug(slug)
    page.goto(f"{server}/{chapter.url_path}")
    expect(page.locator("h1").first).to_have_text(chapter.title)
    _settle(page, slug)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_custom_text_meets_wcag_aa_in_both_themes(server, browser, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        _open_chapter(page, server, "attention")
        background = page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor")
        want = THEME[scheme]["backgroundColor"].lstrip("#")
        assert background == "rgb({}, {}, {})".format(*(int(want[i:i + 2], 16) for i in (0, 2, 4))), \
            f"the app did not switch to its {scheme} theme"
        for drawn in (".fl-anim-play", ".fl-anim-stage .fl-new", ".fl-speed button", "pre .token"):
            page.locator(drawn).first.wait_for()             # components and highlighting draw late
        _settle(page, "attention")
        _check_contrast(page, TARGETS | DESKTOP_ONLY, f"{scheme}, 1280 px, /attention")
        page.set_viewport_size({"width": 390, "height": 844})           # the phone layout, same page
        page.wait_for_timeout(300)
        _check_contrast(page, TARGETS | PHONE_ONLY, f"{scheme}, 390 px, /attention")
        _open_chapter(page, server, "determinant")
        _check_contrast(page, VIDEO, f"{scheme}, 390 px, /determinant")
    finally:
        context.close()


# What runs off the screen or is cut short, as "what: where" lines; [] when nothing is.
# - A box that scrolls sideways on purpose (code, a table, display maths, the Animate stage, the
#   plug-in steps) may hold wide content, as long as the box itself is on screen.
# - Streamlit's own layout blocks (rows, columns) that scroll or clip do not count as such a
#   box: a row of controls scrolling sideways hides its last control from a learner.
# - Content clipped on purpose by a component's own box (a progress bar's fill, KaTeX's parts)
#   counts only for the part that shows.
# - Text cut with an ellipsis is cut short; text wider than its box spills over its neighbours.
_OFF_SCREEN = """() => {
  const W = document.documentElement.clientWidth, app = document.querySelector(".stApp");
  const LAYOUT = ['stMain', 'stMainBlockContainer', 'stVerticalBlock', 'stHorizontalBlock', 'stColumn',
    'stElementContainer', 'stLayoutWrapper'].map((t) => `[data-testid="${t}"]`).join(", ");
  const scrolls = (cs) => cs.overflowX === "auto" || cs.overflowX === "scroll";
  const name = (el) => {
    const key = [...(el.closest('[class*="st-key-"]')?.classList || [])].find((c) => c.startsWith("st-key-")) || "";
    return `<${el.tagName.toLowerCase()}> in ${el.closest("[data-testid]")?.dataset.testid} ${key} ` +
      `"${(el.textContent || "").trim().slice(0, 40)}"`;
  };
  const ownText = (el) => [...el.childNodes].some((n) => (n.nodeType === 3 && n.textContent.trim())
    || (n.nodeType === 1 && getComputedStyle(n).display === "inline" && n.textContent.trim()));
  const out = [], flagged = [];
  for (const el of app.querySelectorAll("*")) {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || cs.visibility === "hidden") continue;
    if (flagged.some((f) => f.contains(el))) continue;            // its outermost box is reported
    let left = r.left, right = r.right, inScroller = false;
    for (let a = el.parentElement; a && a !== app; a = a.parentElement) {
      const as = getComputedStyle(a);
      if (as.overflowX === "visible") continue;
      if (a.matches(LAYOUT)) continue;
      if (scrolls(as)) { inScroller = a.getBoundingClientRect().right <= W + 1; break; }
      const ar = a.getBoundingClientRect();                       // clipped: what shows
      left = Math.max(left, ar.left); right = Math.min(right, ar.right);
    }
    if (inScroller || right - left <= 0) continue;
    let why = null;
    if (right > W + 1 || left < -1) why = `runs off screen (${Math.round(left)}..${Math.round(right)} px of ${W})`;
    else if (cs.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1)
      why = `text cut short (${el.scrollWidth} px in ${el.clientWidth})`;
    else if (el.matches(LAYOUT) && cs.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1)
      why = `wider than its block, the rest scrolled out of sight (${el.scrollWidth} px in ${el.clientWidth})`;
    else if (cs.overflowX === "visible" && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 4
             && el instanceof HTMLElement && !el.matches(LAYOUT) && !el.closest(".katex") && ownText(el))
      why = `text spills out of its box over what is beside it (${el.scrollWidth} px in ${el.clientWidth})`;
    if (why) { out.push(`${why}: ${name(el)}`); flagged.push(el); }
  }
  return out;
}"""


def test_nothing_runs_off_a_phone_screen(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(60_000)
    problems = {}
    try:
        for chapter in load_chapters():
            _open_chapter(page, server, chapter.slug)
            found = page.evaluate(_OFF_SCREEN)
            if found:                          # a rerun may have started after the wait: look again
                page.wait_for_timeout(1500)
                _settle(page, chapter.slug)
                found = page.evaluate(_OFF_SCREEN)
            width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            if width[0] > width[1]:
                found.insert(0, f"the page is {width[0]} px wide")
            if found:
                problems[chapter.slug] = found
        # Chapter 17 with three queries: its figure's row gains the "query token" select box.
        box = page.locator(".st-key-attention-plug_in-Q input")
        box.fill("[[1, 0, 1, 0], [0, 2, 0, 2], [1, 1, 0, 0]]")
        box.press("Enter")
        page.locator(".st-key-attention-figure-query").wait_for()
        _settle(page, "attention")
        if found := page.evaluate(_OFF_SCREEN):
            problems["attention, three queries"] = found
    finally:
        context.close()
    assert not problems, "\n".join(f"{slug}:\n  " + "\n  ".join(p) for slug, p in problems.items())


def test_pages_ask_no_outside_host(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    try:
        _open_chapter(page, server, "attention")
        page.wait_for_timeout(1000)
        icon = page.evaluate("document.querySelector('link[rel~=\"icon\"]')?.href || ''")
        assert icon.startswith("data:image/svg+xml"), f"the tab's icon is not the app's own: {icon[:80]}"

        _open_chapter(page, server, "determinant")
        video = chapter_by_slug("determinant").video
        card = page.locator("a.fl-video")
        expect(card).to_have_attribute("href", video.url)
        expect(card).to_contain_text(video.title)
        expect(page.locator("iframe")).to_have_count(0)
        page.wait_for_timeout(1000)
    finally:
        context.close()
    outside = sorted({url for url in asked if urlparse(url).scheme not in ("data", "blob")
                      and urlparse(url).hostname not in ("127.0.0.1", "localhost")})
    assert asked and not outside, f"requests to other hosts: {outside}"
