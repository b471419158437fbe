"""A whole pairing in a real browser: proposal, approval, both yeses, meals, feedback, pause, end."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casserole import clock
from casserole.models import Pairing, PairingPause, PairingStatus, Role, utcnow
from tests.support import factories as f
from tests.support.browser import fill_date

pytestmark = pytest.mark.browser


def open_pairing(page, name):
    page.goto("/pairings/")
    page.get_by_role("link", name=name).first.click()
    # Wait for the pairing's own page, so what follows reads it and not the list.
    page.wait_for_url(re.compile(r"/pairings/\d+$"))


def test_a_pairing_from_proposal_to_its_end(page, auth, database):
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
    auth.login("cora@barnet.example")
    page.goto("/pairings/")
    page.get_by_role("button", name="Find matches in Barnet").click()
    # The console's matching job, its progress page showing what it did.
    page.wait_for_url(re.compile(r"/coordinator/barnet/jobs/\d+$"))
    expect(page.get_by_text("The matcher proposed 1 new pair.")).to_be_visible()
    page.goto("/pairings/")
    page.get_by_role("link", name="Pairing").first.click()
    page.get_by_role("button", name="Approve and ask the cook").click()
    expect(page.get_by_text("Approved. We have asked the cook.")).to_be_visible()
    auth.logout()

    # The cook says yes, without seeing the address yet.
    auth.login("maya@example.org")
    open_pairing(page, "Edna")
    expect(page.locator("main")).not_to_contain_text("4 Elm Road")
    page.get_by_role("button", name="Yes, I would like that").click()
    auth.logout()

    # The carer says yes: the pairing starts.
    auth.login("sam@example.org")
    open_pairing(page, "Maya, Edna's cook")
    expect(page.get_by_text("I cook a lot of soups.")).to_be_visible()
    page.get_by_role("button", name="Yes, I would like that").click()
    expect(page.get_by_text("Meals are being shared.")).to_be_visible()
    auth.logout()

    # Forty days pass (the start is moved back rather than waiting).
    pairing = db.session.scalar(select(Pairing))
    assert pairing.status == PairingStatus.ACTIVE
    pairing.started_at = utcnow() - timedelta(days=40)
    db.session.commit()

    auth.login("maya@example.org")
    open_pairing(page, "Edna")
    expect(page.get_by_text("Key safe 1234")).to_be_visible()
    for days_ago, dish in ((35, "Leek and potato soup"), (28, "Fish pie"), (21, "Lentil soup")):
        page.get_by_role("link", name="Log a meal").click()
        fill_date(page, "Date of the meal", clock.today() - timedelta(days=days_ago))
        page.get_by_label("What did you cook?").fill(dish)
        page.get_by_label("Celery", exact=True).check()
        page.get_by_role("button", name="Log the meal").click()
        expect(page.get_by_text("Meal logged. Thank you!")).to_be_visible()
    expect(page.locator("#meal-count")).to_have_text("3")
    expect(page.locator("#interval")).to_have_text("7.0 days")
    # Three weeks since the last meal, twice the usual week: the page says so.
    expect(page.get_by_text("No meal has been logged for 21 days")).to_be_visible()
    page.get_by_role("link", name="Pause meals for a while").click()
    page.get_by_label("What is happening? (optional)").fill("Edna is in hospital")
    page.get_by_role("button", name="Pause meals").click()
    expect(page.get_by_text("Meals are paused for now.")).to_be_visible()
    auth.logout()

    # The pause began two weeks ago, in the story.
    pause = db.session.scalar(select(PairingPause))
    pause.started_at = utcnow() - timedelta(days=14)
    db.session.commit()

    auth.login("sam@example.org")
    open_pairing(page, "Maya, Edna's cook")
    page.get_by_role("button", name="Confirm it arrived").first.click()
    expect(page.get_by_text("Thank you for confirming the meal.")).to_be_visible()
    page.get_by_role("link", name="Tell us how it is going").click()
    page.get_by_label("5: Very well").check()
    page.get_by_label("Anything you would like to tell us? (optional)").fill(
        "Edna loves the soups."
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you for telling us how it is going.")).to_be_visible()
    page.get_by_role("button", name="Restart meals").click()
    expect(page.get_by_text("Meals have restarted.")).to_be_visible()
    page.get_by_role("link", name="End this pairing").click()
    expect(page.get_by_role("link", name="Tell the coordinator what is wrong")).to_be_visible()
    page.get_by_label("Moved away").check()
    page.get_by_role("button", name="End the pairing").click()
    expect(page.get_by_text("The pairing has ended.").first).to_be_visible()

    expect(page.locator("#duration")).to_have_text("40 days")
    expect(page.locator("#paused")).to_have_text("14 days")
    expect(page.locator("#meal-count")).to_have_text("3")
    db.session.expire_all()
    pairing = db.session.scalar(select(Pairing))
    assert pairing.status == PairingStatus.ENDED and len(pairing.meals) == 3
    assert sum(1 for m in pairing.meals if m.confirmed_at) == 1
