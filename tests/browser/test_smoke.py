"""A new user's first minute in a real browser: home page, log in with a demo account, log out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from casserole import demo as seed
from tests.support.browser import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("email", "heading", "expected"),
    [
        ("carer.barnet@casserole.example", r"^Hello, ", "The people you look after"),
        ("cook.barnet@casserole.example", r"^Hello, ", "Your neighbours"),
        # A coordinator lands on their console (their only area), not the dashboard.
        ("coordinator.tower-hamlets@casserole.example", r"^Tower Hamlets$", "Waiting list"),
        ("diner.reigate-banstead@casserole.example", r"^Hello, ", "Your meals"),
    ],
)
def test_demo_login_and_logout(page, database, email, heading, expected):
    seed.seed_boroughs()
    database.session.commit()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Home-cooked meals, shared with a neighbour"
    )
    # The home page's own link to the login form, as a newcomer would find it.
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(seed.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(heading))
    expect(page.locator("body")).to_contain_text(expected)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{email.split('@')[0]}.png"), full_page=True)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()


def test_wrong_password_is_explained_on_the_form(page, database):
    seed.seed_boroughs()
    database.session.commit()
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill("cook.barnet@casserole.example")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(
        page.get_by_role("alert").get_by_text("That e-mail and password do not match.")
    ).to_be_visible()
