"""CSV exports: anonymised pairings hold districts only; the full export holds the area's people."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from casserole.models import AuditEvent, MealShare, PairingStatus, Role
from tests.support import factories as f

NOW = datetime.now(UTC)


def _rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _area(database):
    area = f.area("Barnet", ("N3", "N12"))
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    cook = f.cook(
        area,
        user=f.user(Role.COOK, first_name="Priya", last_name="Cookson", email="priya@example.org"),
        postcode="N12 0AA",
        outcode="N12",
        latitude=51.6151,
        longitude=-0.1762,
    )
    carer = f.user(Role.CARER, first_name="Carl", last_name="Carer", email="carl@example.org")
    diner = f.diner(
        area,
        carer=carer,
        first_name="=HYPERLINK(1)",
        last_name="Dinerson",
        postcode="N3 1AB",
        birth_date=date(1935, 1, 1),
    )
    started = NOW - timedelta(days=100)
    p = f.pairing(cook, diner, started_at=started, distance_km=1.609344)
    for k in range(4):
        p.meals.append(MealShare(shared_on=NOW.date() - timedelta(days=7 * k), dish="Pie"))
    ended = f.pairing(
        cook,
        f.diner(area, first_name="Edith", birth_date=date(1950, 5, 5)),
        PairingStatus.ENDED,
        started_at=NOW - timedelta(days=300),
        ended_at=NOW - timedelta(days=200),
        distance_km=0.8,
    )
    f.pairing(cook, f.diner(area, first_name="Propo"), PairingStatus.PROPOSED)
    database.session.commit()
    return area, p, ended


def test_the_anonymised_export_has_districts_and_counts_but_no_people(client, database):
    _area(database)
    client.post("/auth/login", data={"email": "co@example.org", "password": f.PASSWORD})
    response = client.get("/coordinator/barnet/exports/pairings-anonymised.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    for secret in (
        "Priya",
        "Cookson",
        "Dinerson",
        "HYPERLINK",
        "Edith",
        "Carl",
        "@example.org",
        "N3 1AB",
        "N12 0AA",
        "51.6",
        "-0.17",
        "Test Street",
    ):
        assert secret not in text, secret
    rows = _rows(response)
    assert len(rows) == 2  # started pairings only: the proposal is not a pairing yet
    old, recent = rows
    assert (old["record"], recent["record"]) == ("1", "2")
    assert recent["cook_district"] == "N12" and recent["diner_district"] == "N3"
    assert recent["status"] == "active" and recent["meals_shared"] == "4"
    assert recent["distance_miles"] == "1.0" and recent["diner_age_band"] == "80 or over"
    assert recent["duration_days"] == "100" and recent["ended_month"] == ""
    assert old["status"] == "ended" and old["duration_days"] == "100"
    assert old["diner_age_band"] == "under 80" and old["meals_shared"] == "0"
    assert len(old["started_month"]) == 7  # YYYY-MM, never the day


def test_the_full_export_has_the_area_people_and_is_audited(client, database):
    area, live, _ = _area(database)
    client.post("/auth/login", data={"email": "co@example.org", "password": f.PASSWORD})
    response = client.get("/coordinator/barnet/exports/area-full.csv")
    assert response.status_code == 200
    rows = _rows(response)
    assert len(rows) == 3
    row = next(r for r in rows if r["pairing_id"] == str(live.id))
    assert row["cook_name"] == "Priya Cookson" and row["cook_email"] == "priya@example.org"
    assert row["diner_postcode"] == "N3 1AB" and row["carer_email"] == "carl@example.org"
    assert row["meals_shared"] == "4" and row["last_meal"] == NOW.date().isoformat()
    # A name that a spreadsheet would run as a formula is quoted.
    assert row["diner_name"] == "'=HYPERLINK(1) Dinerson"
    actions = database.session.scalars(select(AuditEvent.action)).all()
    assert "export.full" in actions
    assert database.session.scalar(
        select(AuditEvent.area_id).where(AuditEvent.action == "export.full")
    ) == area.id


def test_the_exports_page_explains_both(client, database):
    _area(database)
    client.post("/auth/login", data={"email": "co@example.org", "password": f.PASSWORD})
    html = client.get("/coordinator/barnet/exports").get_data(as_text=True)
    assert "Contains personal data" in html and "postcode districts" in html
