"""Issue 14 in a real browser: a cook reports "nobody answered", the welfare check tops the
console, is escalated when left (time moved forward, not slept), and closes with an outcome
that lands in the diner's case log; every message checked in a real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from casserole import clock
from casserole.models import PairingStatus, Role
from casserole.services import welfare
from tests.support import factories as f
from tests.support.auth import PageAuth
from tests.support.browser import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def pairing(database):
    area = f.area("Barnet", ("N3",), slug="barnet", contact_phone="020 8359 0000")
    coordinator = f.user(Role.COORDINATOR, email="cora@barnet.example", first_name="Cora")
    coordinator.areas = [area]
    f.user(Role.ADMIN, email="ada@casserole.example", first_name="Ada")
    cook = f.cook(area, user=f.user(Role.COOK, email="maya@example.org", first_name="Maya"))
    carer = f.user(Role.CARER, email="sam@example.org", first_name="Sam", phone="07700 900002")
    diner = f.diner(area, carer=carer, first_name="Edna", last_name="Smith", phone="020 7946 0001")
    made = f.pairing(cook, diner, PairingStatus.ACTIVE)
    database.session.commit()
    return made


def addressees(inbox, start=0):
    return sorted(m["To"] for m in inbox.messages[start:])


def test_nobody_answered_opens_a_check_that_escalates_and_closes_with_an_outcome(
    page, auth, pairing, smtp_server, database
):
    auth.login("maya@example.org")
    page.goto(f"/pairings/{pairing.id}")
    page.get_by_role(
        "link", name="Nobody answered, Edna seemed unwell, or you could not come"
    ).click()
    expect(page.get_by_text("call 999 now")).to_be_visible()
    page.get_by_label("Nobody answered the door").check()
    page.get_by_label("Anything else we should know? (optional)").fill("Milk still on the step")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("We have told Edna's carer and the coordinator")).to_be_visible()
    assert_accessible(page)
    # At once: the carer and the area's coordinator, each with what to do.
    assert addressees(smtp_server) == ["cora@barnet.example", "sam@example.org"]
    to_carer = next(m for m in smtp_server.messages if m["To"] == "sam@example.org")
    assert "Call 999" in to_carer.get_body(("plain",)).get_content()
    auth.logout()

    auth.login("cora@barnet.example")
    page.goto("/coordinator/barnet/")
    welfare_box = page.locator("#open-welfare-checks")
    expect(welfare_box).to_contain_text("Welfare: 1 check open")
    expect(welfare_box).to_contain_text("Edna Smith")
    # It is the first thing on the console, above the tasks.
    expect(page.locator("main h2").first).to_have_text(re.compile("^Welfare: 1 check open"))
    page.goto("/")
    expect(page.locator("#waiting-for-you")).to_contain_text("Welfare check open for Edna Smith")

    # Nobody records an outcome: four hours later it goes to every coordinator and admin.
    before = len(smtp_server.messages)
    assert welfare.escalate_overdue(now=clock.now() + timedelta(hours=3)) == 0
    assert welfare.escalate_overdue(now=clock.now() + timedelta(hours=4, minutes=1)) == 1
    assert welfare.escalate_overdue(now=clock.now() + timedelta(hours=6)) == 0
    assert addressees(smtp_server, before) == ["ada@casserole.example", "cora@barnet.example"]
    assert all("URGENT" in m["Subject"] for m in smtp_server.messages[before:])

    page.goto("/coordinator/barnet/")
    expect(page.locator("#open-welfare-checks")).to_contain_text("(escalated)")
    page.locator("#open-welfare-checks").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edna Smith")
    expect(page.get_by_text("Milk still on the step")).to_be_visible()
    page.get_by_label("The diner was fine").check()
    page.get_by_label("Notes for the case log").fill("Edna was at her sister's; all well.")
    before = len(smtp_server.messages)
    page.get_by_role("button", name="Record the outcome and close the check").click()
    expect(page.get_by_text("is closed and noted in the case log")).to_be_visible()
    expect(page.locator("#open-welfare-checks")).to_have_count(0)
    # The cook who reported and the carer hear how it ended.
    assert addressees(smtp_server, before) == ["maya@example.org", "sam@example.org"]

    page.goto(f"/coordinator/barnet/case-log/diner/{pairing.diner_id}")
    expect(page.get_by_text("Edna was at her sister's; all well.")).to_be_visible()
    expect(
        page.get_by_text(re.compile("Welfare check \\d+ closed: The diner was fine"))
    ).to_be_visible()
    assert_accessible(page)


def test_a_cook_on_a_small_phone_without_javascript_says_they_could_not_come(
    browser, live_server, pairing, smtp_server
):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server, viewport={"width": 360, "height": 740}
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        PageAuth(page).login("maya@example.org")
        page.goto(f"/pairings/{pairing.id}")
        page.get_by_role(
            "link", name="Nobody answered, Edna seemed unwell, or you could not come"
        ).click()
        page.get_by_label("I could not come").check()
        page.get_by_role("button", name="Send the report").click()
        expect(
            page.get_by_text("We have told Edna's side that you could not come.")
        ).to_be_visible()
        # Nothing runs off the side of a 360 px screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
    # Only the diner's side hears: nobody opens a welfare check for a cook who could not come.
    assert addressees(smtp_server) == ["sam@example.org"]
    assert "could not bring" in smtp_server.messages[0]["Subject"]
