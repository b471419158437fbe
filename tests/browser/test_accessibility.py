"""Large, clear pages that work without JavaScript, on a 360 px phone, and by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from casserole import demo as seed
from tests.support.auth import PageAuth
from tests.support.browser import ARTIFACTS, axe_violations

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
    ("coordinator.barnet", "/coordinator/barnet/concerns", ("heading", None)),
    ("coordinator.barnet", "/coordinator/barnet/diners/new", ("button", "Register")),
    ("coordinator.barnet", "/coordinator/barnet/referrals/import", ("button", "Check the file")),
]


@pytest.fixture
def demo(database):
    seed.seed_boroughs()
    database.session.commit()


def _new_page(browser, live_server: str, who: str | None, **options) -> tuple[object, object]:
    """A page in a context of its own, logged in as the demo person `who` if given."""
    context = browser.new_context(base_url=live_server, **options)
    page = context.new_page()
    if who:
        PageAuth(page).login(f"{who}@casserole.example", seed.DEMO_PASSWORD)
    return context, page


@pytest.mark.parametrize(("who", "path", "action"), MAIN_PAGES)
def test_main_pages_work_without_javascript_on_a_small_phone(
    browser, live_server, demo, who, path, action
):
    context, page = _new_page(
        browser, live_server, who, java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    try:
        page.goto(path)
        role, name = action
        target = (
            page.get_by_role(role, name=name).first
            if name
            else page.locator("main").get_by_role(role).first
        )
        expect(target).to_be_visible()
        expect(target).to_be_enabled()
        box = target.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        # Nothing may force sideways scrolling of the page (wide data tables scroll inside
        # their own box, which WCAG 1.4.10 allows).
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px screen"
        # Body text is at least 18 px: measured on every paragraph, and on <main> itself
        # (the size its text inherits), so a page without paragraphs is still measured.
        sizes = page.evaluate(
            """() => [document.querySelector("main"), ...document.querySelectorAll("main p")]
                .map(e => [e.tagName.toLowerCase(), parseFloat(getComputedStyle(e).fontSize)])"""
        )
        small = [(tag, size) for tag, size in sizes if size < 18]
        assert not small, f"{path}: body text below 18px: {small}"
    finally:
        context.close()


def test_keyboard_alone_reaches_the_skip_link_and_logs_in(page, demo):
    page.goto("/auth/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_label("E-mail address").focus()
    page.keyboard.type("carer.barnet@casserole.example")
    page.keyboard.press("Tab")
    page.keyboard.type(seed.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    # The browser keeps the skip link's #main through the redirect home.
    page.wait_for_url(re.compile(r"/(#main)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello"))


def test_error_summary_takes_focus(page, demo):
    page.goto("/auth/login")
    page.get_by_role("button", name="Log in").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()


HOME_PAGE_PEOPLE = ("cook.barnet", "carer.barnet", "diner.barnet", "coordinator.barnet")


@pytest.mark.parametrize("who", HOME_PAGE_PEOPLE)
def test_home_pages_at_200_percent_zoom_pass_axe(browser, live_server, demo, who):
    # 200 % zoom on a 1280 px window lays out exactly like a 640 px window: layout works in
    # CSS pixels, so the test uses that. Each person gets a context of their own, closed
    # whole once the check is done (closing a page mid-navigation hung Chromium in CI).
    context, page = _new_page(browser, live_server, who, viewport={"width": 640, "height": 400})
    try:
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("who", HOME_PAGE_PEOPLE)
def test_home_page_screenshots_for_the_readme(browser, live_server, demo, who):
    """Saved in test-artifacts/; `make screenshots` copies them to docs/screenshots for the README."""
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = _new_page(browser, live_server, who, viewport={"width": 1100, "height": 900})
    try:
        shot = ARTIFACTS / f"home-{who.split('.')[0]}.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 10_000
    finally:
        context.close()


# The same checks on the Welsh and Bengali pages: (language, who logs in, page).
TRANSLATED_PAGES = [
    (lang, who, path)
    for lang in ("cy", "bn")
    for who, path in (
        (None, "/"),
        (None, "/join/"),
        (None, "/join/carer"),
        (None, "/auth/login"),
        ("cook.barnet", "/"),
        ("carer.barnet", "/"),
        ("diner.barnet", "/"),
        ("carer.barnet", "/profile/diners/new"),
    )
]
LANGUAGE_NAMES = {"cy": "Cymraeg", "bn": "বাংলা"}


def _in_language(page, path: str, lang: str) -> None:
    """Open `path` and choose the language with the page's own switch (a plain form)."""
    page.goto(path)
    page.get_by_role("button", name=LANGUAGE_NAMES[lang]).click()
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", lang)


@pytest.mark.parametrize(("lang", "who", "path"), TRANSLATED_PAGES)
def test_welsh_and_bengali_pages_fit_a_small_phone_without_javascript(
    browser, live_server, demo, lang, who, path
):
    context, page = _new_page(
        browser, live_server, who, java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    try:
        _in_language(page, path, lang)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} in {lang} is {width}px wide on a 360px screen"
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "who", "path"), TRANSLATED_PAGES)
def test_welsh_and_bengali_pages_at_200_percent_zoom_pass_axe(
    browser, live_server, demo, lang, who, path
):
    context, page = _new_page(browser, live_server, who, viewport={"width": 640, "height": 400})
    try:
        _in_language(page, path, lang)
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ("cy", "bn"))
@pytest.mark.parametrize("who", ("carer.barnet", "cook.barnet"))
def test_home_page_screenshots_in_welsh_and_bengali(browser, live_server, demo, lang, who):
    """Saved in test-artifacts/ as home-<who>-<lang>.png; `make screenshots` copies them."""
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = _new_page(browser, live_server, who, viewport={"width": 1100, "height": 900})
    try:
        _in_language(page, "/", lang)
        shot = ARTIFACTS / f"home-{who.split('.')[0]}-{lang}.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 10_000
    finally:
        context.close()
