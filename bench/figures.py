"""How smooth is a drag in the touchable figures? Timed in Chromium.

    python bench/figures.py [--drags 5] [--moves 60] [--no-snap] [--chapter dot_product ...]

Starts `streamlit run app.py` on its own database and opens each chapter with a touchable
figure in Chromium (1280 px). In each, it drags the figure's first handle ([data-fl-drag])
with the mouse, `--moves` pointer moves per drag along a small circle and then aside,
`--drags` times.
Every touchable figure times the work of each move it draws (its handler, then style and
layout: components/figures/touch/common.js keeps them in window.__flTouch.frames) and counts
the values it sends to the server (window.__flTouch.sent). Prints, for each chapter, the
median and 95th percentile of a move's work in ms, the moves drawn per drag, and the values
sent per drag. With snapping on (the default a learner gets) a move that stays on the same
grid point redraws nothing, so `--no-snap` (the learner's switch turned off) is the figure
redrawing on every move. A frame has 16.7 ms at 60 Hz: the target is a median under 16 ms on a 2-core
host.
"""

import argparse
import math
import statistics
import sys
import tempfile
from pathlib import Path

from capstone_page import CHROMIUM, CHROMIUM_ARGS
from local_app import ROOT, local_app

sys.path.insert(0, str(ROOT))
from core.content import chapter_by_slug  # noqa: E402

# The chapters whose figures have a handle to drag.
DRAGGABLE = ["vectors", "vector_norm", "unit_vector", "dot_product", "cosine_similarity",
             "matrix_vector", "determinant", "eigenvalues", "sigmoid", "relu",
             "gradient_descent", "chain_rule"]


def settle(page):
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def drag_once(page, handle, moves: int, aside: float) -> tuple[int, int]:
    """One drag of ``handle``: a loop of a small circle, then ``aside`` px to the side, where it is
    let go (a drop back where it started changes nothing and sends nothing); returns (moves
    drawn, values sent)."""
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    before = page.evaluate("() => [window.__flTouch.frames.length, window.__flTouch.sent]")
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, moves + 1):
        a = 2 * math.pi * i / moves
        page.mouse.move(x0 + 30 * math.sin(a), y0 - 30 * (1 - math.cos(a)) / 2)
    page.mouse.move(x0 + aside, y0, steps=4)
    page.mouse.up()
    settle(page)
    after = page.evaluate("() => [window.__flTouch.frames.length, window.__flTouch.sent]")
    return after[0] - before[0], after[1] - before[1]


def bench_chapter(page, url, slug, drags, moves):
    chapter = chapter_by_slug(slug)
    page.goto(f"{url}/{chapter.url_path}")
    page.wait_for_selector("h1")
    box = page.locator(f".st-key-fl-figure-{slug}")
    handle = box.locator("[data-fl-drag]:not([data-fl-drag^='cell-'])").first
    handle.wait_for(state="visible", timeout=60_000)
    settle(page)
    page.evaluate("() => { window.__flTouch.frames = []; }")
    drawn, sent = [], []
    for i in range(drags):
        n, s = drag_once(page, handle, moves, 40 if i % 2 == 0 else -40)
        drawn.append(n)
        sent.append(s)
    frames = page.evaluate("() => window.__flTouch.frames")
    return frames, drawn, sent


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--drags", type=int, default=5, help="drags per figure")
    ap.add_argument("--moves", type=int, default=60, help="pointer moves per drag")
    ap.add_argument("--chapter", nargs="*", default=DRAGGABLE, help="chapter slugs")
    ap.add_argument("--no-snap", action="store_true", help="turn the figures' grid snapping off")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p, \
            local_app(Path(tmp) / "lab.duckdb") as url:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(60_000)
        if args.no_snap:      # the learner's switch, kept in the browser (touch/common.js)
            page.add_init_script("window.localStorage.setItem('fl.figure.snap', '0')")
        for slug in args.chapter:
            frames, drawn, sent = bench_chapter(page, url, slug, args.drags, args.moves)
            rows.append((slug, frames, drawn, sent))
        browser.close()
    print(f"{args.drags} drags of {args.moves} moves per figure, snapping {'off' if args.no_snap else 'on'}; "
          "ms of work per drawn move")
    print(f"{'chapter':20s} {'median':>7s} {'p95':>7s} {'moves drawn/drag':>17s} {'values sent/drag':>17s}")
    for slug, frames, drawn, sent in rows:
        p95 = sorted(frames)[int(0.95 * (len(frames) - 1))] if frames else float("nan")
        med = statistics.median(frames) if frames else float("nan")
        print(f"{slug:20s} {med:7.2f} {p95:7.2f} {statistics.median(drawn):17.0f} "
              f"{max(sent):17d}")


if __name__ == "__main__":
    main()
