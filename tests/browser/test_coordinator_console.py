"""A coordinator's morning in a real browser: vet a cook, run matching, approve, read figures and map."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from casserole import clock
from casserole.models import CheckKind, MealShare, PairingStatus, Role, VettingCheck
from casserole.services import matching_runs
from tests.support import factories as f
from tests.support.auth import PageAuth
from tests.support.browser import ARTIFACTS, assert_accessible, fill_date

pytestmark = pytest.mark.browser

TODAY = clock.today()


@pytest.fixture
def barnet(database):
    """Barnet with a new cook (no checks yet), a waiting diner near her, and a year of history."""
    matching_runs.forget_reasons()
    area = f.area("Barnet", ("N3", "N12"))
    coordinator = f.user(Role.COORDINATOR, email="co@example.org", first_name="Cora")
    coordinator.areas = [area]
    nina = f.cook(
        area,
        vetted=False,
        capacity=2,
        days_mask=0b0011111,
        user=f.user(Role.COOK, first_name="Nina", last_name="Newcook", email="nina@example.org"),
    )
    f.diner(area, first_name="Walter", last_name="Waiting", days_mask=0b0000100)
    veteran = f.cook(area, capacity=1, user=f.user(Role.COOK, first_name="Vera", last_name="Vet"))
    now = clock.now()
    p = f.pairing(
        veteran,
        f.diner(area, first_name="Olive", birth_date=date(1933, 3, 3)),
        started_at=now - timedelta(days=200),
        distance_km=1.2,
    )
    for k in range(18):
        p.meals.append(MealShare(shared_on=TODAY - timedelta(days=3 + 10 * k), dish="Pie"))
    f.pairing(
        veteran,
        f.diner(area, first_name="Ernest", days_mask=0b1000000),
        PairingStatus.ENDED,
        started_at=now - timedelta(days=400),
        ended_at=now - timedelta(days=250),
        distance_km=0.6,
    )
    database.session.commit()
    yield {"area": area, "nina": nina}
    matching_runs.forget_reasons()


def _months_touched(months):
    """Calendar months touched by the last `months` months up to today (by hand, not the app)."""
    today = clock.today()
    back = today.year * 12 + today.month - 1 - months
    year, month = divmod(back, 12)
    last_day = (date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - timedelta(days=1)).day
    start = date(year, month + 1, min(today.day, last_day)) + timedelta(days=1)
    return (today.year - start.year) * 12 + today.month - start.month + 1


def _record(page, kind_label, checked, expires=None, reference=""):
    page.get_by_label("Which check").select_option(label=kind_label)
    fill_date(page, "Date of the check", checked)
    fill_date(page, "Expiry date", expires)
    page.get_by_label("Reference (certificate or document number)").fill(reference)
    page.get_by_role("button", name="Record the check").click()


def test_a_coordinator_vets_matches_approves_and_reads_the_figures(page, auth, barnet, database):
    auth.login("co@example.org")
    # A coordinator lands on the console, straight into their only area.
    page.wait_for_url("**/coordinator/barnet/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Barnet")

    # Vetting: Nina has no checks; record all three, with one mistake on the way.
    page.get_by_role("navigation", name="Coordinator console").get_by_role(
        "link", name="Vetting"
    ).click()
    expect(page.get_by_role("row", name="Nina Newcook").get_by_text("Missing")).to_have_count(3)
    page.get_by_role("link", name="Nina Newcook").click()
    _record(page, "DBS check", TODAY - timedelta(days=2))  # no expiry: explained
    alert = page.get_by_role("alert")
    expect(alert.get_by_text("Enter when the DBS check expires")).to_be_visible()
    assert_accessible(page)
    _record(page, "DBS check", TODAY - timedelta(days=2), TODAY + timedelta(days=1000), "D-77")
    expect(page.get_by_text("DBS check recorded.")).to_be_visible()
    _record(page, "Proof of identity", TODAY - timedelta(days=2))
    _record(
        page, "Food hygiene certificate", TODAY - timedelta(days=30), TODAY + timedelta(days=20)
    )
    expect(page.get_by_text("All checks are in date")).to_be_visible()
    expect(page.get_by_text("Expires soon")).to_be_visible()  # flagged: within 30 days

    # Waiting list: Walter waits, with the matcher's reason.
    page.get_by_role("link", name="Waiting list").click()
    walter = page.get_by_role("row", name="Walter Waiting")
    expect(walter.get_by_text("A cook is free: run matching")).to_be_visible()

    # Matching: run it, review the proposal, approve it.
    page.get_by_role("link", name="Matching").click()
    page.get_by_role("button", name="Run matching for Barnet").click()
    expect(page.get_by_text("The matcher proposed 1 new pair.")).to_be_visible()
    row = page.get_by_role("row", name="Nina Newcook")
    expect(row.get_by_text("Wednesday")).to_be_visible()
    expect(row.get_by_text("mile")).to_be_visible()
    page.get_by_label("Approve Nina Newcook for Walter Waiting").check()
    page.get_by_role("button", name="Approve the ticked proposals").click()
    expect(page.get_by_text("Approved 1 proposal.")).to_be_visible()
    expect(page.get_by_text("No proposals are waiting.")).to_be_visible()

    # Pairings monitor.
    page.get_by_role("link", name="Pairings", exact=True).click()
    olive = page.get_by_role("row", name="Vera Vet and Olive")
    expect(olive.get_by_role("link", name="Vera Vet")).to_be_visible()
    expect(olive.get_by_role("link", name=re.compile(r"^Pairing \d+$"))).to_be_visible()

    # Figures: numbers, the retention curve and meals per month, each with a table.
    page.get_by_role("link", name="Figures").click()
    expect(page.get_by_role("heading", name="Figures for Barnet")).to_be_visible()
    expect(page.locator("svg path.km-line")).to_have_count(1)
    # The last twelve months run from the day after this day a year ago: one bar for each
    # calendar month they touch (13 unless today is a month's last day).
    expect(page.locator("svg rect.bar")).to_have_count(_months_touched(12))
    expect(page.get_by_role("table", name="Meals shared each month")).to_be_visible()
    expect(page.get_by_text("Median pairing length")).to_be_visible()
    method = page.get_by_text("We use the Kaplan–Meier method")
    expect(method).to_be_hidden()  # behind "How this is worked out", no script needed
    page.get_by_text("How this is worked out").click()
    expect(method).to_be_visible()
    page.get_by_label("Period").select_option(label="Last 3 months")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator("svg rect.bar")).to_have_count(_months_touched(3))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "coordinator-figures.png"), full_page=True)

    # Map: the points arrive from the JSON endpoint and are drawn without any tile server.
    page.get_by_role("link", name="Map").click()
    box = page.locator("#console-map.map-ready")
    box.wait_for()
    expect(box).to_have_attribute("data-cooks", "2")
    expect(box).to_have_attribute("data-diners", "3")
    expect(box).to_have_attribute("data-pairings", "1")
    expect(page.locator("#console-map canvas").first).to_be_attached()
    expect(
        page.get_by_role("table", name="Cooks, diners and pairings in each postcode district")
    ).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "coordinator-map.png"), full_page=True)


def test_the_map_list_works_without_javascript(browser, live_server, barnet):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        PageAuth(page).login("co@example.org")
        page.goto("/coordinator/barnet/map")
        expect(page.get_by_text("The map needs JavaScript")).to_be_visible()
        n3 = page.get_by_role("row", name="N3")
        expect(n3.get_by_role("cell").nth(0)).to_have_text("2")  # cooks
        expect(n3.get_by_role("cell").nth(1)).to_have_text("3")  # diners
    finally:
        context.close()


def test_vetting_lapse_is_visible_in_the_queue(page, auth, barnet, database):
    nina = barnet["nina"]
    for kind in CheckKind:
        nina.checks.append(
            VettingCheck(
                kind=kind,
                checked_on=TODAY - timedelta(days=800),
                expires_on=TODAY - timedelta(days=1) if kind == CheckKind.DBS else None,
            )
        )
    database.session.commit()
    auth.login("co@example.org")
    page.goto("/coordinator/barnet/vetting")
    row = page.get_by_role("row", name="Nina Newcook")
    expect(row.get_by_text("Expired")).to_be_visible()
    expect(row.get_by_text("No: new proposals are on hold")).to_be_visible()


def test_a_coordinator_finds_a_diner_and_pairs_them_by_hand(page, auth, barnet, database):
    auth.login("co@example.org")
    page.wait_for_url("**/coordinator/barnet/")
    # One search box on every console page, a plain GET form.
    page.get_by_label("Find a person").fill("walter")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Diners (1)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Walter Waiting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Walter Waiting")
    expect(page.get_by_text("Waiting for a cook for")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Pair Walter Waiting by hand").click()
    # Nina has no checks yet and Vera is full: both near, both with why; nobody feasible.
    expect(page.get_by_text("No cook within the rules has room")).to_be_visible()
    expect(page.get_by_text("checks not all current")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Nina Newcook")).check()
    page.get_by_role("button", name="Propose outside the rules").click()
    expect(page.get_by_role("alert")).to_be_visible()  # a reason is needed
    page.get_by_label(re.compile(r"^Nina Newcook")).check()
    page.get_by_label("Why pair them outside the rules").fill("Checks booked for Monday")
    page.get_by_role("button", name="Propose outside the rules").click()
    expect(page.get_by_text("Pairing proposed.")).to_be_visible()


def test_scheme_set_up_pages_pass_axe(page, auth, barnet, database):
    f.user(Role.ADMIN, email="boss@example.org")
    database.session.commit()
    auth.login("boss@example.org")
    for path in ("/admin/areas", "/admin/areas/new", "/admin/coordinators", "/admin/accounts?q=o"):
        page.goto(path)
        assert_accessible(page)
