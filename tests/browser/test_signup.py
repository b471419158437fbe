"""Sign-up journeys in a real browser: a cook, a carer with two diners, a diner, the waiting list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casserole.models import DinerProfile, OutboundEmail, User, WaitingListEntry
from tests.support import factories as f
from tests.support.browser import ARTIFACTS, assert_accessible

pytestmark = pytest.mark.browser

PASSWORD = "plum crumble on tuesdays"


@pytest.fixture
def barnet(database):
    area = f.area("Barnet", outcodes=("N3", "N12"))
    database.session.commit()
    return area


def snapshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def finish_joining(page, database, email):
    """Open the link e-mailed to `email` and press "Finish joining", as the person would."""
    page.wait_for_url("**/join/check-email")
    expect(page.get_by_text(f"We have sent a message to {email}")).to_be_visible()
    database.session.rollback()  # see what the server wrote
    body = database.session.scalar(
        select(OutboundEmail.text_body).where(
            OutboundEmail.to_address == email, OutboundEmail.kind == "signup_finish"
        )
    )
    page.goto("/" + re.search(r"https?://\S+", body).group(0).split("/", 3)[3])
    page.get_by_role("button", name="Finish joining").click()


def fill_account(page, first, last, email, phone=""):
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Choose a password").fill(PASSWORD)
    if phone:
        page.get_by_label("Phone number (optional)").fill(phone)


def fill_diner_home(page, postcode, days=("Monday",), needs=()):
    page.get_by_label("Postcode").fill(postcode)
    page.get_by_label("First line of the address").fill("3 Friern Park")
    for day in days:
        page.get_by_role("group", name="Days a meal would be welcome").get_by_label(day).check()
    for need in needs:
        page.get_by_role("group", name="Every meal must be").get_by_label(need).check()
    page.get_by_role("group", name="Allergic to").get_by_label("Peanuts").check()
    page.get_by_label("Any other allergy or intolerance").fill("Kiwi fruit")
    page.get_by_label("Getting in: access and mobility").fill("Knock loudly, door takes a while.")


def test_cook_signs_up_fills_in_their_cooking_and_reaches_the_vetting_page(page, database, barnet):
    page.goto("/join/")
    page.get_by_role("link", name="I would like to cook").click()
    # A mistake first: the form says what is wrong, next to the field and at the top.
    fill_account(page, "Zoë", "Brontë", "zoe@example.org", "020 7946 0123")
    page.get_by_label("Your postcode").fill("N99 9ZZ")
    page.get_by_label("First line of your address").fill("12 Ballards Lane")
    page.get_by_role("button", name="Join as a cook").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("We could not find the postcode N99 9ZZ.")).to_be_visible()
    assert_accessible(page)
    snapshot(page, "signup-cook-error")
    page.get_by_label("Choose a password").fill(PASSWORD)  # passwords are not sent back
    page.get_by_label("Your postcode").fill("N3 1AB")
    page.get_by_role("button", name="Join as a cook").click()
    finish_joining(page, database, "zoe@example.org")
    page.wait_for_url("**/profile/cook")
    expect(page.get_by_text("Welcome to Casserole!")).to_be_visible()
    page.get_by_role("group", name="Days you can cook").get_by_label("Tuesday").check()
    page.get_by_role("group", name="Days you can cook").get_by_label("Friday").check()
    page.get_by_label("Times that suit you").fill("After 5pm")
    page.get_by_role("group", name="You can cook meals that are").get_by_label("Halal").check()
    page.get_by_label("How many neighbours can you cook for?").fill("2")
    page.get_by_label("How far will you walk or drive? (miles)").fill("1.5")
    page.get_by_label("A short introduction for your neighbour").fill(
        "Dal and rice 🍲, every week."
    )
    snapshot(page, "profile-cook")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/profile/cook/checks")
    snapshot(page, "profile-cook-checks")
    expect(page.get_by_role("heading", name="Your checks")).to_be_visible()
    expect(page.get_by_text("Your checks are not complete yet")).to_be_visible()
    expect(page.get_by_role("cell", name="Not done yet")).to_have_count(3)
    expect(page.get_by_text("Show your coordinator a passport")).to_be_visible()
    user = database.session.scalar(select(User).where(User.email == "zoe@example.org"))
    assert user.cook_profile.capacity == 2 and user.cook_profile.days == {1, 4}


def test_carer_signs_up_two_diners_each_with_their_own_pages(page, database, barnet):
    page.goto("/join/carer")
    fill_account(page, "Siobhán", "Kelly", "siobhan@example.org")
    page.get_by_role("button", name="Continue").click()
    finish_joining(page, database, "siobhan@example.org")
    page.wait_for_url("**/profile/diners/new")
    for first, how in (
        ("Patrick", "They told me in person"),
        ("李华", "They told me on the phone"),
    ):
        if first != "Patrick":
            page.goto("/")
            page.get_by_role("link", name="Sign up someone else you look after").click()
        page.get_by_label("First name").fill(first)
        page.get_by_label("How do you know them?").fill("Daughter")
        fill_diner_home(page, "N12 0AA", days=("Tuesday", "Thursday"), needs=("Soft / pureed",))
        page.get_by_label(how).check()
        page.get_by_label("They have agreed to join Casserole").check()
        page.get_by_role("button", name="Sign them up").click()
        expect(page.get_by_text(f"{first} is signed up.")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("link", name="李华's details")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Switch to"))).to_have_count(0)
    snapshot(page, "carer-dashboard")
    page.get_by_role("link", name="Patrick's details").click()
    expect(page.get_by_role("heading", name=re.compile("Patrick.*'s details"))).to_be_visible()
    expect(page.get_by_label("Getting in: access and mobility")).to_have_value(
        "Knock loudly, door takes a while."
    )
    diners = database.session.scalars(select(DinerProfile).order_by(DinerProfile.id)).all()
    assert [d.first_name for d in diners] == ["Patrick", "李华"]
    assert {d.carer.email for d in diners} == {"siobhan@example.org"}


def test_diner_signs_up_themselves(page, database, barnet):
    page.goto("/join/")
    page.get_by_role("link", name="I would like home-cooked meals").click()
    fill_account(page, "Łukasz", "Nowak", "lukasz@example.org")
    fill_diner_home(page, "N3 1AB", days=("Wednesday",))
    page.get_by_role("button", name="Sign me up").click()
    expect(page.get_by_role("alert")
        .get_by_text("Please agree so that we can find you a cook.")
        ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("I agree to Casserole keeping these details").check()
    page.get_by_role("button", name="Sign me up").click()
    finish_joining(page, database, "lukasz@example.org")
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    expect(page.locator("#allergy-summary")).to_contain_text(
        "Allergic to peanuts. Also: Kiwi fruit."
    )
    diner = database.session.scalar(select(DinerProfile))
    assert diner.user.email == "lukasz@example.org" and diner.days == {2}


def test_a_postcode_outside_every_area_reaches_the_waiting_list(page, database, barnet):
    page.goto("/join/cook")
    fill_account(page, "Siobhán", "Byrne", "siobhan@example.org")
    page.get_by_label("Your postcode").fill("N1 9GU")
    page.get_by_label("First line of your address").fill("1 Caledonian Road")
    page.get_by_role("button", name="Join as a cook").click()
    page.wait_for_url("**/join/waiting-list")
    expect(page.get_by_role("heading", name="We do not run in N1 yet")).to_be_visible()
    snapshot(page, "signup-waiting-list")
    expect(page.get_by_text("The nearest area where Casserole runs now is Barnet")).to_be_visible()
    entry = database.session.scalar(select(WaitingListEntry))
    assert entry.outcode == "N1" and entry.nearest_area_id == barnet.id
    assert database.session.scalar(select(User)) is None
