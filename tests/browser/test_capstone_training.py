"""The capstone in Chromium: start a run, watch the loss chart and a sample
appear, stop it, and make the model write."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app

pytestmark = pytest.mark.browser


def test_train_watch_and_generate(server, page):
    open_app(page, server + "/capstone")
    expect(page.locator("h1").first).to_have_text("Train a tiny transformer")

    # "Batch of one" is the cheapest preset per step (1,500 steps; a sample every 200)
    page.locator("[data-testid=stSelectbox]").filter(has_text="Preset").locator("input").click()
    page.get_by_role("option", name="Batch of one").click()
    expect(page.get_by_text("What to look for: Each step sees a single sequence")).to_be_visible()
    page.get_by_role("button", name="Start training").click()

    expect(page.get_by_text("/ 1,500 ·")).to_be_visible()
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator(".scatterlayer .trace")).to_have_count(2)   # train, validation
    expect(page.get_by_text("Sample at step 200")).to_be_visible(timeout=900_000)
    expect(page.locator("[data-testid=stCode]").first).not_to_be_empty()
    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_text("Training stopped at step")).to_be_visible(timeout=300_000)
    expect(page.get_by_role("button", name="Download checkpoint (.safetensors)")).to_be_visible()

    # part 4: the trained weights write text from the prompt
    expect(page.get_by_text("characters survive the filters")).to_be_visible()
    page.get_by_role("button", name="Generate").click()
    written = page.locator("[data-testid=stCode]").filter(has_text="ROMEO:").first  # not the credits
    expect(written).to_be_visible()
    assert len(written.inner_text()) > 200
