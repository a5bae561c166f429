"""Type a chapter's code for real in Chromium: one miss corrected, Enter skipping indentation,
and how an attempt ends."""
import re

from playwright.sync_api import expect

from core.content import chapter_by_slug
from core.typing import keys_to_type, target_text
from tests.browser.conftest import open_app

SLUG = "relu"          # short code with indented lines


# Keys 45 ms apart (about 270 WPM): fast, but a person's pace. Playwright's own pace with no
# delay is a few milliseconds a key, which the app refuses as a forged attempt.
HUMAN_MS = 45

def _chip(page, name):
    return page.get_by_test_id("fl-stats").locator(".fl-stat", has_text=name).locator("b")


def test_type_the_relu_code(server, page):
    open_app(page, f"{server}/{SLUG}")
    expect(_chip(page, "Accuracy")).to_have_text("—")
    box = page.locator("[data-fl-typing]")
    expect(box).to_have_attribute("tabindex", "0")
    expect(page.locator(f".st-key-fl-hk-type-{SLUG} [data-fl-typing]")).to_have_count(1)
    target = target_text(chapter_by_slug(SLUG).code.source)
    keys = keys_to_type(target)
    assert keys.startswith("import numpy as np\n\ndef relu(x):\nreturn")

    box.click()
    page.keyboard.press("Control+V")                      # a paste types nothing
    expect(box.locator(".fl-type-note")).to_have_text("Pasting does not count: type it.")
    expect(box.locator(".cur")).to_have_text("i")
    page.keyboard.type("imx", delay=20)                  # one miss...
    spans = box.locator(".fl-type-code .c")
    expect(spans.nth(2)).to_have_class(re.compile(r"\bbad\b"))
    page.keyboard.press("Backspace")                      # ...corrected
    expect(spans.nth(2)).not_to_have_class(re.compile(r"\bbad\b"))
    page.keyboard.type(keys[2:keys.index("return")], delay=HUMAN_MS)
    # Enter after 'def relu(x):' skipped the four spaces: the caret is on 'r' of 'return'
    expect(box.locator(".cur")).to_have_text("r")
    first = target.index("return")
    for i in range(first - 4, first):
        expect(spans.nth(i)).to_have_class(re.compile(r"\bskip\b"))
    expect(spans.nth(0)).to_have_class(re.compile(r"\bok\b"))
    page.keyboard.type(keys[keys.index("return"):], delay=HUMAN_MS)

    # One attempt reached Python: the figures, the chart and the header come from the store.
    chars = len(keys) + 1                                   # every character key, the miss included
    result = page.get_by_test_id("fl-typing-result")
    expect(result.locator(".fl-stat", has_text="Errors").locator("b")).to_have_text("1")
    expect(result.locator(".fl-stat", has_text="Chars").locator("b")).to_have_text(str(chars))
    expect(page.get_by_text("Missed most:")).to_be_visible()
    expect(page.locator("[data-testid='stPlotlyChart']").first).to_be_visible()
    expect(_chip(page, "Chars")).to_have_text(f"{chars:,}")
    expect(_chip(page, "Accuracy")).to_have_text(f"{(chars - 1) / chars:.0%}")
    expect(_chip(page, "Char streak")).to_have_text(str(len(keys) - 2))   # from after the miss to the end
    assert int(_chip(page, "WPM").inner_text()) > 0
    expect(box).to_have_class(re.compile(r"\bdone\b"))       # the rerun kept the finished trainer

    # Esc Esc starts again; a finished attempt is not sent twice.
    box.click()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(box).not_to_have_class(re.compile(r"\bdone\b"))
    expect(spans.nth(0)).to_have_class(re.compile(r"\bcur\b"))
    expect(_chip(page, "Chars")).to_have_text(f"{chars:,}")


def test_an_attempt_ends_on_a_right_last_character_or_enter(server, page):
    """A wrong last character does not end the attempt: it can be corrected, or handed in with
    Enter; a right last character ends it even with wrong ones before it."""
    open_app(page, f"{server}/{SLUG}")
    box = page.locator("[data-fl-typing]")
    spans = box.locator(".fl-type-code .c")
    keys = keys_to_type(target_text(chapter_by_slug(SLUG).code.source))
    n = len(target_text(chapter_by_slug(SLUG).code.source))
    assert keys[-1] == ")" and "\n" in keys
    result = page.get_by_test_id("fl-typing-result")
    done = re.compile(r"\bdone\b")

    def figures(chars, errors):
        expect(result.locator(".fl-stat", has_text="Chars").locator("b")).to_have_text(str(chars))
        expect(result.locator(".fl-stat", has_text="Errors").locator("b")).to_have_text(str(errors))
        expect(page.get_by_text("Reset before the end")).to_have_count(0)      # each one finished

    def again():
        box.click()
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        expect(box).not_to_have_class(done)
        expect(spans.nth(0)).to_have_class(re.compile(r"\bcur\b"))

    # 1. A wrong last character leaves the attempt open, the caret past the end...
    box.click()
    page.keyboard.type(keys[:-1] + "]", delay=HUMAN_MS)
    expect(spans.nth(n - 1)).to_have_class(re.compile(r"\bbad\b"))
    expect(box).not_to_have_class(done)
    expect(box.locator(".fl-type-note")).to_have_text(
        "The last character is wrong: Backspace to correct it, or Enter to finish.")
    expect(spans.nth(n)).to_have_class(re.compile(r"\bcur\b"))
    page.keyboard.type("z", delay=HUMAN_MS)                         # nothing is typed past the end
    expect(box.locator(".fl-type-bar b").first).to_have_text(f"{n}/{n}")
    # ...so it can be corrected; the right last character ends it
    page.keyboard.press("Backspace")
    expect(box.locator(".fl-type-note")).to_have_text("")
    page.keyboard.type(")", delay=HUMAN_MS)
    expect(box).to_have_class(done)
    figures(len(keys) + 1, 1)                                # the miss still counts

    # 2. Wrong characters earlier on do not hold the end back: a right last one ends it.
    again()
    page.keyboard.type("i#por#" + keys[6:], delay=HUMAN_MS)
    expect(box).to_have_class(done)
    figures(len(keys), 2)

    # 3. Enter past a wrong last character hands the attempt in as it stands.
    again()
    page.keyboard.type(keys[:-1] + "]", delay=HUMAN_MS)
    expect(box).not_to_have_class(done)
    page.keyboard.press("Enter")
    expect(box).to_have_class(done)
    figures(len(keys), 1)                                    # Enter there is not a key
    expect(spans.nth(n - 1)).to_have_class(re.compile(r"\bbad\b"))
