"""Real-browser fixtures: the app served on a loopback port, driven by headless Chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.support.browser import CHROMIUM_ARGS, axe_violations
from tests.support.requirements import CHROMIUM, unavailable


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium under Playwright; missing Chromium fails in CI and skips elsewhere.

    One browser per test module, so a browser that dies takes one module's tests with it,
    not the rest of the run.
    """
    if CHROMIUM is None:
        unavailable("Chromium not found: install it with `apt-get install -y chromium`")
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
    """A fresh browser page on the live server; every page it visited is scanned with axe-core.

    Visited pages are recorded as the test navigates and re-opened in the same session after
    it, so every test contributes to the accessibility scan without asking for it. Call
    assert_accessible(page) in a test for states a plain GET cannot reach (form errors).
    """
    context = browser.new_context(base_url=live_server)  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    pg = context.new_page()
    visited: list[str] = []

    def remember(frame: object) -> None:
        if frame == pg.main_frame:
            url = frame.url.split("#", 1)[0]  # type: ignore[attr-defined]
            if url.startswith(live_server) and url not in visited:
                visited.append(url)

    pg.on("framenavigated", remember)
    yield pg
    pg.remove_listener("framenavigated", remember)
    problems = []
    for url in visited:
        response = pg.goto(url)
        if response is None or response.status >= 400:
            continue
        problems.extend(f"{url}: {finding}" for finding in axe_violations(pg))
    context.close()
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
