"""Say it back in Chromium: a recording from Chromium's fake microphone (a file read by the
offline voice) goes through st.audio_input, and the page shows its score and word diff."""
import re
import wave

import pytest
from playwright.sync_api import expect

from core.content import load_chapters
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
        expect(page.get_by_text("Word to practise")).to_be_visible()
        expect(diff.locator(".fl-say-deletion").first).to_be_visible()
        assert int(re.match(r"(\d+)%", percent.inner_text()).group(1)) < value
    finally:
        context.close()
