"""Issue 19 in a real browser at 360 px, axe-clean: the date input, forms that refuse useless
records, out-of-area details kept, the death step, declining from the list, the map's popups,
the readable data page and the error pages. Screenshots go to test-artifacts/polish-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from casserole.models import PairingStatus, Role
from tests.support import factories as f
from tests.support.auth import PageAuth
from tests.support.browser import ARTIFACTS, assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def world(database):
    area = f.area("Barnet", ("N3", "N12"), contact_phone="020 8359 2000")
    coordinator = f.user(Role.COORDINATOR, email="coord@example.org", first_name="Cora")
    coordinator.areas = [area]
    cook = f.cook(area, user=f.user(Role.COOK, email="cook@example.org", first_name="Maya"))
    carer = f.user(Role.CARER, email="carer@example.org", first_name="Sam")
    harold = f.diner(
        area, carer=carer, first_name="Harold", last_name="Jones", latitude=51.61, longitude=-0.20
    )
    ivy = f.diner(
        area, carer=carer, first_name="Ivy", last_name="Price", latitude=51.62, longitude=-0.18
    )
    pairing = f.pairing(cook, harold, PairingStatus.ACTIVE, distance_km=1.2)
    other_cook = f.cook(
        area, user=f.user(Role.COOK, first_name="Omar"), latitude=51.60, longitude=-0.17
    )
    proposal = f.pairing(other_cook, ivy, PairingStatus.PROPOSED, distance_km=2.0)
    database.session.commit()
    return {"pairing": pairing, "proposal": proposal, "harold": harold}


def _phone(browser, live_server, who=None, **options):
    context = browser.new_context(base_url=live_server, viewport=PHONE, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    if who:
        PageAuth(page).login(who)
    return context, page


def _no_sideways_scroll(page):
    expect(page.locator("html")).to_have_js_property("scrollWidth", page.evaluate("innerWidth"))


def test_the_date_input_puts_the_error_on_the_wrong_box(browser, live_server, world):
    context, page = _phone(browser, live_server, "cook@example.org")
    try:
        page.goto(f"/pairings/{world['pairing'].id}/meals/new")
        group = page.get_by_role("group", name="Date of the meal")
        expect(group.get_by_label("Day")).to_be_visible()
        expect(group.get_by_label("Month")).to_be_visible()
        expect(group.get_by_label("Year")).to_be_visible()
        group.get_by_label("Day").fill("31")
        group.get_by_label("Month").fill("2")
        group.get_by_label("Year").fill("2026")
        page.get_by_label("What did you cook?").fill("Fish pie")
        page.get_by_role("button", name="Log the meal").click()
        expect(page.get_by_role("alert")).to_contain_text("must be a real date")
        expect(group.get_by_label("Day")).to_have_attribute("aria-invalid", "true")
        expect(group.get_by_label("Month")).not_to_have_attribute("aria-invalid", "true")
        expect(group.get_by_label("Day")).to_have_value("31")
        expect(page.get_by_label("What did you cook?")).to_have_value("Fish pie")
        assert_accessible(page)
        ARTIFACTS.mkdir(exist_ok=True)
        group.screenshot(path=str(ARTIFACTS / "polish-date-input.png"))
        _no_sideways_scroll(page)
    finally:
        context.close()


def test_a_cook_with_no_days_is_told_next_to_the_days(browser, live_server, world):
    context, page = _phone(browser, live_server, "cook@example.org")
    try:
        page.goto("/profile/cook")
        for box in (
            page.get_by_role("group", name="Days you can cook").get_by_role("checkbox").all()
        ):
            box.uncheck()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("alert")).to_contain_text("Tick at least one day you can cook")
        expect(page.locator(".field-error").first).to_contain_text("Tick at least one day")
        assert_accessible(page)
    finally:
        context.close()


def test_the_death_step_is_its_own_gentle_page(browser, live_server, world):
    context, page = _phone(browser, live_server, "carer@example.org")
    try:
        page.goto(f"/pairings/{world['pairing'].id}/end")
        expect(page.get_by_label("The diner has died")).to_have_count(0)
        page.get_by_role("link", name="tell us here instead").click()
        expect(page.get_by_role("heading", name="We are very sorry")).to_be_visible()
        expect(page.get_by_text("We will not ask for any feedback")).to_be_visible()
        assert_accessible(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "polish-death-step.png"), full_page=True)
        page.get_by_role("button", name="Tell the coordinator").click()
        expect(page.get_by_text("We are very sorry for your loss")).to_be_visible()
        expect(page.get_by_role("link", name="Tell us how it is going")).to_have_count(0)
        assert_accessible(page)
    finally:
        context.close()


def test_a_coordinator_records_a_death_in_the_console_s_words(browser, live_server, world):
    context, page = _phone(browser, live_server, "coord@example.org")
    try:
        page.goto(f"/pairings/{world['pairing'].id}/end")
        expect(page.get_by_role("link", name="tell us here instead")).to_have_count(0)
        page.goto(f"/pairings/{world['pairing'].id}")
        page.locator("#record-death").click()
        expect(page.get_by_role("heading", name="has died")).to_be_visible()
        expect(page.get_by_text("We are very sorry")).to_have_count(0)
        assert_accessible(page)
        page.get_by_role("button", name="Record the death").click()
        expect(page.get_by_text("has died. The pairing has ended")).to_be_visible()
        assert_accessible(page)
    finally:
        context.close()


def test_a_coordinator_declines_from_the_proposals_list(browser, live_server, world):
    context, page = _phone(browser, live_server, "coord@example.org")
    try:
        page.goto("/coordinator/barnet/proposals")
        page.get_by_role("link", name=re.compile("Decline .* for Ivy Price")).click()
        page.get_by_role("button", name="Turn this pair down").click()
        expect(page.get_by_role("alert")).to_contain_text("Choose why")
        assert_accessible(page)
        page.get_by_label("Too far apart in practice").check()
        page.get_by_label("More detail").fill("A steep hill and no bus.")
        page.get_by_role("button", name="Turn this pair down").click()
        expect(page.get_by_text("Ivy Price stays on the waiting list")).to_be_visible()
        expect(page.get_by_text("No proposals are waiting")).to_be_visible()
    finally:
        context.close()


def test_map_points_open_who_they_are(browser, live_server, world):
    context = browser.new_context(base_url=live_server, viewport={"width": 900, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        PageAuth(page).login("coord@example.org")
        page.goto("/coordinator/barnet/map")
        box = page.locator("#console-map.map-ready")
        expect(box).to_have_attribute("data-diners", "2")
        harold = world["harold"]
        box.scroll_into_view_if_needed()
        where = box.evaluate(
            "(el, p) => el.casseroleMap.latLngToContainerPoint(p)",
            [harold.latitude, harold.longitude],
        )
        frame = box.bounding_box()
        page.mouse.click(frame["x"] + where["x"], frame["y"] + where["y"])
        popup = page.locator(".leaflet-popup-content")
        expect(popup).to_contain_text("Harold Jones")
        expect(popup).to_contain_text("Diner with a cook")
        expect(popup.get_by_role("link", name="Open Harold Jones's record")).to_have_attribute(
            "href", f"/coordinator/barnet/diners/{harold.id}"
        )
        # Leaflet fades popups in: wait until it is fully shown before the screenshot.
        expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#console-map").screenshot(path=str(ARTIFACTS / "polish-map-popup.png"))
        popup.get_by_role("link").click()
        expect(page.get_by_role("heading", name=re.compile("Harold Jones"))).to_be_visible()
    finally:
        context.close()


def test_the_readable_data_page_prints(browser, live_server, world):
    context, page = _phone(browser, live_server, "carer@example.org")
    try:
        context.add_init_script(
            "window.__prints = 0; window.print = () => { window.__prints += 1; };"
        )
        page.goto("/my-data/")
        page.get_by_role("link", name="See Harold's data on a page").click()
        expect(
            page.get_by_role("heading", name="Everything we hold about Harold Jones")
        ).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("Download it as a file"))).to_be_visible()
        page.get_by_role("button", name="Print this page").click()
        expect(page.locator("html")).to_be_attached()
        assert page.evaluate("window.__prints") == 1
        assert_accessible(page)
        _no_sideways_scroll(page)
    finally:
        context.close()


def test_out_of_area_goes_back_to_the_form_filled_in(browser, live_server, world):
    context, page = _phone(browser, live_server, java_script_enabled=False)
    try:
        page.goto("/join/diner")
        page.get_by_label("First name").fill("Mavis")
        page.get_by_label("E-mail address").fill("mavis@example.org")
        page.get_by_label("Choose a password").fill("a long and unusual passphrase")
        page.get_by_label("Postcode").fill("SE1 7PB")
        page.get_by_label("First line of the address").fill("1 Lambeth Road")
        page.get_by_label("Any other allergy or intolerance").fill("Kiwi fruit")
        page.get_by_label("Monday").check()
        page.get_by_label("I agree").check()
        page.get_by_role("button", name="Sign me up").click()
        expect(page.get_by_role("heading", name="We do not run in SE1 yet")).to_be_visible()
        page.get_by_role("link", name="Go back to the form, filled in").click()
        expect(page.get_by_label("Any other allergy or intolerance")).to_have_value("Kiwi fruit")
        expect(page.get_by_label("Postcode")).to_have_value("SE1 7PB")
        expect(page.get_by_label("Monday")).to_be_checked()
    finally:
        context.close()


def test_error_pages_speak_plainly_with_a_way_home(page, world):
    page.goto("/no/such/page")
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
    expect(page.get_by_text("If you entered the URL manually")).to_have_count(0)
    page.get_by_role("link", name="Go to the home page").click()
    expect(page).to_have_url(re.compile(r"/$"))
