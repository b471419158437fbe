"""Welsh and Bengali in a real browser: the switch, sign-up in Bengali, a remembered choice."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casserole.models import DinerProfile, OutboundEmail, Role, User
from tests.support import factories as f
from tests.support.browser import assert_accessible

pytestmark = pytest.mark.browser

PASSWORD = "plum crumble on tuesdays"


@pytest.fixture
def barnet(database):
    area = f.area("Barnet", outcodes=("N3", "N12"))
    database.session.commit()
    return area


def log_in(page, email: str) -> None:
    """The log-in form by field names, so it works whatever language the page is in."""
    page.goto("/auth/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/")


def test_a_carer_signs_up_a_diner_in_bengali_and_the_choice_persists(
    browser, live_server, database, barnet
):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="বাংলা").click()
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(page.get_by_role("heading", level=1)).to_have_text("ঘরে রান্না খাবার, প্রতিবেশীর সাথে ভাগ করে")

    page.goto("/join/carer")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "আপনি যাঁর দেখাশোনা করেন তাঁর নাম নথিভুক্ত করুন"
    )
    page.get_by_label("নামের প্রথম অংশ").fill("Rahima")
    page.get_by_label("পদবি").fill("Begum")
    page.get_by_label("ই-মেইল ঠিকানা").fill("rahima@example.org")
    page.get_by_label("একটি পাসওয়ার্ড বেছে নিন").fill(PASSWORD)
    page.get_by_role("button", name="এগিয়ে যান").click()
    page.wait_for_url("**/join/check-email")
    expect(page.get_by_text("আমরা rahima@example.org ঠিকানায় একটি বার্তা পাঠিয়েছি")).to_be_visible()

    # The message to finish joining is in the carer's language too.
    database.session.rollback()
    message = database.session.scalar(
        select(OutboundEmail).where(OutboundEmail.to_address == "rahima@example.org")
    )
    assert message.subject == "Casserole-এ যোগ দেওয়া শেষ করুন"
    assert "Casserole-এ যোগ দেওয়ার জন্য ধন্যবাদ" in message.text_body
    link = re.search(r"https?://\S+", message.text_body).group(0)
    page.goto("/" + link.split("/", 3)[3])
    page.get_by_role("button", name="যোগ দেওয়া শেষ করুন").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "আপনি যাঁর দেখাশোনা করেন তাঁর সম্পর্কে আমাদের জানান"
    )
    page.get_by_label("নামের প্রথম অংশ").fill("Abdul")
    page.get_by_label("আপনি তাঁকে কীভাবে চেনেন?").fill("বাবা")
    page.get_by_label("পোস্টকোড").fill("N3 1AB")
    page.get_by_label("ঠিকানার প্রথম লাইন").fill("3 Friern Park")
    page.get_by_role("group", name="যেসব দিনে খাবার পেলে ভালো হয়").get_by_label("সোমবার").check()
    page.get_by_role("group", name="যেসব দিনে খাবার পেলে ভালো হয়").get_by_label("বৃহস্পতিবার").check()
    page.get_by_label("তাঁরা সামনাসামনি আমাকে বলেছেন").check()
    page.get_by_label("তাঁরা Casserole-এ যোগ দিতে").check()
    page.get_by_role("button", name="তাঁর নাম নথিভুক্ত করুন").click()
    expect(page.get_by_text("Abdul-এর নাম নথিভুক্ত হয়েছে")).to_be_visible()

    database.session.rollback()
    carer = database.session.scalar(select(User).where(User.email == "rahima@example.org"))
    assert carer.locale == "bn"
    diner = database.session.scalar(select(DinerProfile).where(DinerProfile.carer_id == carer.id))
    assert diner.first_name == "Abdul" and diner.days_mask == 0b1001

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("নমস্কার, Rahima")
    page.get_by_role("button", name="লগ আউট").click()
    expect(page.get_by_text("আপনি লগ আউট করেছেন।")).to_be_visible()
    context.close()

    # A new browser with no cookie: the account remembers Bengali once she logs in.
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    log_in(page, "rahima@example.org")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(page.get_by_role("heading", level=1)).to_have_text("নমস্কার, Rahima")
    expect(page.get_by_text("আবার স্বাগতম, Rahima।")).to_be_visible()
    assert_accessible(page)
    page.goto("/profile/diners/new")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "আপনি যাঁর দেখাশোনা করেন তাঁর সম্পর্কে আমাদের জানান"
    )
    assert_accessible(page)
    context.close()


def test_a_cook_chooses_welsh_and_sees_dates_and_days_in_welsh(
    browser, live_server, database, barnet
):
    # Monday and Wednesday.
    cook = f.cook(
        barnet, user=f.user(Role.COOK, first_name="Gwen", password=PASSWORD), days_mask=0b101
    )
    database.session.commit()
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    log_in(page, cook.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Gwen")
    page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Helo, Gwen")
    expect(
        page.get_by_text(re.compile("Rydych chi'n coginio ar Dydd Llun a Dydd Mercher"))
    ).to_be_visible()
    assert_accessible(page)
    database.session.rollback()
    assert database.session.get(User, cook.user_id).locale == "cy"
    context.close()
