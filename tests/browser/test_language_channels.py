"""Issue 15, languages and channels together, through the local GOV.UK Notify server.

A carer switches the site to Bengali (no JavaScript) and signs up a diner who prefers letters;
the proposal's letter reaches the diner in Bengali and sits in the coordinator's printable batch.
A Welsh-speaking cook who prefers texts gets the meal-day reminder by SMS, in Welsh, with the
diner's allergens.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casserole.models import ContactWay, DinerProfile, OutboundEmail, Role, User
from casserole.models.vocab import allergens_to_mask
from casserole.services import pairings
from casserole.services.pairings.reminders import send_meal_day_reminders
from tests.support import factories as f
from tests.support.auth import PageAuth
from tests.support.browser import assert_accessible

pytestmark = pytest.mark.browser

PHONE_SIZE = {"width": 360, "height": 740}


@pytest.fixture
def barnet(database):
    area = f.area("Barnet", ("N3",), slug="barnet", contact_phone="020 8359 2000")
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    database.session.commit()
    return {"area": area, "coordinator": coordinator}


def _context(browser, live_server, **kw):
    context = browser.new_context(base_url=live_server, viewport=PHONE_SIZE, **kw)
    context.set_default_timeout(10_000)
    return context


def test_a_bengali_carer_signs_up_a_letter_diner_who_gets_the_proposal_by_letter_in_bengali(
    browser, live_server, database, barnet, notify_server
):
    cook = f.user(
        Role.COOK,
        email="priya@example.org",
        first_name="Priya",
        phone="07700 900123",
        preferred_contact=ContactWay.SMS,
    )
    f.cook(barnet["area"], user=cook, introduction="I make a good dal.")
    carer = f.user(Role.CARER, email="rahima@example.org", first_name="Rahima")
    database.session.commit()

    context = _context(browser, live_server, java_script_enabled=False)
    page = context.new_page()
    auth = PageAuth(page)

    # Rahima switches to Bengali with the language switch (a form, so no JavaScript needed).
    auth.login(carer)
    page.get_by_role("button", name="বাংলা").click()
    expect(page.locator("html")).to_have_attribute("lang", "bn")

    # She signs up Abdul, who would like letters, on the Bengali form.
    page.goto("/profile/diners/new")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "আপনি যাঁর দেখাশোনা করেন তাঁর সম্পর্কে আমাদের জানান"
    )
    page.get_by_label("নামের প্রথম অংশ").fill("Abdul")
    page.get_by_label("পদবি").fill("Miah")
    page.get_by_label("আপনি তাঁকে কীভাবে চেনেন?").fill("বাবা")
    page.get_by_label("ডাকে চিঠি").check()
    page.get_by_label("পোস্টকোড").fill("N3 1AB")
    page.get_by_label("ঠিকানার প্রথম লাইন").fill("3 Friern Park, Finchley")
    page.get_by_role("group", name="যেসব দিনে খাবার পেলে ভালো হয়").get_by_label("সোমবার").check()
    page.get_by_label("তাঁরা ফোনে আমাকে বলেছেন").check()
    page.get_by_label("তাঁরা Casserole-এ যোগ দিতে").check()
    page.get_by_role("button", name="তাঁর নাম নথিভুক্ত করুন").click()
    expect(page.get_by_text("Abdul-এর নাম নথিভুক্ত হয়েছে")).to_be_visible()
    database.session.rollback()
    assert database.session.get(User, carer.id).locale == "bn"
    diner = database.session.scalar(select(DinerProfile).where(DinerProfile.first_name == "Abdul"))
    assert diner is not None and diner.preferred_contact == ContactWay.LETTER
    assert diner.carer_id == carer.id
    context.close()

    # The coordinator proposes Priya; she says yes; Abdul is told by letter through Notify.
    pairing = pairings.propose_by_hand(barnet["coordinator"], cook.cook_profile.id, diner.id)
    assert notify_server.of_kind("letter") == []
    context = _context(browser, live_server, java_script_enabled=False)
    page = context.new_page()
    auth = PageAuth(page)
    auth.login(cook)
    page.goto(f"/pairings/{pairing.id}")
    page.get_by_role("button", name="Yes, I would like that").click()
    expect(page.locator(".flash")).to_be_visible()
    [letter] = notify_server.of_kind("letter")
    fields = letter.payload["personalisation"]
    assert [fields.get(f"address_line_{i}") for i in range(1, 5)] == [
        "Abdul Miah",
        "3 Friern Park",
        "Finchley",
        "N3 1AB",
    ]
    # Catalog sentences (casserole/translations/bn), as the letter template renders them.
    body = fields["body"]
    assert "প্রিয় Abdul," in body
    assert "Priya আপনার জন্য রান্না করতে চান।" in body
    assert "আপনি এটি চান কিনা জানতে আপনার সমন্বয়কারী আপনাকে ফোন করবেন।" in body
    assert "would like to cook for you" not in body
    auth.logout()

    # The same letter, in Bengali, is in the coordinator's printable batch.
    auth.login(barnet["coordinator"])
    page.goto("/coordinator/barnet/letters")
    batch = page.locator("article.letter")
    expect(batch).to_have_count(1)
    expect(batch.locator("address")).to_contain_text("Abdul Miah")
    expect(batch.locator("address")).to_contain_text("N3 1AB")
    expect(batch).to_contain_text("Priya আপনার জন্য রান্না করতে চান।")
    row = database.session.scalar(select(OutboundEmail).where(OutboundEmail.diner_id == diner.id))
    assert row.channel == ContactWay.LETTER and row.provider_ref == letter.id
    context.close()

    # axe needs scripts: the Bengali form and the batch, scanned with JavaScript on.
    scan = _context(browser, live_server)
    pg = scan.new_page()
    PageAuth(pg).login(barnet["coordinator"])
    pg.goto("/coordinator/barnet/letters")
    assert_accessible(pg)
    PageAuth(pg).logout()
    PageAuth(pg).login(carer)
    pg.goto("/profile/diners/new")
    expect(pg.locator("html")).to_have_attribute("lang", "bn")
    assert_accessible(pg)
    scan.close()


def test_a_welsh_cook_who_prefers_texts_gets_the_meal_day_reminder_by_sms_in_welsh(
    database, barnet, notify_server
):
    gwen = f.user(
        Role.COOK,
        first_name="Gwen",
        phone="07700 900456",
        preferred_contact=ContactWay.SMS,
        locale="cy",
    )
    # Gwen cooks on Mondays; Edna eats on Mondays and must never have peanuts or milk.
    cook = f.cook(barnet["area"], user=gwen, days_mask=0b1)
    diner = f.diner(
        barnet["area"],
        first_name="Edna",
        days_mask=0b1,
        allergen_mask=allergens_to_mask({"peanuts", "milk"}),
    )
    f.pairing(cook, diner)
    database.session.commit()

    sunday = date(2026, 12, 6)
    assert (sunday + timedelta(days=1)).weekday() == 0
    assert send_meal_day_reminders(today=sunday) == 1
    [sms] = notify_server.of_kind("sms")
    assert sms.payload["phone_number"] == "07700 900456"
    text = sms.payload["personalisation"]["body"]
    # Catalog sentences (casserole/translations/cy), with the allergens in Welsh.
    assert "Yfory yw diwrnod pryd Edna" in text
    assert "Alergeddau a phethau i'w cadw allan o'r pryd:" in text
    assert "Ag alergedd i llaeth" in text
    assert "Ag alergedd i cnau mwnci" in text
    # A rerun the same day sends nothing twice.
    assert send_meal_day_reminders(today=sunday) == 0
    assert len(notify_server.of_kind("sms")) == 1
