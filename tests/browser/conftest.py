"""Real-browser fixtures: the app served on a loopback port, driven by headless Chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import CHROMIUM, REQUIRE_ALL

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium under Playwright; missing Chromium fails in CI and skips elsewhere."""
    if CHROMIUM is None:
        message = "Chromium not found: install it with `apt-get install -y chromium`"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def live_server(app: Flask, database: object) -> Iterator[str]:
    """The session's app on a free loopback port, in a thread, for one test."""
    from casserole.extensions import db

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    db.session.commit()
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def page(browser: object, live_server: str) -> Iterator[object]:
    """A fresh browser context and page, with the base URL set to the live server."""
    context = browser.new_context(base_url=live_server)  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()
