"""CSV exports: anonymised pairings hold districts only; the full export holds the area's people."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from casserole.clock import local_date
from casserole.models import AuditEvent, EndReason, MealShare, PairingStatus, Role
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


def test_the_anonymised_export_names_nobody_and_releases_nothing_about_two_pairings(
    client, database
):
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
    # Two pairings are two cooks' and diners' stories: under ten people, so no rows at all.
    assert _rows(response) == []
    assert text.startswith("record,cook_district,diner_district,status,started,ended,")


def test_a_crowd_keeps_its_districts_and_months_while_the_one_who_stands_out_is_left_out(
    client, database
):
    area = f.area("Barnet", ("N3", "N12"))
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    started = NOW - timedelta(days=100)
    for _ in range(20):
        f.pairing(
            f.cook(area),
            f.diner(area, birth_date=date(1935, 1, 1)),
            started_at=started,
            distance_km=1.2,
        )
    f.pairing(
        f.cook(area, postcode="N12 0AA", outcode="N12"),
        f.diner(area, postcode="N12 0AB", outcode="N12", birth_date=date(1930, 1, 1)),
        PairingStatus.ENDED,
        started_at=NOW - timedelta(days=400),
        ended_at=NOW - timedelta(days=10),
        end_reason=EndReason.DIED,
        distance_km=0.2,
    )
    database.session.commit()
    client.post("/auth/login", data={"email": "co@example.org", "password": f.PASSWORD})
    rows = _rows(client.get("/coordinator/barnet/exports/pairings-anonymised.csv"))
    assert len(rows) == 20
    assert sorted(int(r["record"]) for r in rows) == list(range(1, 21))
    assert {r["end_reason"] for r in rows} == {""} and "N12" not in {
        r["cook_district"] for r in rows
    }
    row = rows[0]
    assert row["cook_district"] == "N3" and row["diner_district"] == "N3"
    assert row["started"] == local_date(started).strftime("%Y-%m") and row["ended"] == ""
    assert row["duration"] == "3 to 6 months" and row["distance_miles"] == "0.5 to 1"
    assert row["meals_shared"] == "none" and row["diner_age_band"] == "80 or over"


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
    assert (
        database.session.scalar(
            select(AuditEvent.area_id).where(AuditEvent.action == "export.full")
        )
        == area.id
    )


def test_the_exports_page_explains_both(client, database):
    _area(database)
    client.post("/auth/login", data={"email": "co@example.org", "password": f.PASSWORD})
    html = client.get("/coordinator/barnet/exports").get_data(as_text=True)
    assert "Contains personal data" in html and "postcode districts" in html
