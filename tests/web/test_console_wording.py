"""What coordinators and admins read: the last twelve months, plain-English survival, counts
of one, and the audit trail in pages like every other long list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from casserole import clock
from casserole.formatting import long_date
from casserole.models import AuditEvent, PairingStatus, Role
from casserole.services.coordinator.periods import Period, last_months
from casserole.services.coordinator.waiting import explain
from tests.support import factories as f


@pytest.fixture
def coordinator_client(client, database, auth):
    area = f.area("Barnet", ("N3",))
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    database.session.commit()
    auth.login("co@example.org")
    return client, area


@pytest.mark.parametrize(
    ("today", "first_day"),
    [
        (date(2026, 12, 1), date(2025, 12, 2)),  # not 1 January: twelve months, not this year
        (date(2025, 6, 30), date(2024, 7, 1)),
        (date(2024, 2, 29), date(2023, 3, 1)),  # no 29 February a year before
        (date(2026, 1, 15), date(2025, 1, 16)),
    ],
)
def test_the_last_twelve_months_are_twelve_months_to_today(today, first_day):
    assert last_months(12, today=today) == Period(first_day, today)


def test_the_figures_page_shows_the_last_twelve_months(coordinator_client, monkeypatch):
    client, _ = coordinator_client
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 15))
    html = client.get("/coordinator/barnet/figures?period=12m").get_data(as_text=True)
    assert f"From {long_date(date(2025, 3, 16))} to {long_date(date(2026, 3, 15))}." in html
    six = client.get("/coordinator/barnet/figures?period=6m").get_data(as_text=True)
    assert f"From {long_date(date(2025, 9, 16))} to" in six


def test_survival_is_explained_in_plain_english_with_the_method_behind_a_disclosure(
    coordinator_client, database
):
    client, area = coordinator_client
    cook = f.cook(area)
    f.pairing(cook, f.diner(area))
    database.session.commit()
    html = client.get("/coordinator/barnet/figures").get_data(as_text=True)
    assert "right-censored)" not in html.split("<details")[0]  # no jargon outside it
    assert "1 pairing started before" in html
    assert "<details" in html and "<summary>How this is worked out</summary>" in html
    method = html.split("<details", 1)[1].split("</details>", 1)[0]
    assert "Kaplan–Meier" in method


def _diner(area, **kw):
    return f.diner(area, max_km=1.609344, **kw)


@pytest.mark.parametrize(
    ("reason", "counts", "expected"),
    [
        ("no_cook_for_needs", (1, 0, 0, 0), "1 cook within 1.0 mile, none cooks"),
        ("no_shared_day", (1, 1, 0, 0), "1 cook within 1.0 mile, none free on"),
        ("cooks_excluded", (1, 1, 1, 0), "1 suitable cook within 1.0 mile was declined"),
        ("cooks_full", (1, 1, 1, 1), "1 cook within 1.0 mile is full."),
        ("cooks_full", (2, 2, 2, 2), "2 cooks within 1.0 mile are full."),
        ("cooks_excluded", (3, 3, 3, 0), "3 suitable cooks within 1.0 mile were declined"),
    ],
)
def test_waiting_reasons_agree_with_their_counts(database, reason, counts, expected):
    diner = _diner(f.area())
    assert expected in explain(reason, counts, diner)


def test_console_pages_say_one_of_a_thing(coordinator_client, database):
    client, area = coordinator_client
    cook = f.cook(area, vetted=False)
    _diner(area)
    f.pairing(
        f.cook(area),
        f.diner(area),
        started_at=clock.now() - timedelta(days=1, hours=1),
    )
    f.pairing(f.cook(area), f.diner(area), PairingStatus.PROPOSED)
    database.session.commit()
    waiting = client.get("/coordinator/barnet/waiting").get_data(as_text=True)
    assert "1 diner is waiting" in waiting
    monitor = client.get("/coordinator/barnet/pairings").get_data(as_text=True)
    assert "1 pairing, newest first" in monitor and ">1 day<" in monitor
    proposals = client.get("/coordinator/barnet/proposals").get_data(as_text=True)
    assert "1 proposal, oldest first" in proposals
    vetting = client.get("/coordinator/barnet/vetting").get_data(as_text=True)
    assert "1 cook needing attention" in vetting and cook.user.first_name in vetting
    for html in (waiting, monitor, proposals, vetting):
        assert "1 days" not in html and "1 pairings" not in html and "1 cooks" not in html


def test_the_audit_trail_is_paged_like_every_other_list(client, database, auth):
    admin = f.user(Role.ADMIN, email="admin@example.org")
    for i in range(51):
        database.session.add(AuditEvent(action="probe", actor_id=admin.id, detail={"n": i}))
    database.session.add(AuditEvent(action="other", actor_id=admin.id, detail={"n": 99}))
    database.session.commit()
    auth.login("admin@example.org")
    first = client.get("/admin/audit?action=probe").get_data(as_text=True)
    assert "51 records." in first and "Page 1 of 2" in first
    assert "n=50" in first and "n=1<" in first and "n=0<" not in first  # newest first
    assert 'href="/admin/audit?page=2&amp;action=probe"' in first and 'rel="next"' in first
    second = client.get("/admin/audit?page=2&action=probe").get_data(as_text=True)
    assert "Page 2 of 2" in second and "n=0<" in second and "n=50" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    one = client.get("/admin/audit?action=other").get_data(as_text=True)
    assert "1 record." in one and "Page 1 of" not in one
    assert client.get("/admin/audit?page=0").status_code == 400


def test_a_pairing_can_no_longer_be_diner_accepted(database):
    assert "diner_accepted" not in {s.value for s in PairingStatus}
    area = f.area()
    pairing = f.pairing(f.cook(area), f.diner(area), PairingStatus.PROPOSED)
    database.session.commit()
    with pytest.raises(IntegrityError):  # the migrated CHECK constraint refuses it too
        database.session.execute(
            text("UPDATE pairings SET status = 'diner_accepted' WHERE id = :id"),
            {"id": pairing.id},
        )
        database.session.flush()
    database.session.rollback()


def test_part_months_at_either_end_of_the_period_say_so(coordinator_client, monkeypatch):
    client, _ = coordinator_client
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 15))
    html = client.get("/coordinator/barnet/figures?period=3m").get_data(as_text=True)
    assert "December 2025 (from 16 December)" in html
    assert "March 2026 (to 15 March)" in html
    assert "January 2026</th>" in html and "February 2026</th>" in html
    whole = client.get("/coordinator/barnet/figures?period=custom&start=2025-01-01&end=2025-03-31")
    body = whole.get_data(as_text=True)
    assert "January 2025</th>" in body and "March 2025</th>" in body and "(from" not in body
