"""A page-started training run, timed the way a learner sees it, in Chromium.

    python bench/capstone_page.py                    # the default preset, as the page offers it
    python bench/capstone_page.py --steps 500        # a shorter run (the Training steps slider)
    python bench/capstone_page.py --every 0          # the capstone tab only, no chapter openings

Starts `streamlit run app.py` on localhost with a fresh database, opens the capstone page
in headless Chromium, presses Start training and waits for "Training finished". Prints the
seconds from the press to that message, the page's last progress line (tokens/s), its
finishing line (validation loss), how many samples the slider holds (and that its first
is step 0), and how long a chapter page took to open in a second tab, before the run
and while it trained, two ways: by its address (a new page load, as a new tab or a
typed address does) and by the link to the previous chapter at the foot of it (the way
the app's own links, sidebar and hotkeys move between pages, over the open connection).
Each is timed from the address or click to the chapter's title and formula on screen.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from local_app import ROOT, local_app

sys.path.insert(0, str(ROOT))
from core.content import chapter_by_slug, load_chapters  # noqa: E402

CHROMIUM = os.environ.get("FORMULA_LAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chapter_and_before(name):
    """The chapter to open (`name`: its slug or address) and the one before it, whose link
    on its page is what gets clicked; exits with a message for chapter 1."""
    chapter = chapter_by_slug(name.replace("-", "_"))
    if chapter.number == 1:
        sys.exit("--chapter: pick a chapter with one before it (its link is what is clicked)")
    return chapter, load_chapters()[chapter.number - 2]


def _formula_shown(page, chapter):
    page.locator("h1").filter(has_text=chapter.title).first.wait_for()
    page.locator(f".st-key-fl-formula-{chapter.slug} .katex").first.wait_for()


def open_chapter(page, url, chapter):
    """Seconds from the address to the chapter's title and formula on screen."""
    t = time.perf_counter()
    page.goto(f"{url}/{chapter.url_path}")
    _formula_shown(page, chapter)
    return time.perf_counter() - t


def follow_link(page, chapter):
    """Seconds from a click on the open page's link to `chapter` (the last one shown: the page's
    foot, after any in its glossary) to that chapter's title and formula on screen."""
    t = time.perf_counter()
    page.locator(f'a[href="{chapter.url_path}"]:visible').last.click()
    _formula_shown(page, chapter)
    return time.perf_counter() - t


def open_both_ways(page, url, chapter, before, times):
    """Open `chapter` by its address, then, after a moment to read it (the rest of the page
    finishes drawing), the one `before` it by its link; keep both times."""
    times["address"].append(open_chapter(page, url, chapter))
    page.wait_for_timeout(3000)
    times["link"].append(follow_link(page, before))


def report(label, times):
    for how, got in times.items():
        if got:
            print(f"chapter opened by {how} {label} {len(got)} times: median "
                  f"{statistics.median(got):.2f} s, slowest {max(got):.2f} s")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--steps", type=int, default=None, help="set the Training steps slider (multiple of 50)")
    ap.add_argument("--chapter", default="softmax", help="chapter page to open during the run")
    ap.add_argument("--every", type=float, default=20.0, help="seconds between chapter openings (0: none)")
    ap.add_argument("--before", type=int, default=5, help="chapter openings (each way) before the run")
    ap.add_argument("--timeout", type=float, default=1800.0, help="give up after this many seconds")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright
    chapter, before = chapter_and_before(args.chapter)

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p, \
            local_app(Path(tmp) / "lab.duckdb") as url:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(300_000)
        other = browser.new_page(viewport={"width": 1280, "height": 1000})
        other.set_default_timeout(60_000)
        idle = {"address": [], "link": []}
        if args.every > 0:
            open_both_ways(other, url, chapter, before, {"address": [], "link": []})   # warm-up
            for _ in range(args.before):
                open_both_ways(other, url, chapter, before, idle)
            other.goto("about:blank")

        page.goto(url + "/capstone")
        start = page.get_by_role("button", name="Start training")
        start.wait_for()
        if args.steps:
            slider = page.locator("[data-testid=stSlider]").filter(has_text="Training steps")
            slider.get_by_role("slider").focus()
            page.keyboard.press("Home")              # 50
            for _ in range(args.steps // 50 - 1):
                page.keyboard.press("ArrowRight")    # +50 each
        steps = page.locator("[data-testid=stSlider]").filter(
            has_text="Training steps").get_by_role("slider").input_value()
        print(f"pressing Start training: default preset, {int(steps):,} steps")
        start.click()
        t0 = time.perf_counter()

        during, progress = {"address": [], "link": []}, ""
        next_open = t0 + 10 if args.every > 0 else float("inf")
        finished = page.get_by_text("Training finished at step")
        while not finished.is_visible():
            if time.perf_counter() - t0 > args.timeout:
                sys.exit(f"not finished after {args.timeout:.0f} s; last progress: {progress}")
            bar = page.locator("[data-testid=stProgress]")
            if bar.count():
                progress = bar.first.inner_text().strip() or progress
            if time.perf_counter() > next_open:
                open_both_ways(other, url, chapter, before, during)
                next_open = time.perf_counter() + args.every
            page.wait_for_timeout(3000)
        took = time.perf_counter() - t0

        print(f"finished {took:.1f} s after the press ({took / 60:.2f} min)")
        print(f"last progress line: {progress}")
        print(f"finishing line: {finished.inner_text().strip()}")
        scrub = page.locator("[data-testid=stSlider]").filter(has_text="Samples so far")
        if scrub.count():
            handle = scrub.get_by_role("slider")
            n = int(handle.get_attribute("max")) + 1   # a select slider counts its options from 0
            handle.focus()
            page.keyboard.press("Home")
            first = page.get_by_text("Sample at step 0", exact=True)
            first.wait_for(timeout=30_000)
            print(f"samples on the slider: {n}, the first at step 0")
        else:
            print("samples on the slider: none")
        if args.every > 0:
            print(f"chapter: /{chapter.url_path}, its link to /{before.url_path}")
        report("before the run", idle)
        report("during the run", during)
        browser.close()


if __name__ == "__main__":
    main()
