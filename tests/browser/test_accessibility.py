"""Large, clear pages that work without JavaScript, on a 360 px phone, and by keyboard."""

from __future__ import annotations

import re

import pytest

from casserole import demo as seed
from tests.browser.conftest import ARTIFACTS, CHROMIUM_ARGS, axe_violations

pytestmark = pytest.mark.browser

# (who logs in, page, the page's main action as (role, accessible name)).
MAIN_PAGES = [
    (None, "/", ("link", "Log in")),
    (None, "/auth/login", ("button", "Log in")),
    (None, "/join/", ("link", None)),
    ("cook.barnet", "/", ("link", None)),
    ("carer.barnet", "/", ("link", None)),
    ("diner.barnet", "/", ("link", None)),
    ("coordinator.barnet", "/", ("link", None)),
    ("carer.barnet", "/my-data/", ("link", "Download my data")),
    ("diner.barnet", "/my-meals", ("heading", None)),
    (None, "/join/cook", ("button", None)),
    (None, "/join/carer", ("button", None)),
    (None, "/auth/reset", ("button", None)),
    ("cook.barnet", "/profile/cook", ("button", None)),
    ("cook.barnet", "/profile/cook/checks", ("heading", None)),
    ("cook.barnet", "/pairings/", ("link", None)),
    ("carer.barnet", "/profile/diners/new", ("button", None)),
    ("coordinator.barnet", "/coordinator/barnet/", ("link", None)),
    ("coordinator.barnet", "/coordinator/barnet/vetting", ("link", None)),
    ("coordinator.barnet", "/coordinator/barnet/waiting", ("heading", None)),
    ("coordinator.barnet", "/coordinator/barnet/pairings", ("link", None)),
    ("coordinator.barnet", "/coordinator/barnet/figures", ("button", None)),
    ("coordinator.barnet", "/coordinator/barnet/map", ("heading", None)),
]


@pytest.fixture
def demo(database):
    seed.seed_boroughs()
    database.session.commit()


def _login(context, base_url: str, who: str) -> object:
    page = context.new_page()
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("E-mail address").fill(f"{who}@casserole.example")
    page.get_by_label("Password").fill(seed.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")
    return page


@pytest.mark.parametrize(("who", "path", "action"), MAIN_PAGES)
def test_main_pages_work_without_javascript_on_a_small_phone(
    browser, live_server, demo, who, path, action
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    try:
        page = _login(context, live_server, who) if who else context.new_page()
        page.goto(f"{live_server}{path}")
        role, name = action
        target = (
            page.get_by_role(role, name=name).first
            if name
            else page.locator("main").get_by_role(role).first
        )
        assert target.is_visible() and target.is_enabled()
        box = target.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        # Nothing may force sideways scrolling of the page (wide data tables scroll inside
        # their own box, which WCAG 1.4.10 allows).
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px screen"
        # Body text is at least 18 px.
        size = (
            page.locator("main p").first.evaluate("e => getComputedStyle(e).fontSize")
            if page.locator("main p").count()
            else "18px"
        )
        assert float(size.rstrip("px")) >= 18
    finally:
        context.close()


def test_keyboard_alone_reaches_the_skip_link_and_logs_in(page, demo):
    page.goto("/auth/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("e => e === document.activeElement")
    page.keyboard.press("Enter")
    page.get_by_label("E-mail address").focus()
    page.keyboard.type("carer.barnet@casserole.example")
    page.keyboard.press("Tab")
    page.keyboard.type(seed.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    # The browser keeps the skip link's #main through the redirect home.
    page.wait_for_url(re.compile(r"/(#main)?$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")


def test_error_summary_takes_focus(page, demo):
    page.goto("/auth/login")
    page.get_by_role("button", name="Log in").click()
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    assert summary.evaluate("e => e === document.activeElement")


HOME_PAGE_PEOPLE = ("cook.barnet", "carer.barnet", "diner.barnet", "coordinator.barnet")


@pytest.mark.parametrize("who", HOME_PAGE_PEOPLE)
def test_home_pages_at_200_percent_zoom_pass_axe(browser, live_server, demo, who):
    # 200 % zoom on a 1280 px window lays out exactly like a 640 px window: layout works in
    # CSS pixels, so the test uses that. Each person gets a context of their own, closed
    # whole once the check is done (closing a page mid-navigation hung Chromium in CI).
    context = browser.new_context(viewport={"width": 640, "height": 400})
    try:
        page = _login(context, live_server, who)
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("who", HOME_PAGE_PEOPLE)
def test_home_page_screenshots_for_the_readme(browser, live_server, demo, who):
    """Saved in test-artifacts/; `make screenshots` copies them to docs/screenshots for the README."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    try:
        page = _login(context, live_server, who)
        shot = ARTIFACTS / f"home-{who.split('.')[0]}.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 10_000
    finally:
        context.close()


def test_chromium_flags_keep_the_browser_offline():
    assert "--disable-background-networking" in CHROMIUM_ARGS
