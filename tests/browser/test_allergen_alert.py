"""Issue 14 in a real browser: a meal with peanuts for a peanut-allergic diner is an urgent alert."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from casserole import clock
from casserole.models import PairingStatus, Role
from casserole.models.vocab import allergens_to_mask
from tests.support import factories as f
from tests.support.auth import PageAuth
from tests.support.browser import assert_accessible, fill_date

pytestmark = pytest.mark.browser


def test_a_meal_with_peanuts_for_a_peanut_allergic_diner(
    browser, live_server, page, auth, database, smtp_server
):
    area = f.area()
    coordinator = f.user(Role.COORDINATOR, email="cora@barnet.example", first_name="Cora")
    coordinator.areas = [area]
    cook = f.cook(
        area,
        user=f.user(Role.COOK, email="maya@example.org", first_name="Maya"),
        keeps_out_mask=allergens_to_mask({"peanuts"}),
    )
    carer = f.user(Role.CARER, email="sam@example.org", first_name="Sam")
    diner = f.diner(
        area, carer=carer, first_name="Edna", allergen_mask=allergens_to_mask({"peanuts"})
    )
    pairing = f.pairing(cook, diner, PairingStatus.ACTIVE)
    database.session.commit()

    # The cook, on a phone-sized screen with JavaScript off, logs a satay with peanuts.
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server, viewport={"width": 360, "height": 740}
    )
    context.set_default_timeout(10_000)
    phone = context.new_page()
    PageAuth(phone).login("maya@example.org")
    phone.goto(f"/pairings/{pairing.id}/meals/new")
    expect(phone.locator("#allergy-reminder")).to_contain_text("Allergic to peanuts")
    fill_date(phone, "Date of the meal", clock.today())
    phone.get_by_label("What did you cook?").fill("Chicken satay")
    phone.get_by_label("Peanuts", exact=True).check()
    phone.get_by_role("button", name="Log the meal").click()
    phone.wait_for_url(re.compile(rf"/pairings/{pairing.id}$"))
    expect(phone.get_by_text("Warning: Edna is allergic to peanuts")).to_be_visible()
    expect(phone.get_by_text("Meal logged. Thank you!")).to_have_count(0)
    expect(phone.locator("#allergen-alert")).to_contain_text("Chicken satay")
    context.close()

    # The coordinator: the urgent concern tops the console and shows on the pairing page.
    auth.login("cora@barnet.example")
    page.goto("/coordinator/barnet/")
    urgent = page.locator("#urgent-concerns")
    expect(urgent).to_be_visible()
    assert_accessible(page)
    page.goto(f"/pairings/{pairing.id}")
    expect(page.locator("#allergen-alert")).to_contain_text("contained peanuts")
    expect(page.get_by_text("ALLERGEN ALERT").first).to_be_visible()
    assert_accessible(page)
    auth.logout()

    # The carer sees it on the pairing page, and has had the warning by e-mail.
    auth.login("sam@example.org")
    page.goto(f"/pairings/{pairing.id}")
    expect(page.locator("#allergen-alert")).to_contain_text("Edna is allergic to peanuts")
    assert_accessible(page)
    sent = {m["To"]: m for m in smtp_server.messages}
    assert sent["sam@example.org"]["Subject"] == "Allergy warning: Edna's meal contained peanuts"
    assert "call 999" in sent["sam@example.org"].get_body(("plain",)).get_content()
    assert sent["cora@barnet.example"]["Subject"].startswith("URGENT safeguarding concern")
