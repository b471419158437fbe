"""Issue 13's casework story in a real browser, with JavaScript off: an admin sets up an area and
invites a coordinator, then a coordinator finds, registers, imports, pairs and follows up."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casserole import demo
from casserole.models import OutboundEmail
from tests.support.auth import PageAuth
from tests.support.browser import assert_accessible

pytestmark = pytest.mark.browser

ADMIN = "admin@casserole.example"
BARNET = "coordinator.barnet@casserole.example"
CARER = "carer.barnet@casserole.example"


@pytest.fixture
def boroughs(database):
    """The three-borough demo, committed so the live server sees it."""
    demo.seed_boroughs()
    database.session.commit()


class Story:
    """A page with JavaScript off; the pages to scan are re-opened with axe-core in a second
    context with JavaScript on and the same cookies (axe cannot run where scripts are off)."""

    def __init__(self, browser, live_server):
        self.browser, self.live_server = browser, live_server
        self.context = browser.new_context(java_script_enabled=False, base_url=live_server)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.to_scan: list[str] = []

    def accessible(self):
        """Remember this page for the axe-core scan (run by scan(), before logging out)."""
        self.to_scan.append(self.page.url)

    def scan(self):
        """Scan the remembered pages as the same person, with JavaScript on."""
        context = self.browser.new_context(
            base_url=self.live_server, storage_state=self.context.storage_state()
        )
        try:
            pg = context.new_page()
            for url in self.to_scan:
                pg.goto(url)
                assert_accessible(pg)
        finally:
            context.close()
        self.to_scan.clear()


@pytest.fixture
def story(browser, live_server, boroughs):
    """A browser context with JavaScript disabled, on the live server."""
    s = Story(browser, live_server)
    yield s
    s.context.close()


def test_an_admin_sets_up_an_area_and_invites_a_coordinator(story, database):
    page = story.page
    auth = PageAuth(page)
    auth.login(ADMIN, demo.DEMO_PASSWORD)

    page.goto("/admin/areas/new")
    page.get_by_label("Name", exact=True).fill("Enfield")
    page.get_by_label("Postcode districts to add").fill("EN1, EN2")
    page.get_by_label("Cost of a meal (£)").fill("4.90")
    page.get_by_role("button", name="Set up the area").click()
    expect(page.get_by_text("Enfield saved.")).to_be_visible()
    expect(page.get_by_text("Postcode districts now: EN1, EN2.")).to_be_visible()
    story.accessible()

    page.goto("/admin/coordinators")
    page.get_by_label("E-mail", exact=True).fill("ines@example.org")
    page.get_by_label("First name", exact=True).fill("Ines")
    page.get_by_label("Last name", exact=True).fill("Inviter")
    page.get_by_label("Areas", exact=True).select_option(label="Enfield")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("We have e-mailed ines@example.org a link to start.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Ines Inviter"))).to_contain_text("Enfield")
    story.accessible()
    story.scan()
    auth.logout()

    database.session.expire_all()
    mail = database.session.scalars(
        select(OutboundEmail).where(OutboundEmail.to_address == "ines@example.org")
    ).one()
    link = re.search(r"https?://\S+", mail.text_body).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)
    page.goto(path)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    story.accessible()
    story.scan()  # before the link is used: it works once
    page.get_by_label("New password", exact=True).fill("plum crumble on sundays")
    page.get_by_label("New password again").fill("plum crumble on sundays")
    page.get_by_role("button", name="Save my new password").click()
    expect(
        page.get_by_text("Your password has been changed and you are logged in.")
    ).to_be_visible()
    auth.logout()

    auth.login("ines@example.org", "plum crumble on sundays")
    page.wait_for_url("**/coordinator/enfield/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enfield")
    story.accessible()
    story.scan()


def test_a_coordinator_finds_logs_registers_and_imports(story, database, tmp_path):
    from casserole.models import Area, DinerProfile

    page = story.page
    auth = PageAuth(page)
    barnet = database.session.scalars(select(Area).where(Area.slug == "barnet")).one()
    diner = database.session.scalars(
        select(DinerProfile)
        .where(DinerProfile.area_id == barnet.id, DinerProfile.last_name != "")
        .order_by(DinerProfile.id)
    ).first()
    name = diner.display_name
    part = diner.last_name[1:5]

    auth.login(BARNET, demo.DEMO_PASSWORD)
    page.wait_for_url("**/coordinator/barnet/")
    page.get_by_label("Find a person").fill(part)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Diners \(\d+\)"))).to_be_visible()
    story.accessible()
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    story.accessible()
    page.get_by_label("What happened").select_option(label="Phone call")
    page.get_by_label("Notes").fill("Rang about her Tuesday meal; all well.")
    page.get_by_role("button", name="Add to the case log").click()
    expect(page.get_by_text("Phone call added to the case log.")).to_be_visible()
    expect(page.get_by_text("Rang about her Tuesday meal; all well.")).to_be_visible()

    # A social worker refers someone by phone: no e-mail address.
    page.goto("/coordinator/barnet/diners/new")
    page.get_by_label("First name").fill("Phyllis")
    page.get_by_label("Last name").fill("Phoneonly")
    page.get_by_label("Phone number (optional)").fill("020 8123 4567")
    page.get_by_label("Postcode").fill("N3 1AB")
    page.get_by_label("First line of the address").fill("12 Oak Lane")
    page.get_by_label("Wednesday").check()
    page.get_by_label("Referred by").select_option(label="Social worker")
    page.get_by_label("Referrer's name").fill("Sue Worker")
    page.get_by_label("Referrer's organisation").fill("Barnet Adult Social Care")
    page.get_by_label("Referrer's phone or e-mail").fill("020 8359 0000")
    story.accessible()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Phyllis Phoneonly is registered.")).to_be_visible()
    story.accessible()
    database.session.expire_all()
    phyllis = database.session.scalars(
        select(DinerProfile).where(DinerProfile.last_name == "Phoneonly")
    ).one()
    assert phyllis.area_id == barnet.id

    # A referrals file with one bad row: nothing is imported until it is fixed.
    header = "first_name,last_name,postcode,address_line,days\n"
    good = "Ada,Importa,N3 1AB,1 Elm Road,Mon;Wed\n"
    csv_file = tmp_path / "referrals.csv"
    csv_file.write_text(header + good + "Bea,Importa,N3 1AB,2 Elm Road,Funday\n", "utf-8")
    page.goto("/coordinator/barnet/referrals/import")
    page.get_by_label("CSV file of referrals").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Nothing imported: 1 of 2 rows have problems.")).to_be_visible()
    expect(page.locator("#import-problems")).to_contain_text(
        "Line 3 (Bea Importa): days: “funday” is not a day"
    )
    story.accessible()
    imported = select(DinerProfile).where(DinerProfile.last_name == "Importa")
    database.session.expire_all()
    assert database.session.scalars(imported).all() == []

    csv_file.write_text(header + good + "Bea,Importa,N3 1AB,2 Elm Road,Fri\n", "utf-8")
    page.get_by_label("CSV file of referrals").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Ready to import")).to_be_visible()
    page.get_by_role("button", name="Import 2 referrals").click()
    expect(page.get_by_text("Imported 2 new referrals")).to_be_visible()
    database.session.expire_all()
    assert len(database.session.scalars(imported).all()) == 2
    story.scan()
    auth.logout()


def test_a_coordinator_pairs_by_hand_and_follows_up_a_concern_and_feedback(story, database):
    from casserole.models import Area, DinerProfile, Pairing, PairingStatus, User
    from casserole.services.coordinator import by_hand

    page = story.page
    auth = PageAuth(page)
    barnet = database.session.scalars(select(Area).where(Area.slug == "barnet")).one()
    unpaired = database.session.scalars(
        select(DinerProfile)
        .where(
            DinerProfile.area_id == barnet.id,
            DinerProfile.consent_method.is_not(None),
            DinerProfile.erased_at.is_(None),
            DinerProfile.id.not_in(select(Pairing.diner_id)),
        )
        .order_by(DinerProfile.id)
    ).all()
    # A waiting diner whom some cook can take within the matcher's rules.
    waiting, options = next((d, o) for d in unpaired if (o := by_hand.cook_options(d)).feasible)
    chosen = options.feasible[0]
    carer = database.session.scalars(select(User).where(User.email == CARER)).one()
    pairing = database.session.scalars(
        select(Pairing)
        .join(DinerProfile, Pairing.diner_id == DinerProfile.id)
        .where(DinerProfile.carer_id == carer.id, Pairing.status == PairingStatus.ACTIVE)
        .order_by(Pairing.id)
    ).first()
    pairing_id = pairing.id

    # The carer raises a concern and says how it is going, from the pairing page.
    auth.login(CARER, demo.DEMO_PASSWORD)
    page.goto(f"/pairings/{pairing_id}")
    page.get_by_role("link", name="Tell the coordinator something is wrong").click()
    page.get_by_label("What is wrong?").fill("The lid of the dish came back cracked.")
    story.accessible()
    page.get_by_role("button", name="Tell the coordinator").click()
    expect(
        page.get_by_text("Thank you. The coordinator has been told and will be in touch.")
    ).to_be_visible()
    page.goto(f"/pairings/{pairing_id}")
    page.get_by_role("link", name="Tell us how it is going").click()
    page.get_by_label("4: Well").check()
    page.get_by_label("Anything you would like to tell us? (optional)").fill("Lovely stews.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you for telling us how it is going.")).to_be_visible()
    story.scan()
    auth.logout()

    auth.login(BARNET, demo.DEMO_PASSWORD)
    page.wait_for_url("**/coordinator/barnet/")

    # Pair a waiting diner by hand from the candidate list on their record.
    page.goto(f"/coordinator/barnet/diners/{waiting.id}")
    page.get_by_role("link", name=f"Pair {waiting.display_name} by hand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Pair {waiting.display_name} by hand"
    )
    story.accessible()
    # The nearest cook within the rules is offered first, with distance, days and room.
    expect(
        page.get_by_text(f"No cook within the rules has room for {waiting.first_name} now.")
    ).to_have_count(0)
    page.get_by_role("button", name=f"Propose {chosen.name}").click()
    expect(page.get_by_text("Pairing proposed. We have asked the cook.")).to_be_visible()

    database.session.expire_all()
    proposed = database.session.scalars(select(Pairing).where(Pairing.diner_id == waiting.id))
    # Within the rules, with the chosen cook, and the cook is asked at once.
    assert [(p.cook_id, p.status, p.override_reason) for p in proposed] == [
        (chosen.cook_id, PairingStatus.APPROVED, "")
    ]

    # The concern in the queue: read it, resolve it with a note.
    page.goto("/coordinator/barnet/concerns")
    concern = page.locator("article.concern", has_text="The lid of the dish came back cracked.")
    expect(concern).to_have_count(1)
    story.accessible()
    concern.locator("select[name=status]").select_option(label="Resolved")
    concern.locator("textarea[name=note]").fill("Replaced the dish; the cook apologised.")
    concern.get_by_role("button", name=re.compile(r"^Save")).click()
    expect(page.get_by_text(re.compile(r"Concern \d+ saved\."))).to_be_visible()

    # The pairing page: the resolved concern and the carer's feedback.
    page.goto(f"/pairings/{pairing_id}")
    expect(page.get_by_text("Replaced the dish; the cook apologised.")).to_be_visible()
    feedback = page.get_by_role("row", name=re.compile("Lovely stews."))
    expect(feedback).to_contain_text("4 out of 5")
    story.accessible()
    story.scan()
