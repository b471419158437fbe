"""The meal plan's print button: it prints where JavaScript runs, and the sentence serves the rest."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from casserole.models import Role
from tests.support import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def edna(database):
    account = f.user(Role.DINER, email="edna@example.org")
    f.diner(f.area(), user=account, first_name="Edna")
    database.session.commit()
    return account


def _open_plan(context, base_url: str) -> object:
    page = context.new_page()
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("E-mail address").fill("edna@example.org")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")
    page.goto(f"{base_url}/my-meals")
    return page


def test_print_button_opens_the_print_dialog(browser, live_server, edna):
    context = browser.new_context()
    try:
        # Count calls instead of opening a real dialog, which headless Chromium cannot show.
        context.add_init_script("window.__prints = 0; window.print = () => { window.__prints += 1; };")
        page = _open_plan(context, live_server)
        button = page.get_by_role("button", name="Print this page")
        expect(button).to_be_visible()
        button.click()
        assert page.evaluate("window.__prints") == 1
    finally:
        context.close()


def test_without_javascript_the_button_is_hidden_and_the_sentence_stays(browser, live_server, edna):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = _open_plan(context, live_server)
        expect(page.get_by_role("button", name="Print this page")).to_be_hidden()
        expect(page.get_by_text("use your browser's Print button")).to_be_visible()
    finally:
        context.close()
