"""Screenshots of the touchable figures in the middle of a drag, to look at after a change.

    python scripts/figure_shots.py OUT_DIR [--chapter dot_product ...]

Starts `streamlit run app.py` on its own database and, for each chapter, at 1280 and 390 px
wide in the light and the dark theme, opens the page in Chromium, presses the figure's first
handle ([data-fl-drag]), moves it part way and takes a picture of the figure before letting
go (on a phone, with a finger: touch events). Writes OUT_DIR/<chapter>-<width>-<theme>.png.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from capstone_page import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from figures import DRAGGABLE, settle  # noqa: E402
from local_app import ROOT, local_app  # noqa: E402

sys.path.insert(0, str(ROOT))
from core.content import chapter_by_slug  # noqa: E402


def shoot(browser, url, slug, width, scheme, out: Path):
    phone = width < 640
    context = browser.new_context(viewport={"width": width, "height": 900 if not phone else 844},
                                  color_scheme=scheme, has_touch=phone, is_mobile=phone)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/{chapter_by_slug(slug).url_path}")
    box = page.locator(f".st-key-fl-figure-{slug}")
    handle = box.locator("[data-fl-drag]").first
    handle.wait_for(state="visible")
    settle(page)
    handle.scroll_into_view_if_needed()
    b = handle.bounding_box()
    x, y = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
    to = (x - 25, y - 20)
    if phone:
        cdp = context.new_cdp_session(page)
        touch = lambda kind, pts: cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": pts})
        touch("touchStart", [{"x": x, "y": y}])
        for i in range(1, 9):
            touch("touchMove", [{"x": x + (to[0] - x) * i / 8, "y": y + (to[1] - y) * i / 8}])
        box.screenshot(path=str(out / f"{slug}-{width}-{scheme}.png"))
        touch("touchEnd", [])
    else:
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(*to, steps=8)
        box.screenshot(path=str(out / f"{slug}-{width}-{scheme}.png"))
        page.mouse.up()
    context.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--chapter", nargs="*", default=DRAGGABLE + ["matrix_multiplication"])
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    import tempfile

    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p, \
            local_app(Path(tmp) / "lab.duckdb") as url:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for slug in args.chapter:
            for width in (1280, 390):
                for scheme in ("light", "dark"):
                    shoot(browser, url, slug, width, scheme, args.out)
                    print(args.out / f"{slug}-{width}-{scheme}.png")
        browser.close()


if __name__ == "__main__":
    main()
