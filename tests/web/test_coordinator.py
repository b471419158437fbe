"""The coordinator's console: vetting, waiting list, matching and approval, monitor, query counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from casserole import clock
from casserole.formatting import long_date
from casserole.models import (
    AuditEvent,
    CheckKind,
    Feedback,
    MealShare,
    OutboundEmail,
    Pairing,
    PairingPause,
    PairingStatus,
    Role,
    VettingCheck,
)
from casserole.services import matching as adapter
from casserole.services import matching_runs, stats, vetting
from casserole.services.coordinator import monitor
from tests.support import factories as f

TODAY = clock.today()


@pytest.fixture
def barnet(database):
    """An area with its coordinator; the matcher's remembered reasons are forgotten."""
    matching_runs.forget_reasons()
    area = f.area("Barnet", ("N3",))
    coordinator = f.user(Role.COORDINATOR, email="co@example.org", first_name="Cora")
    coordinator.areas = [area]
    database.session.commit()
    yield area
    matching_runs.forget_reasons()


def _check(cook, kind, checked, expires):
    cook.checks.append(VettingCheck(kind=kind, checked_on=checked, expires_on=expires))


# ---------------------------------------------------------------- vetting


def test_the_queue_flags_missing_expired_and_soon_expiring_checks(client, barnet, database, auth):
    fine = f.cook(barnet, user=f.user(Role.COOK, first_name="Fiona"))
    soon = f.cook(barnet, vetted=False, user=f.user(Role.COOK, first_name="Sunil"))
    for kind in CheckKind:
        expires = TODAY + timedelta(days=20) if kind == CheckKind.DBS else None
        _check(soon, kind, TODAY - timedelta(days=100), expires)
    lapsed = f.cook(barnet, vetted=False, user=f.user(Role.COOK, first_name="Lara"))
    for kind in CheckKind:
        expires = TODAY - timedelta(days=1) if kind == CheckKind.FOOD_HYGIENE else None
        _check(lapsed, kind, TODAY - timedelta(days=400), expires)
    f.cook(barnet, vetted=False, user=f.user(Role.COOK, first_name="Nina"))
    database.session.commit()

    page = vetting.queue(barnet)
    names = [r.name.split()[0] for r in page.rows]
    # Not vetted today first (Lara expired, Nina new), then the one expiring soon.
    assert names[:2] == ["Lara", "Nina"] and names[2] == "Sunil" and "Fiona" not in names
    states = {r.name.split()[0]: {s.kind: s.state for s in r.states} for r in page.rows}
    assert states["Sunil"][CheckKind.DBS] == "expiring"
    assert states["Lara"][CheckKind.FOOD_HYGIENE] == "expired"
    assert set(states["Nina"].values()) == {"missing"}
    assert vetting.queue(barnet, show="all").total == 4 and fine.id

    auth.login("co@example.org")
    html = client.get("/coordinator/barnet/vetting").get_data(as_text=True)
    assert "Expires soon" in html and "Expired" in html and "Missing" in html
    assert "Fiona" not in html
    assert "Fiona" in client.get("/coordinator/barnet/vetting?show=all").get_data(as_text=True)


def test_recording_a_check_keeps_the_history_and_vets_the_cook(client, barnet, database, auth):
    cook = f.cook(barnet, vetted=False)
    _check(cook, CheckKind.ID, TODAY - timedelta(days=10), None)
    _check(cook, CheckKind.FOOD_HYGIENE, TODAY - timedelta(days=10), TODAY + timedelta(days=900))
    _check(cook, CheckKind.DBS, TODAY - timedelta(days=1200), TODAY - timedelta(days=5))
    database.session.commit()
    assert not next(c for c in adapter.load_inputs(barnet).cooks if c.id == cook.id).vetted

    auth.login("co@example.org")
    response = client.post(
        f"/coordinator/barnet/cooks/{cook.id}/checks",
        data={
            "kind": "dbs",
            "checked_on": (TODAY - timedelta(days=1)).isoformat(),
            "expires_on": (TODAY + timedelta(days=1000)).isoformat(),
            "reference": "DBS-0001",
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "DBS check recorded." in html
    assert "All checks are in date" in html and "DBS-0001" in html
    dbs = [c for c in cook.checks if c.kind == CheckKind.DBS]
    assert len(dbs) == 2  # the expired one is kept
    assert next(c for c in adapter.load_inputs(barnet).cooks if c.id == cook.id).vetted
    event_row = database.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "vetting_check_recorded")
    )
    assert event_row.area_id == barnet.id and event_row.detail["kind"] == "dbs"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": "dbs", "checked_on": "2025-01-10", "expires_on": "2025-01-01"},
            "The expiry date must be after the check date.",
        ),
        ({"kind": "dbs", "checked_on": "2025-01-10"}, "Enter when the DBS check expires"),
        (
            {"kind": "id", "checked_on": (TODAY + timedelta(days=3)).isoformat()},
            "The check date cannot be in the future.",
        ),
        ({"kind": "id", "checked_on": "last tuesday"}, "Enter a real date, with the day, month and year."),
        ({"kind": "id"}, "Enter the date of the check"),
        ({"kind": "passport", "checked_on": "2025-01-10"}, "Not a valid choice."),
        (
            {"kind": "id", "checked_on": "2025-01-10", "reference": "x" * 81},
            "Please keep the reference under 80 characters.",
        ),
    ],
)
def test_a_bad_check_is_explained_and_nothing_is_written(
    client, barnet, database, data, message, auth
):
    cook = f.cook(barnet, vetted=False)
    database.session.commit()
    auth.login("co@example.org")
    response = client.post(f"/coordinator/barnet/cooks/{cook.id}/checks", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and "There is a problem" in html
    assert database.session.scalar(select(VettingCheck.id)) is None


def test_an_expired_check_tells_the_cook_once_and_stops_new_proposals(app, barnet, database):
    cook = f.cook(barnet, vetted=False, user=f.user(Role.COOK, email="cook@example.org"))
    _check(cook, CheckKind.ID, TODAY - timedelta(days=500), None)
    _check(cook, CheckKind.FOOD_HYGIENE, TODAY - timedelta(days=500), TODAY + timedelta(days=300))
    _check(cook, CheckKind.DBS, TODAY - timedelta(days=1000), TODAY - timedelta(days=400))
    _check(cook, CheckKind.DBS, TODAY - timedelta(days=400), TODAY)  # expires today
    renewed = f.cook(barnet, vetted=True)
    _check(renewed, CheckKind.DBS, TODAY - timedelta(days=1200), TODAY - timedelta(days=60))
    diner = f.diner(barnet)
    database.session.commit()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["coordinator", "notify-expired-checks"])
    assert result.exit_code == 0, result.output
    assert "Told 1 cook about an expired check." in result.output
    database.session.expire_all()
    mails = database.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "vetting_expired")
    ).all()
    assert [m.to_address for m in mails] == ["cook@example.org"]
    assert "DBS check expired on" in mails[0].text_body
    assert "cannot introduce you to a new neighbour" in mails[0].text_body
    # Once per expired check: a second run sends nothing.
    assert runner.invoke(args=["coordinator", "notify-expired-checks"]).output.startswith(
        "Told 0 cooks"
    )
    # The matcher proposes only the cook whose checks are all in date.
    inputs = adapter.load_inputs(barnet)
    assert {c.id: c.vetted for c in inputs.cooks} == {cook.id: False, renewed.id: True}
    assert diner.id in {d.id for d in inputs.diners}


# ---------------------------------------------------------------- waiting list and matching


def test_the_waiting_list_gives_each_diner_a_reason_and_what_would_help(
    client, barnet, database, auth
):
    halal = 1 << 2
    full_cook = f.cook(barnet, capacity=1, can_cook_mask=halal)
    f.pairing(full_cook, f.diner(barnet, first_name="Paired"), distance_km=0.1)
    f.diner(
        barnet,
        first_name="Hamid",
        needs_mask=halal,
        waiting_since=datetime(2025, 1, 1, tzinfo=UTC),
    )
    f.diner(
        barnet,
        first_name="Kosher",
        needs_mask=1 << 3,
        waiting_since=datetime(2025, 2, 1, tzinfo=UTC),
    )
    f.diner(
        barnet,
        first_name="Faraway",
        latitude=51.75,
        outcode="EN5",
        waiting_since=datetime(2024, 6, 1, tzinfo=UTC),
    )
    database.session.commit()
    auth.login("co@example.org")
    html = client.get("/coordinator/barnet/waiting").get_data(as_text=True)
    assert "3 diners are waiting" in html
    # Oldest first.
    assert html.index("Faraway") < html.index("Hamid") < html.index("Kosher")
    assert "No vetted cook within 1.9 miles. A cook near EN5 would help." in html
    assert "1 halal cook within 1.9 miles is full." in html
    assert "1 cook within 1.9 miles, none cooks kosher. A kosher cook near N3 would help." in html
    assert "Reasons were worked out by the matcher on" in html
    assert "Paired" not in html


def test_run_matching_then_approve_some_and_then_all(client, barnet, database, auth):
    cook = f.cook(barnet, capacity=3, days_mask=0b0000101, user=f.user(Role.COOK, first_name="Cat"))
    diners = [
        f.diner(barnet, first_name=name, days_mask=0b0000100, latitude=51.6003 + i * 0.001)
        for i, name in enumerate(("Ann", "Bob", "Cy"))
    ]
    database.session.commit()
    auth.login("co@example.org")
    response = client.post("/coordinator/barnet/matching", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "The matcher proposed 3 new pairs." in html
    assert "Wednesday" in html and "mile" in html
    assert "3 proposals, oldest first" in html
    proposals = database.session.scalars(select(Pairing).order_by(Pairing.diner_id)).all()
    assert [p.status for p in proposals] == [PairingStatus.PROPOSED] * 3
    assert {p.cook_id for p in proposals} == {cook.id}
    # The waiting list now shows nobody: proposed diners are not waiting.
    assert "Nobody is waiting" in client.get("/coordinator/barnet/waiting").get_data(as_text=True)

    response = client.post(
        "/coordinator/barnet/proposals/approve",
        data={"pairing_id": [str(proposals[0].id)], "approve_selected": "1"},
        follow_redirects=True,
    )
    assert "Approved 1 proposal." in response.get_data(as_text=True)
    assert [p.status for p in proposals] == [
        PairingStatus.APPROVED,
        PairingStatus.PROPOSED,
        PairingStatus.PROPOSED,
    ]
    response = client.post(
        "/coordinator/barnet/proposals/approve", data={"approve_all": "1"}, follow_redirects=True
    )
    assert "Approved 2 proposals." in response.get_data(as_text=True)
    assert {p.status for p in proposals} == {PairingStatus.APPROVED}
    assert [p.diner_id for p in proposals] == [d.id for d in diners]


def test_approving_nothing_ticked_is_explained(client, barnet, database, auth):
    f.pairing(f.cook(barnet), f.diner(barnet), PairingStatus.PROPOSED, distance_km=0.3)
    database.session.commit()
    auth.login("co@example.org")
    response = client.post("/coordinator/barnet/proposals/approve", data={"approve_selected": "1"})
    assert response.status_code == 422
    assert "Tick at least one proposal to approve." in response.get_data(as_text=True)


# ---------------------------------------------------------------- monitor


NOW = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)


def _pairing_with_meals(area, cook, started_days_ago, meal_days_ago, status=PairingStatus.ACTIVE):
    p = f.pairing(cook, f.diner(area), status, started_at=NOW - timedelta(days=started_days_ago))
    for n in meal_days_ago:
        p.meals.append(MealShare(shared_on=NOW.date() - timedelta(days=n), dish="Stew"))
    return p


def test_sql_at_risk_agrees_with_the_stats_rule(barnet, database):
    cook = f.cook(barnet, capacity=12)
    cases = [
        (20, ()),
        (21, ()),
        (30, (21,)),
        (30, (20,)),
        (60, (50, 40, 30, 15)),
        (60, (50, 40, 30, 24)),
        (60, (35, 28, 21, 14)),
        (80, (70, 56, 42, 28)),
        (80, (70, 56, 42, 27)),
        (13, ()),
    ]
    made = [_pairing_with_meals(barnet, cook, s, m) for s, m in cases]
    resumed = _pairing_with_meals(barnet, cook, 90, (60, 50, 40))
    resumed.pauses.append(
        PairingPause(started_at=NOW - timedelta(days=35), ended_at=NOW - timedelta(days=5))
    )
    _pairing_with_meals(barnet, cook, 90, (60,), PairingStatus.PAUSED)
    other = f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    _pairing_with_meals(other, f.cook(other), 60, ())
    database.session.commit()
    expected = stats.at_risk_ids({barnet.id}, now=NOW)
    found = monitor.at_risk_ids(barnet, NOW.date())
    assert sorted(found) == sorted(expected)
    # Quiet 21 days with no meal; 21 after one meal; 24 after every 8.7; 14 after weekly
    # (the floor); 28 after fortnightly. Oldest first.
    assert sorted(found) == sorted(made[i].id for i in (1, 2, 5, 6, 7))
    assert found == [made[i].id for i in (7, 5, 6, 2, 1)]


def test_the_monitor_filters_and_shows_rhythm_and_concerns(client, barnet, database, auth):
    cook = f.cook(barnet, capacity=12, user=f.user(Role.COOK, first_name="Cook"))
    quiet = _pairing_with_meals(barnet, cook, 60, (50, 40, 30, 24))
    fine = _pairing_with_meals(barnet, cook, 60, (50, 40, 30, 3))
    fine.diner.first_name = "Fine"
    quiet.diner.first_name = "Quiet"
    paused = _pairing_with_meals(barnet, cook, 60, (50,), PairingStatus.PAUSED)
    paused.diner.first_name = "Resting"
    ended = f.pairing(
        cook,
        f.diner(barnet, first_name="Gone"),
        PairingStatus.ENDED,
        started_at=NOW - timedelta(days=100),
        ended_at=NOW - timedelta(days=10),
    )
    database.session.add(Feedback(pairing_id=fine.id, comment="Food was cold", is_concern=True))
    database.session.commit()
    auth.login("co@example.org")

    live = client.get("/coordinator/barnet/pairings").get_data(as_text=True)
    assert "Quiet" in live and "Fine" in live and "Resting" in live and "Gone" not in live
    assert "Active and paused (3)" in live and "Ended (1)" in live
    assert live.count("At risk</strong>") == 1
    assert "every 8.7 days" in live  # (50 - 24) / 3

    risky = client.get("/coordinator/barnet/pairings?view=at_risk").get_data(as_text=True)
    assert "Quiet" in risky and "Fine" not in risky and "At risk (1)" in risky
    ended_page = client.get("/coordinator/barnet/pairings?view=ended").get_data(as_text=True)
    assert "Gone" in ended_page and "Quiet" not in ended_page and ended.id
    # The concern is counted on its pairing's row.
    row = live[live.index("Fine") :].split("</tr>")[0]
    assert f'href="/pairings/{fine.id}#concerns">1 open concern' in row
    # An ended pairing shows when it ended.
    assert "on " + long_date(ended.ended_at) in ended_page


def test_the_monitor_is_paginated(client, barnet, database, auth):
    cook = f.cook(barnet, capacity=12)
    for i in range(30):
        f.pairing(
            cook, f.diner(barnet, first_name=f"D{i:02d}"), started_at=NOW - timedelta(days=i + 1)
        )
    database.session.commit()
    auth.login("co@example.org")
    first = client.get("/coordinator/barnet/pairings").get_data(as_text=True)
    second = client.get("/coordinator/barnet/pairings?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "D00" in first and "D29" not in first
    assert "Page 2 of 2" in second and "D29" in second and "D00" not in second


# ---------------------------------------------------------------- fixed number of queries


def _populate(area, n):
    """n cooks, n waiting diners, n pairings with meals, pauses and concerns, n proposals."""
    today = NOW.date()
    for i in range(n):
        cook = f.cook(area, capacity=3, vetted=i % 2 == 0)
        f.diner(area, waiting_since=NOW - timedelta(days=i))
        p = f.pairing(cook, f.diner(area), started_at=NOW - timedelta(days=100 + i), distance_km=1)
        for k in range(3):
            p.meals.append(MealShare(shared_on=today - timedelta(days=10 * k + i % 7), dish="Pie"))
        if i % 3 == 0:
            p.pauses.append(
                PairingPause(started_at=NOW - timedelta(days=50), ended_at=NOW - timedelta(days=40))
            )
        f.pairing(cook, f.diner(area), PairingStatus.PROPOSED, distance_km=0.5)
        if i % 4 == 0:
            f.pairing(
                cook,
                f.diner(area),
                PairingStatus.ENDED,
                started_at=NOW - timedelta(days=300),
                ended_at=NOW - timedelta(days=100),
            )


def _count_queries(client, database, url):
    client.get(url)  # warm up: the matcher's reasons are worked out once and remembered
    statements = []

    def listener(*args):
        statements.append(args[2])

    event.listen(database.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(database.engine, "before_cursor_execute", listener)
    assert response.status_code == 200, url
    return len(statements)


URLS = [
    "/coordinator/barnet/figures",
    "/coordinator/barnet/waiting",
    "/coordinator/barnet/pairings",
    "/coordinator/barnet/pairings?view=at_risk",
    "/coordinator/barnet/pairings?view=ended",
    "/coordinator/barnet/vetting?show=all",
    "/coordinator/barnet/proposals",
    "/coordinator/barnet/map",
    "/coordinator/barnet/map.json",
]


@pytest.mark.parametrize("url", URLS)
def test_each_page_takes_the_same_number_of_queries_for_5_or_50_records(
    client, barnet, database, url, auth
):
    counts = []
    for n in (5, 45):  # 5 records, then 50
        _populate(barnet, n)
        database.session.commit()
        if not counts:
            auth.login("co@example.org")
        matching_runs.forget_reasons()
        counts.append(_count_queries(client, database, url))
    assert counts[0] == counts[1], f"{url}: {counts[0]} queries for 5 records, {counts[1]} for 50"
