"""A job's progress page without JavaScript: it reloads itself until the job is done."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from casserole.jobs import kinds
from casserole.models import JobState, Role
from tests.support import factories as f
from tests.support.auth import PageAuth
from tests.support.browser import assert_accessible

pytestmark = pytest.mark.browser


def test_the_progress_page_moves_on_by_itself_without_javascript(
    browser, live_server, database, page
):
    area = f.area("Barnet", ("N3",), slug="barnet")
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    job = f.job(
        area,
        requested_by=coordinator,
        kind=kinds.APPROVE_ALL,
        state=JobState.RUNNING,
        done=250,
        total=1000,
    )
    database.session.commit()
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(10_000)
    plain = context.new_page()
    try:
        PageAuth(plain).login("co@example.org")
        plain.set_viewport_size({"width": 360, "height": 740})
        plain.goto(f"/coordinator/barnet/jobs/{job.id}")
        expect(plain.get_by_role("status")).to_contain_text("250 of 1000 done")
        expect(plain.get_by_label("Progress")).to_have_attribute("value", "25")
        # The worker gets on: the open page shows it without anyone reloading it.
        job.done = 600
        database.session.commit()
        expect(plain.get_by_role("status")).to_contain_text("600 of 1000 done")
        job.state, job.done, job.summary = JobState.DONE, 1000, "Approved 1000 proposals."
        database.session.commit()
        expect(plain.get_by_role("status")).to_have_text("Approved 1000 proposals.")
        expect(plain.get_by_label("Progress")).to_have_attribute("value", "100")
        expect(plain.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    finally:
        context.close()
    # The finished page, scanned with axe-core (a page reloading itself cannot be scanned).
    PageAuth(page).login("co@example.org")
    page.goto(f"/coordinator/barnet/jobs/{job.id}")
    expect(page.get_by_role("status")).to_have_text("Approved 1000 proposals.")
    assert_accessible(page)
