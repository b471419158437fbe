"""Issue 15's channels in a real browser, JavaScript off, 360 px wide: a carer signs up a diner
who prefers letters; the proposal reaches the cook by SMS and the diner by letter, both through
the local GOV.UK Notify server; the letter is in the coordinator's printable batch."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casserole.models import ContactWay, DinerProfile, OutboundEmail, Role
from casserole.services import notifications, pairings
from tests.support import factories as f
from tests.support.auth import PageAuth
from tests.support.browser import assert_accessible

pytestmark = pytest.mark.browser

PHONE_SIZE = {"width": 360, "height": 740}


@pytest.fixture
def people(database):
    area = f.area("Barnet", ("N3",), slug="barnet", contact_phone="020 8359 2000")
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    cook_user = f.user(
        Role.COOK,
        email="priya@example.org",
        first_name="Priya",
        phone="07700 900123",
        preferred_contact=ContactWay.SMS,
    )
    f.cook(area, user=cook_user, introduction="I make a good dal.")
    carer = f.user(Role.CARER, email="ruth@example.org", first_name="Ruth")
    database.session.commit()
    return {"area": area, "coordinator": coordinator, "cook": cook_user, "carer": carer}


def _context(browser, live_server):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server, viewport=PHONE_SIZE
    )
    context.set_default_timeout(10_000)
    return context


def _scan(browser, live_server, context, urls):
    """axe-core needs scripts: re-open the pages as the same person with JavaScript on."""
    scan = browser.new_context(
        base_url=live_server, storage_state=context.storage_state(), viewport=PHONE_SIZE
    )
    try:
        pg = scan.new_page()
        for url in urls:
            pg.goto(url)
            assert_accessible(pg)
    finally:
        scan.close()


def test_letter_to_a_diner_and_sms_to_a_cook_through_notify(
    browser, live_server, database, people, notify_server
):
    context = _context(browser, live_server)
    page = context.new_page()
    auth = PageAuth(page)

    # The carer signs up Edna, who would like letters.
    auth.login(people["carer"])
    page.goto("/profile/diners/new")
    page.get_by_label("First name").fill("Edna")
    page.get_by_label("Last name").fill("Smith")
    page.get_by_label("How do you know them?").fill("Daughter")
    page.get_by_label("Letter by post").check()
    page.get_by_label("Postcode").fill("N3 1AB")
    page.get_by_label("First line of the address").fill("7 Mill Lane, Finchley")
    page.get_by_label("Monday").check()
    page.get_by_label("They told me on the phone").check()
    page.get_by_label("They have agreed to join Casserole").check()
    page.get_by_role("button", name="Sign them up").click()
    expect(page.locator(".flash")).to_be_visible()
    diner = database.session.scalar(select(DinerProfile).where(DinerProfile.first_name == "Edna"))
    assert diner is not None and diner.preferred_contact == ContactWay.LETTER
    _scan(browser, live_server, context, ["/profile/diners/new"])
    auth.logout()

    # The coordinator pairs them; Priya, who prefers texts, is asked by SMS.
    pairing = pairings.propose_by_hand(
        people["coordinator"], people["cook"].cook_profile.id, diner.id
    )
    [sms] = notify_server.of_kind("sms")
    assert sms.payload["phone_number"] == "07700 900123"
    assert "Would you like to cook for Edna?" in sms.payload["personalisation"]["body"]

    # Priya says yes in the browser: Edna is told by letter, Ruth by e-mail, both via Notify.
    auth.login(people["cook"])
    page.goto(f"/pairings/{pairing.id}")
    page.get_by_role("button", name="Yes, I would like that").click()
    expect(page.locator(".flash")).to_be_visible()
    [letter] = notify_server.of_kind("letter")
    fields = letter.payload["personalisation"]
    assert [fields.get(f"address_line_{i}") for i in range(1, 5)] == [
        "Edna Smith",
        "7 Mill Lane",
        "Finchley",
        "N3 1AB",
    ]
    assert "Priya would like to cook for you" in fields["body"]
    [email] = notify_server.of_kind("email")
    assert email.payload["email_address"] == "ruth@example.org"
    auth.logout()

    # The coordinator finds the letter in the printable batch and marks it printed.
    auth.login(people["coordinator"])
    page.goto("/coordinator/barnet/letters")
    batch = page.locator("article.letter")
    expect(batch).to_have_count(1)
    expect(batch.locator("address")).to_contain_text("Edna Smith")
    expect(batch.locator("address")).to_contain_text("N3 1AB")
    expect(batch).to_contain_text("Priya would like to cook for you")
    _scan(browser, live_server, context, ["/coordinator/barnet/letters"])
    page.get_by_role("button", name="Mark 1 letter as printed").click()
    expect(page.get_by_text("Marked 1 letter as printed.")).to_be_visible()
    expect(page.locator("#no-letters")).to_be_visible()
    row = database.session.scalar(select(OutboundEmail).where(OutboundEmail.diner_id == diner.id))
    database.session.refresh(row)
    assert row.printed_at is not None and row.provider_ref == letter.id
    context.close()


def test_the_letter_prints_one_per_page_with_the_address_in_the_window(
    browser, live_server, database, people
):
    """Print media: each letter its own A4 page, the address 20 mm in and 50 mm down."""
    diner = f.diner(
        people["area"],
        carer=people["carer"],
        first_name="Edna",
        last_name="Smith",
        preferred_contact=ContactWay.LETTER,
    )
    other = f.diner(
        people["area"],
        carer=people["carer"],
        first_name="Stan",
        preferred_contact=ContactWay.LETTER,
    )
    for d in (diner, other):
        pairing = f.pairing(people["cook"].cook_profile, d)
        notifications.paused_by_coordinator(pairing)
    database.session.commit()
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    PageAuth(page).login(people["coordinator"])
    page.goto("/coordinator/barnet/letters")
    page.emulate_media(media="print")
    letters = page.locator("article.letter")
    expect(letters).to_have_count(2)
    expect(page.locator(".console-nav")).to_be_hidden()
    mm = 96 / 25.4
    first = letters.nth(0).bounding_box()
    address = letters.nth(0).locator("address").bounding_box()
    assert abs((address["x"] - first["x"]) / mm - 20) < 1
    assert abs((address["y"] - first["y"]) / mm - 50) < 1
    assert abs(first["height"] / mm - 297) < 1
    assert letters.nth(0).evaluate("e => getComputedStyle(e).breakAfter") == "page"
    context.close()
