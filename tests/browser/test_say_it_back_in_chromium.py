"""Say it back in Chromium: a recording from Chromium's fake microphone (a file read by the
offline voice) goes through st.audio_input, and the page shows its score and word diff; the
diff reads on the light and the dark theme."""
import re
import wave

import pytest
from playwright.sync_api import expect

from components.say_it_back import typed_placeholder
from core.content import load_chapters
from core.speech import normalise
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, open_app
from tests.speech_audio import padded_wav, piper_wav

pytestmark = pytest.mark.browser
SIGMOID = next(c for c in load_chapters() if c.slug == "sigmoid")


def _seconds(path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


@pytest.fixture(scope="module")
def fake_mic(browser):
    """A second Chromium whose microphone plays the sigmoid sentence read by Piper."""
    clip = padded_wav(piper_wav(SIGMOID.pronunciation), 0.3, 0.3)
    mic = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-audio-capture={clip}"])
    yield mic, _seconds(clip)
    mic.close()


def test_a_recorded_reading_is_scored_on_the_page(server, fake_mic):
    mic, seconds = fake_mic
    context = mic.new_context(viewport={"width": 1280, "height": 1000}, permissions=["microphone"])
    page = context.new_page()
    page.set_default_timeout(120_000)
    expect.set_options(timeout=120_000)
    try:
        open_app(page, server + "/" + SIGMOID.url_path)
        recorder = page.locator(".st-key-fl-hk-record-sigmoid")
        expect(recorder).to_be_visible()
        recorder.get_by_role("button", name="Record", exact=True).click()
        page.wait_for_timeout(int(seconds * 1000) - 200)  # the file loops: stop before it repeats
        recorder.get_by_role("button", name="Stop recording").click()

        percent = page.get_by_test_id("fl-say-percent")
        expect(percent).to_be_visible(timeout=180_000)
        value = int(re.match(r"(\d+)%", percent.inner_text()).group(1))
        assert value >= 70, (value, page.get_by_test_id("fl-say-diff").inner_text())
        diff = page.get_by_test_id("fl-say-diff")
        expect(diff.locator(".fl-say-hit").first).to_be_visible()
        assert "sigma" in diff.inner_text()
        expect(page.get_by_text(re.compile(r"Your best so far|best \d+%")).first).to_be_visible()

        # The typed box scores too, and a miss is named with its tip.
        page.get_by_label("…or type what you said").fill("sigma of x equals one over one plus e")
        page.get_by_role("button", name="Score what I typed").click()
        # the typed score replaces the recording's (whose result may also name a word to practise)
        expect(percent).not_to_have_text(re.compile(rf"^{value}% of the words"))
        expect(page.get_by_text("Word to practise")).to_be_visible()
        expect(diff.locator(".fl-say-deletion").first).to_be_visible()
        assert int(re.match(r"(\d+)%", percent.inner_text()).group(1)) < value
    finally:
        context.close()


# The colours a chip is drawn in, as the browser computed them: text, background, border and
# the line through or under it; and the page's own background.
_LOOK_JS = """el => {
    const s = getComputedStyle(el);
    const page = [document.querySelector('.stApp'), document.body]
        .map(e => getComputedStyle(e).backgroundColor).find(c => c !== 'rgba(0, 0, 0, 0)');
    return [s.color, s.backgroundColor, s.borderTopColor, s.borderTopStyle, s.textDecorationLine, page];
}"""


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(v) for v in re.findall(r"[\d.]+", css)[:3])


def _contrast(a: str, b: str) -> float:
    def lum(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((lum(_rgb(a)), lum(_rgb(b))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_word_diff_reads_on_either_theme(server, browser, scheme):
    """A missed word has a dashed border, not a line through it (a struck n reads as π), is named
    for a screen reader, and every chip's text keeps a 4.5:1 contrast on the light and dark theme.
    The typed box's example is the chapter's own sentence."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_app(page, server + "/" + SIGMOID.url_path)
        box = page.get_by_label("…or type what you said")
        assert box.get_attribute("placeholder") == typed_placeholder(SIGMOID.pronunciation)
        words = normalise(SIGMOID.pronunciation).split()
        box.fill(" ".join(words[1:-1] + ["um", "y"]))      # first word missed, one extra, one different
        page.get_by_role("button", name="Score what I typed").click()
        diff = page.get_by_test_id("fl-say-diff")
        missed = diff.locator(".fl-say-deletion").first
        expect(missed).to_be_visible()
        assert "missed:" in missed.inner_text()                 # said by a screen reader
        expect(missed.locator(".fl-say-sr")).to_have_css("width", "1px")   # and hidden from the eye
        fg, bg, border, style, line, page_bg = missed.evaluate(_LOOK_JS)
        assert style == "dashed" and "line-through" not in line, (style, line)
        assert _contrast(border, bg) >= 3
        assert (sum(_rgb(page_bg)) < 150) == (scheme == "dark"), page_bg   # the theme took effect
        for kind in ("hit", "deletion", "substitution", "insertion"):
            chip = diff.locator(f".fl-say-{kind}").first
            expect(chip).to_be_visible()
            fg, bg, *_ = chip.evaluate(_LOOK_JS)
            assert _contrast(fg, bg) >= 4.5, (kind, fg, bg)
    finally:
        context.close()
