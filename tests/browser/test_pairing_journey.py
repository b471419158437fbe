"""A whole pairing in a real browser: proposal, approval, both yeses, meals, feedback, pause, end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casserole.models import Pairing, PairingPause, PairingStatus, Role, utcnow
from tests import factories as f

pytestmark = pytest.mark.browser


def log_in(page, email):
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/")


def open_pairing(page, name):
    page.goto("/pairings/")
    page.get_by_role("link", name=name).first.click()


def test_a_pairing_from_proposal_to_its_end(page, database):
    db = database
    area = f.area()
    coordinator = f.user(Role.COORDINATOR, email="cora@barnet.example", first_name="Cora")
    coordinator.areas = [area]
    f.cook(
        area,
        user=f.user(Role.COOK, email="maya@example.org", first_name="Maya"),
        introduction="I cook a lot of soups.",
    )
    carer = f.user(Role.CARER, email="sam@example.org", first_name="Sam")
    f.diner(
        area,
        carer=carer,
        first_name="Edna",
        address_line="4 Elm Road",
        access_notes="Key safe 1234",
    )
    db.session.commit()

    # Proposal from the matcher, then approval.
    log_in(page, "cora@barnet.example")
    page.goto("/pairings/")
    page.get_by_role("button", name="Find matches in Barnet").click()
    assert page.get_by_text("The matcher proposed 1 new pair.").is_visible()
    page.get_by_role("link", name="Pairing").first.click()
    page.get_by_role("button", name="Approve and ask the cook").click()
    assert page.get_by_text("Approved. We have asked the cook.").is_visible()
    log_out(page)

    # The cook says yes, without seeing the address yet.
    log_in(page, "maya@example.org")
    open_pairing(page, "Edna")
    assert "4 Elm Road" not in page.content()
    page.get_by_role("button", name="Yes, I would like that").click()
    log_out(page)

    # The carer says yes: the pairing starts.
    log_in(page, "sam@example.org")
    open_pairing(page, "Maya, Edna's cook")
    assert page.get_by_text("I cook a lot of soups.").is_visible()
    page.get_by_role("button", name="Yes, I would like that").click()
    assert page.get_by_text("Meals are being shared.").is_visible()
    log_out(page)

    # Forty days pass (the start is moved back rather than waiting).
    pairing = db.session.scalar(select(Pairing))
    assert pairing.status == PairingStatus.ACTIVE
    pairing.started_at = utcnow() - timedelta(days=40)
    db.session.commit()

    log_in(page, "maya@example.org")
    open_pairing(page, "Edna")
    assert page.get_by_text("Key safe 1234").is_visible()
    for days_ago, dish in ((35, "Leek and potato soup"), (28, "Fish pie"), (21, "Lentil soup")):
        page.get_by_role("link", name="Log a meal").click()
        page.get_by_label("Date of the meal").fill(
            (date.today() - timedelta(days=days_ago)).isoformat()
        )
        page.get_by_label("What did you cook?").fill(dish)
        page.get_by_label("Allergens in it (optional)").fill("celery")
        page.get_by_role("button", name="Log the meal").click()
        assert page.get_by_text("Meal logged. Thank you!").is_visible()
    assert page.locator("#meal-count").inner_text() == "3"
    assert page.locator("#interval").inner_text() == "7.0 days"
    # Three weeks since the last meal, twice the usual week: the page says so.
    assert page.get_by_text("No meal has been logged for 21 days").is_visible()
    page.get_by_role("link", name="Pause meals for a while").click()
    page.get_by_label("What is happening? (optional)").fill("Edna is in hospital")
    page.get_by_role("button", name="Pause meals").click()
    assert page.get_by_text("Meals are paused for now.").is_visible()
    log_out(page)

    # The pause began two weeks ago, in the story.
    pause = db.session.scalar(select(PairingPause))
    pause.started_at = utcnow() - timedelta(days=14)
    db.session.commit()

    log_in(page, "sam@example.org")
    open_pairing(page, "Maya, Edna's cook")
    page.get_by_role("button", name="Confirm it arrived").first.click()
    assert page.get_by_text("Thank you for confirming the meal.").is_visible()
    page.get_by_role("link", name="Tell us how it is going").click()
    page.get_by_label("5: Very well").check()
    page.get_by_label("Anything you would like to tell us? (optional)").fill(
        "Edna loves the soups."
    )
    page.get_by_role("button", name="Send").click()
    assert page.get_by_text("Thank you for telling us how it is going.").is_visible()
    page.get_by_role("button", name="Restart meals").click()
    assert page.get_by_text("Meals have restarted.").is_visible()
    page.get_by_role("link", name="End this pairing").click()
    assert page.get_by_role("link", name="Tell the coordinator what is wrong").is_visible()
    page.get_by_label("Moved away").check()
    page.get_by_role("button", name="End the pairing").click()
    assert page.get_by_text("The pairing has ended.").first.is_visible()

    assert page.locator("#duration").inner_text() == "40 days"
    assert page.locator("#paused").inner_text() == "14 days"
    assert page.locator("#meal-count").inner_text() == "3"
    db.session.expire_all()
    pairing = db.session.scalar(select(Pairing))
    assert pairing.status == PairingStatus.ENDED and len(pairing.meals) == 3
    assert sum(1 for m in pairing.meals if m.confirmed_at) == 1
