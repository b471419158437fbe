"""A carer downloads and erases the data of a diner they look after, in a real browser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from casserole import demo as seed
from tests.support.browser import assert_accessible

pytestmark = pytest.mark.browser


def test_carer_downloads_then_erases_a_diners_data(page, database):
    seed.seed_boroughs()
    database.session.commit()
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill("carer.barnet@casserole.example")
    page.get_by_label("Password").fill(seed.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Your data").click()
    first_card = page.locator("section.card").nth(1)
    name = first_card.get_by_role("heading", level=2).inner_text()
    first_name = name.split()[0]

    with page.expect_download() as info:
        first_card.get_by_role("link", name=f"Download {first_name}'s data").click()
    data = json.loads(Path(info.value.path()).read_text())
    assert data["name"] == name and data["address"]["postcode"]

    first_card.get_by_role("button", name=f"Erase {first_name}'s details").click()
    expect(page.get_by_role("alert").get_by_text("Tick the box to confirm")).to_be_visible()
    assert_accessible(page)
    page.locator("section.card").nth(1).get_by_label(
        f"I understand this removes {first_name}'s"
    ).check()
    page.locator("section.card").nth(1).get_by_role(
        "button", name=f"Erase {first_name}'s details"
    ).click()
    expect(page.get_by_text(f"{first_name}'s personal details have been erased.")).to_be_visible()
    # The flash names only the first name; the full name is gone from the page.
    expect(page.locator("main")).not_to_contain_text(name)
