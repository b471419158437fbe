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
    expect(page.get_by_text("Your password has been changed and you are logged in.")).to_be_visible()
    auth.logout()

    auth.login("ines@example.org", "plum crumble on sundays")
    page.wait_for_url("**/coordinator/enfield/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enfield")
    story.accessible()
    story.scan()
