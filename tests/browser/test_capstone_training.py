"""The capstone in Chromium: a short run from start to finish, its loss chart and sample,
then the trained model writes, shows its softmax and its attention."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app

pytestmark = pytest.mark.browser


def test_train_watch_and_look_inside(server, page):
    open_app(page, server + "/capstone")
    expect(page.locator("h1").first).to_have_text("Train a tiny transformer")
    # the heading comes first; the controls once PyTorch has loaded (slow on a busy machine)
    expect(page.get_by_role("button", name="Start training")).to_be_visible(timeout=300_000)

    # "Batch of one" is the cheapest preset per step; 200 steps reach the first sample
    page.locator("[data-testid=stSelectbox]").filter(has_text="Preset").locator("input").click()
    page.get_by_role("option", name="Batch of one").click()
    expect(page.get_by_text("What to look for: Each step sees a single sequence")).to_be_visible()
    steps = page.locator("[data-testid=stSlider]").filter(has_text="Training steps")
    steps.get_by_role("slider").focus()
    page.keyboard.press("Home")                       # 50, the shortest run
    for _ in range(3):
        page.keyboard.press("ArrowRight")             # +50 each
    expect(steps.get_by_role("slider")).to_have_value("200")
    page.get_by_role("button", name="Start training").click()

    expect(page.get_by_text("/ 200 ·")).to_be_visible()
    # the bar jumps to each new value: a glide would keep the browser drawing all run long
    fill = page.locator("[data-testid=stProgressBarTrack] > div").first
    assert fill.evaluate("e => getComputedStyle(e).transitionDuration") == "0s"
    chart = page.locator(".js-plotly-plot").first
    # The first points come from the step-0 evaluation of a process niced below the server:
    # on a busy machine it can take minutes, so this waits for that state as long as the
    # sample below does; the page redraws the chart as soon as it is in.
    expect(chart.locator(".scatterlayer .trace")).to_have_count(2, timeout=600_000)
    expect(page.get_by_text("Sample at step 200")).to_be_visible(timeout=600_000)
    expect(page.get_by_text("Training finished at step 200")).to_be_visible(timeout=300_000)
    expect(page.locator("[data-testid=stCode]").first).not_to_be_empty()
    expect(page.get_by_role("button", name="Download checkpoint (.safetensors)")).to_be_visible()

    # part 4: the bars, the softmax behind them, the attention map, and text from the prompt
    expect(page.get_by_text("characters survive the filters")).to_be_visible()
    expect(page.locator("[data-testid=stDataFrame]")).to_be_visible()
    expect(page.get_by_role("link", name="Chapter 12 · Softmax")).to_be_visible()
    expect(page.locator(".js-plotly-plot .heatmaplayer")).to_have_count(1)
    expect(page.get_by_role("link", name="Chapter 17 · Attention")).to_be_visible()
    page.get_by_role("button", name="Generate").click()
    written = page.locator("[data-testid=stCode]").filter(has_text="ROMEO:").first  # not the credits
    expect(written).to_be_visible()
    assert len(written.inner_text()) > 200
