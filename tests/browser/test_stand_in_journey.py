"""A cook's break in a real browser: the diner side told, a stand-in approved, accepted and
cooking, the break over (time moved on by passing `today`), the regular pairing back; every
message read from a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casserole import clock
from casserole.models import Pairing, PairingStatus, Role
from casserole.services.pairings.breaks import apply_break_transitions
from tests.support import factories as f
from tests.support.browser import fill_date

pytestmark = pytest.mark.browser
P = PairingStatus


def _sent(smtp_server, since: int) -> list[tuple[str, str]]:
    return sorted((m["To"], m["Subject"]) for m in smtp_server.messages[since:])


def test_a_break_covered_by_a_stand_in_from_plan_to_resume(page, auth, database, smtp_server):
    db = database
    page.set_viewport_size({"width": 360, "height": 800})
    area = f.area()
    coordinator = f.user(Role.COORDINATOR, email="cora@barnet.example", first_name="Cora")
    coordinator.areas = [area]
    maya = f.cook(area, user=f.user(Role.COOK, email="maya@example.org", first_name="Maya"))
    f.cook(area, user=f.user(Role.COOK, email="ravi@example.org", first_name="Ravi"))
    carer = f.user(Role.CARER, email="sam@example.org", first_name="Sam")
    edna = f.diner(area, carer=carer, first_name="Edna")
    regular = f.pairing(maya, edna, P.ACTIVE, distance_km=0.4)
    db.session.commit()
    today = clock.today()
    last = today + timedelta(days=6)

    # Maya plans a week away, starting today.
    auth.login("maya@example.org")
    page.get_by_role("link", name="Take a break").click()
    expect(page.get_by_text("no stand-in cook is looked for").first).to_be_visible()
    fill_date(page, "First day of your break", today)
    fill_date(page, "Last day of your break (leave empty for no end date)", last)
    page.get_by_role("button", name="Plan the break").click()
    expect(page.get_by_text("Your break is planned")).to_be_visible()
    expect(page.get_by_text("You are on a break from")).to_be_visible()
    auth.logout()
    assert _sent(smtp_server, 0) == [("sam@example.org", "Maya is taking a break from cooking")]
    told = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert "paused for exactly those dates" in told and "stand-in" in told

    # Sam sees it on the home page; Maya's pairing is paused for the break.
    auth.login("sam@example.org")
    expect(page.get_by_text("Maya is on a break from")).to_be_visible()
    expect(page.get_by_text("We are looking for a stand-in cook.")).to_be_visible()
    page.goto(f"/pairings/{regular.id}")
    expect(page.locator("#status")).to_contain_text("paused for the cook's break until")
    expect(page.get_by_role("button", name="Restart meals")).to_have_count(0)
    auth.logout()

    # The coordinator approves the stand-in proposal.
    stand_in = db.session.scalar(select(Pairing).where(Pairing.covers_id == regular.id))
    sent = len(smtp_server.messages)
    auth.login("cora@barnet.example")
    page.goto(f"/coordinator/{area.slug}/proposals")
    expect(page.get_by_text("Stand-in", exact=True)).to_be_visible()
    page.goto(f"/pairings/{stand_in.id}")
    page.get_by_role("button", name="Approve and ask the cook").click()
    expect(page.get_by_text("Approved. We have asked the cook.")).to_be_visible()
    auth.logout()
    assert _sent(smtp_server, sent) == [("ravi@example.org", "Would you like to cook for Edna?")]

    # Both say yes, like any pairing.
    sent = len(smtp_server.messages)
    auth.login("ravi@example.org")
    page.goto(f"/pairings/{stand_in.id}")
    expect(page.locator("#status")).to_contain_text("A stand-in while Maya is on a break")
    page.get_by_role("button", name="Yes, I would like that").click()
    auth.logout()
    auth.login("sam@example.org")
    page.goto(f"/pairings/{stand_in.id}")
    page.get_by_role("button", name="Yes, I would like that").click()
    expect(page.locator("#status")).to_contain_text("Meals are being shared.")
    page.goto("/")
    expect(page.get_by_text("Ravi is the stand-in cook.")).to_be_visible()
    auth.logout()
    assert _sent(smtp_server, sent) == [
        ("ravi@example.org", "You are now cooking for Edna"),
        ("sam@example.org", "Ravi is now Edna's cook"),
        ("sam@example.org", "Ravi would like to cook for Edna"),
    ]

    # Ravi cooks during the break.
    auth.login("ravi@example.org")
    page.goto(f"/pairings/{stand_in.id}")
    page.get_by_role("link", name="Log a meal").click()
    fill_date(page, "Date of the meal", today)
    page.get_by_label("What did you cook?").fill("Shepherd's pie")
    page.get_by_role("button", name="Log the meal").click()
    expect(page.get_by_text("Meal logged. Thank you!")).to_be_visible()
    auth.logout()

    # The day after the last day: the daily job ends the stand-in and restarts Maya's meals.
    sent = len(smtp_server.messages)
    db.session.expire_all()  # the job runs in its own process; here, forget what the pages did
    run = apply_break_transitions(today=last + timedelta(days=1))
    assert (run.breaks_ended, run.resumed, run.stand_ins_ended) == (1, 1, 1)
    assert _sent(smtp_server, sent) == [
        ("maya@example.org", "Meals with Maya and Edna start again"),
        ("ravi@example.org", "Thank you for standing in for Edna"),
        ("sam@example.org", "Meals with Maya and Edna start again"),
    ]
    auth.login("sam@example.org")
    page.goto(f"/pairings/{regular.id}")
    expect(page.locator("#status")).to_have_text("Meals are being shared.")
    page.goto("/")
    expect(page.get_by_text("Edna's cook is Maya")).to_be_visible()
    expect(page.get_by_text("Ravi is the stand-in cook.")).to_have_count(0)
    auth.logout()

    # The figures count Ravi's meal as covered by a stand-in, and no break left uncovered.
    auth.login("cora@barnet.example")
    page.goto(f"/coordinator/{area.slug}/figures")
    expect(page.locator("#stand-in-meals")).to_have_text("1")
    expect(page.locator("#breaks-uncovered")).to_have_text("0")
