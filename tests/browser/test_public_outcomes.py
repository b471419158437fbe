"""A visitor reads a demo area's published outcomes, downloads the open data, and the
committee's quarterly report prints one page per area (Chromium's own print-to-PDF)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from casserole import demo
from casserole.models import Area
from tests.support.auth import PageAuth

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "casserole-demo"
# The figures both pages show for the last 12 months (coordinator's label, public key).
SHARED = {
    "Meals shared": "meals_shared",
    "Average distance from cook to diner": "average_distance_miles",
    "Average time between meals": "weeks_between_meals",
    "Cost avoided": "cost_avoided_pounds",
}


@pytest.fixture
def boroughs(database):
    """The three-borough demo, committed so the live server sees it."""
    demo.seed_boroughs()
    database.session.commit()
    return list(database.session.scalars(database.select(Area).order_by(Area.name)))


def _number(text: str) -> float:
    return float(re.search(r"[\d,]+(?:\.\d+)?", text).group(0).replace(",", ""))


def test_public_figures_match_the_coordinators_and_the_report_prints_a_page_per_area(
    browser, page, boroughs, live_server
):
    page.goto("/outcomes/")
    page.get_by_role("link", name="Barnet").click()
    page.wait_for_url("**/outcomes/barnet")
    public = {
        label: page.locator(f"#figure-{key} dd.value").inner_text() for label, key in SHARED.items()
    }

    with page.expect_download() as info:
        page.get_by_role("link", name="Anonymised pairings (CSV)").click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert rows[0][0] == "record" and len(rows) > 10

    # The coordinator of the same area, in another browser session, for the same period.
    context = browser.new_context(base_url=live_server)
    coordinator = context.new_page()
    PageAuth(coordinator).login("coordinator.barnet@casserole.example", DEMO_PASSWORD)
    coordinator.goto("/coordinator/barnet/figures?period=12m")
    for label, shown in public.items():
        if shown.startswith("not published"):
            continue
        theirs = coordinator.locator(
            "dl.figures > div", has=coordinator.locator("dt", has_text=label)
        )
        expect(theirs.locator("dd").first).not_to_be_empty()
        their_value = theirs.locator("dd").first.inner_text()
        assert _number(their_value) == _number(shown), label
    assert sum(not v.startswith("not published") for v in public.values()) >= 3
    context.close()

    page.goto("/outcomes/report")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == len(boroughs) == 3


def test_an_admin_issues_a_token_that_the_api_accepts(page, auth, database):
    """The admin's token page, scanned with axe-core like every visited page."""
    from casserole.models import Role
    from tests.support import factories as f

    f.area("Barnet", ("N3",), slug="barnet")
    admin = f.user(Role.ADMIN, email="admin@example.org")
    database.session.commit()
    auth.login(admin)
    page.goto("/admin/api-tokens")
    page.get_by_label("Area").select_option(label="Barnet")
    page.get_by_label("Name (who uses it)").fill("Council dashboard")
    page.get_by_label("Days until it expires").fill("30")
    page.get_by_role("button", name="Issue the token").click()
    token = page.locator("#new-token").inner_text()
    answer = page.request.get("/api/v1/areas", headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 200 and answer.json() == [{"slug": "barnet", "name": "Barnet"}]
    expect(page.get_by_role("cell", name="Council dashboard", exact=True)).to_be_visible()
