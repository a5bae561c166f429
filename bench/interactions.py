"""How quickly does a chapter page answer a learner's action? Timed in Chromium.

    python bench/interactions.py [--reps 10] [--chapter vector_norm]

Starts `streamlit run app.py` on its own database and opens one chapter page in Chromium. Then,
N times each, it does four actions: check a practice answer, edit a plug-in value (type, then
Enter), move a figure control (its + button) and ask for a hint. Each is timed in the page, from
the action's own event (pointerdown or keydown, caught before the app sees it) to the last DOM
change it causes: a MutationObserver keeps the time of the latest mutation anywhere in the
document, and the action counts as over when Streamlit's running indicator
([data-testid=stStatusWidget]) is gone and nothing has changed for 300 ms. Prints the median
and the worst of each action, in milliseconds.
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from capstone_page import CHROMIUM, CHROMIUM_ARGS
from local_app import ROOT, local_app

sys.path.insert(0, str(ROOT))
from core.content import chapter_by_slug  # noqa: E402

QUIET_MS = 300

# Installed once per document: the time of the last mutation, and of the armed action's start.
PROBE = """() => {
  if (window.__fl) return;
  window.__fl = {armed: false, t0: null, last: 0};
  new MutationObserver(() => { window.__fl.last = performance.now(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  const start = () => { if (window.__fl.armed) { window.__fl.t0 = performance.now(); window.__fl.armed = false; } };
  document.addEventListener('pointerdown', start, true);
  document.addEventListener('keydown', start, true);
}"""

SETTLED = """(quiet) => {
  const f = window.__fl;
  if (f.t0 === null || f.last <= f.t0) return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  return performance.now() - f.last >= quiet;
}"""


def key_class(key: str) -> str:
    """The CSS class Streamlit gives an element's container for a widget key."""
    return "st-key-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in key)


def settle(page):
    """Wait until the app is idle and the page has not changed for QUIET_MS."""
    page.wait_for_function(
        """(quiet) => !document.querySelector('[data-testid="stStatusWidget"]')
                      && performance.now() - window.__fl.last >= quiet""", arg=QUIET_MS, timeout=60_000)


def timed(page, act) -> float:
    """Milliseconds from the action's first event to the last DOM change it caused."""
    page.evaluate(PROBE)
    settle(page)
    page.evaluate("() => { window.__fl.t0 = null; window.__fl.armed = true; }")
    act()
    page.wait_for_function(SETTLED, arg=QUIET_MS, timeout=60_000)
    return page.evaluate("() => window.__fl.last - window.__fl.t0")


def run(page, url, slug, reps):
    chapter = chapter_by_slug(slug)
    page.goto(f"{url}/{chapter.url_path}")
    page.wait_for_selector("h1")
    page.evaluate(PROBE)
    settle(page)
    times = {"check an answer": [], "edit a plug-in value": [], "move a figure control": [],
             "ask for a hint": []}
    answer = page.get_by_label("Your answer")
    plug = page.locator(f".{key_class(f'{slug}.plug_in.v')} input").first
    figure_up = page.locator(f".{key_class(f'{slug}.figure.v.0')} [data-testid=stNumberInputStepUp]")
    hint = page.get_by_role("button", name="Show a hint")
    problem = 1
    for i in range(reps + 1):            # the first round warms up and is not kept
        got = {}
        # Wrong answers (an answer of 0 is not right for any problem here), alternating, so the
        # message is drawn again each time without solving, and so without changing the header.
        answer.fill(str(-1 - i % 2))
        got["check an answer"] = timed(page, lambda: page.get_by_role("button", name="Check").click())
        plug.fill(f"[{3 + i % 5}, 4]")
        got["edit a plug-in value"] = timed(page, lambda: plug.press("Enter"))
        got["move a figure control"] = timed(page, lambda: figure_up.click())
        while not hint.is_visible():     # this problem's hints are all shown: take the next one
            problem += 1
            page.locator(f".{key_class(f'{slug}.practice.index')} button").nth(problem - 1).click()
            settle(page)
        got["ask for a hint"] = timed(page, lambda: hint.click())
        if i:
            for name, ms in got.items():
                times[name].append(ms)
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--reps", type=int, default=10, help="timed repetitions of each action")
    ap.add_argument("--chapter", default="vector_norm", help="chapter slug (its figure needs a "
                    "vector input v with a number control for v's first entry)")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p, \
            local_app(Path(tmp) / "lab.duckdb") as url:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(60_000)
        times = run(page, url, args.chapter, args.reps)
        browser.close()
    print(f"chapter {args.chapter}, {args.reps} repetitions, ms from the action to the last DOM change")
    for name, ms in times.items():
        print(f"{name:24s} median {statistics.median(ms):6.0f} ms, worst {max(ms):6.0f} ms")


if __name__ == "__main__":
    main()
