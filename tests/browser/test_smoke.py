"""A new user's first minute in a real browser: home page, log in with a demo account, log out."""

from __future__ import annotations

import pytest

from casserole import demo as seed
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("carer.barnet@casserole.example", "The people you look after"),
        ("cook.barnet@casserole.example", "Your neighbours"),
        ("coordinator.tower-hamlets@casserole.example", "Tower Hamlets"),
        ("diner.reigate-banstead@casserole.example", "Your meals"),
    ],
)
def test_demo_login_and_logout(page, database, email, expected):
    seed.seed_boroughs()
    database.session.commit()
    page.goto("/")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Home-cooked meals, shared with a neighbour"
    )
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(seed.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello, ")
    assert expected in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{email.split('@')[0]}.png"), full_page=True)
    page.get_by_role("button", name="Log out").click()
    assert page.get_by_text("You have logged out.").is_visible()
    assert page.get_by_role("link", name="Log in").first.is_visible()


def test_wrong_password_is_explained_on_the_form(page, database):
    seed.seed_boroughs()
    database.session.commit()
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill("cook.barnet@casserole.example")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert (
        page.get_by_role("alert").get_by_text("That e-mail and password do not match.").is_visible()
    )
