"""Headless Chromium (Debian's package) driven by Playwright, against the live
test server."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("SIGNME_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (scripts/system-packages installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.BASE_URL = live_server.url
    context = browser.new_context(viewport={"width": 375, "height": 740})  # a small phone
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.console_errors = errors
    yield page
    context.close()
