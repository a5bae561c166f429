"""A real `streamlit run` on localhost and a real Chromium driven by Playwright."""
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench.local_app import AppDidNotStart, local_app

CHROMIUM = os.environ.get("FORMULA_LAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@contextmanager
def running_app(folder: Path, **settings):
    """`streamlit run app.py` on a free localhost port, its database and log in folder, with
    any further FORMULA_LAB_* settings; yields its address once it answers, stops it after."""
    try:
        with local_app(folder / "lab.duckdb", wait_s=90, log_path=folder / "streamlit.log",
                       **settings) as url:
            yield url
    except AppDidNotStart as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("app")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (it installs it) "
                    "or set FORMULA_LAB_CHROMIUM")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)
    yield pg
    context.close()


def wait_idle(page):
    """Wait until the app's script run is over (Streamlit's running indicator is gone)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def open_app(page, url):
    """Open a URL and wait until Streamlit has rendered the page title."""
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    wait_idle(page)
