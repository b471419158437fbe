"""Area figures for a constructed area, checked against values worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from casserole.coordinator import charts
from casserole.models import (
    CheckKind,
    MealShare,
    PairingPause,
    PairingStatus,
    Role,
    VettingCheck,
)
from casserole.services.coordinator import figures
from casserole.services.coordinator.periods import Period, last_months
from tests.support import factories as f

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
OLD = datetime(2024, 1, 1, tzinfo=UTC)
DAYS_PER_MONTH = 365.25 / 12


def _checks(cook, expires_dbs=date(2027, 1, 1)):
    for kind in CheckKind:
        cook.checks.append(
            VettingCheck(
                kind=kind,
                checked_on=date(2024, 1, 10),
                expires_on=expires_dbs if kind == CheckKind.DBS else None,
            )
        )


def _diner(area, birth=None):
    return f.diner(area, created_at=OLD, birth_date=birth)


def build_area(database):
    """The constructed area of the docstring of test_figures_match_hand_computed_values."""
    area = f.area(meal_cost_pence=500)
    c1 = f.cook(area, vetted=False, created_at=datetime(2024, 6, 1, tzinfo=UTC))
    c2 = f.cook(area, vetted=False, created_at=datetime(2025, 2, 1, tzinfo=UTC))
    f.cook(area, vetted=False, created_at=datetime(2025, 3, 1, tzinfo=UTC))  # never checked
    c4 = f.cook(area, vetted=False, created_at=OLD)
    f.cook(area, vetted=False, created_at=datetime(2025, 7, 15, tzinfo=UTC))  # after the period
    _checks(c1)
    _checks(c2)
    _checks(c4, expires_dbs=date(2025, 6, 1))  # lapsed before the period's end

    # Ages on 30 June 2025: six aged 80 or over (one turns 80 that day), three under, one unknown.
    births = [
        date(1930, 1, 1),
        date(1935, 5, 5),
        date(1940, 2, 2),
        date(1944, 12, 31),
        date(1945, 6, 30),
        date(1941, 8, 8),
        date(1945, 7, 1),
        date(1950, 3, 3),
        date(1960, 4, 4),
        None,
    ]
    diners = [_diner(area, b) for b in births]
    distances = [1.0, 2.0, 3.0, 4.0, 0.5, 1.5, 2.5, 3.5]
    pairings = []
    # Running for 90, 200 and 400 days (right-censored), cooked by c1.
    for i, days in enumerate((90, 200, 400)):
        pairings.append(
            f.pairing(
                c1,
                diners[i],
                PairingStatus.ACTIVE,
                started_at=NOW - timedelta(days=days),
                distance_km=distances[i],
            )
        )
    # Ended after 60, 120, 120, 210 and 300 days, ten days ago, cooked by c2.
    for i, days in enumerate((60, 120, 120, 210, 300), start=3):
        start = NOW - timedelta(days=days + 10)
        pairings.append(
            f.pairing(
                c2,
                diners[i],
                PairingStatus.ENDED,
                started_at=start,
                ended_at=start + timedelta(days=days),
                distance_km=distances[i],
            )
        )
    f.pairing(c1, diners[8], PairingStatus.PROPOSED)  # not started: no figures, not waiting
    # diners[9] has no cook at all.
    pairings[0].pauses.append(
        PairingPause(started_at=NOW - timedelta(days=30), ended_at=NOW - timedelta(days=20))
    )
    meal_days = [
        date(2024, 12, 15),  # before the period: not counted
        date(2025, 1, 15),
        date(2025, 1, 20),
        date(2025, 3, 3),
        date(2025, 3, 10),
        date(2025, 3, 17),
        date(2025, 4, 1),
        date(2025, 6, 1),
        date(2025, 6, 8),
        date(2025, 6, 15),
        date(2025, 6, 29),
    ]
    for day in meal_days:
        pairings[2].meals.append(MealShare(shared_on=day, dish="Stew"))

    # Another borough's records never count.
    other = f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    oc = f.cook(other, created_at=OLD)
    op = f.pairing(
        oc,
        f.diner(other, created_at=OLD, birth_date=date(1930, 1, 1)),
        started_at=NOW - timedelta(days=500),
        distance_km=9.0,
    )
    op.meals.append(MealShare(shared_on=date(2025, 3, 3), dish="Soup"))
    database.session.commit()
    return area


def test_figures_match_hand_computed_values(database):
    """Worked by hand for 1 January to 30 June 2025, 'now' being noon on 30 June.

    Cooks: four signed up by the end (a fifth joined in July); two of them in the period;
    vetted at the end: c1 and c2 (c4's DBS lapsed on 1 June, c3 has no checks); active:
    c1 and c2. Diners: all ten signed up in 2024; six of the nine with a birth date are 80 or
    over on 30 June (1945-06-30 turns 80 that day, 1945-07-01 does not). Waiting now: the one
    with no cook plus the five whose pairing ended (the proposed one is not waiting) = 6.
    Matched: the eight started pairings all ran during the period.
    Distance: mean of 1, 2, 3, 4, 0.5, 1.5, 2.5, 3.5 km = 2.25 km.
    Pairing-days in the period (from midnight 1 January to noon 30 June = 180.5 days):
    90 + 180.5 + 180.5 (running) + 60 + 120 + 120 + 170.5 + 170.5 (ended) = 1092, less a
    10-day pause = 1082 days over 10 meals in the period = 108.2 days = 15.457 weeks.
    Meals per month: Jan 2, Feb 0, Mar 3, Apr 1, May 0, Jun 4; cost 10 x £5.00 = £50.00.
    Kaplan–Meier (as in tests/web/test_stats.py): events at 60, 120, 120, 210, 300; censored
    at 90, 200, 400: S(3 months) = 7/8, S(6) = 7/12, S(12) = 7/36; median 210 days
    (6.90 months); longest 400 days (13.14 months).
    """
    area = build_area(database)
    fig = figures.compute(area, Period(date(2025, 1, 1), date(2025, 6, 30)), now=NOW)

    assert (fig.cooks_signed_up, fig.cooks_new, fig.cooks_vetted, fig.cooks_active) == (4, 2, 2, 2)
    assert fig.diners_signed_up == 10
    assert (fig.diners_with_age, fig.diners_over_80) == (9, 6)
    assert fig.share_over_80 == pytest.approx(6 / 9)
    assert fig.diners_waiting == 6
    assert fig.diners_matched == 8
    assert fig.avg_distance_km == pytest.approx(2.25)
    assert fig.avg_interval_days == pytest.approx(108.2)
    assert fig.avg_interval_weeks == pytest.approx(108.2 / 7)
    assert [(m.month, n) for m, n in fig.months] == [(1, 2), (2, 0), (3, 3), (4, 1), (5, 0), (6, 4)]
    assert fig.meals_total == 10
    assert fig.cost_avoided_pence == 5000

    s = fig.survival
    assert (s.pairings, s.ended, s.ongoing) == (8, 5, 3)
    assert s.median_days == pytest.approx(210)
    assert fig.median_months == pytest.approx(210 / DAYS_PER_MONTH)
    assert s.survival[3] == pytest.approx(7 / 8)
    assert s.survival[6] == pytest.approx(7 / 12)
    assert s.survival[12] == pytest.approx(7 / 36)
    assert fig.longest_months == pytest.approx(400 / DAYS_PER_MONTH)
    # The curve steps down at each ending and is flat to the longest follow-up.
    assert fig.survival.at(59) == 1.0
    assert fig.survival.at(60) == pytest.approx(7 / 8)
    assert fig.survival.at(150) == pytest.approx(7 / 12)
    assert fig.survival.at(399) == pytest.approx(7 / 36)
    assert fig.curve[-1][0] == pytest.approx(400)


def test_pairings_ending_after_the_period_count_as_running_at_its_end(database):
    """A ended on 1 May (120 days), B still runs: by 31 March A is censored at 90 days."""
    area = f.area()
    cook = f.cook(area, created_at=OLD)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    f.pairing(
        cook,
        f.diner(area, created_at=OLD),
        PairingStatus.ENDED,
        started_at=start,
        ended_at=start + timedelta(days=120),
    )
    f.pairing(cook, f.diner(area, created_at=OLD), started_at=start)
    database.session.commit()

    march = figures.compute(area, Period(date(2025, 1, 1), date(2025, 3, 31)), now=NOW)
    assert (march.survival.ended, march.survival.ongoing) == (0, 2)
    assert march.survival.median_days is None
    assert march.survival.longest_days == pytest.approx(90)  # 1 January to midnight 1 April

    june = figures.compute(area, Period(date(2025, 1, 1), date(2025, 6, 30)), now=NOW)
    assert (june.survival.ended, june.survival.ongoing) == (1, 1)
    assert june.survival.median_days == pytest.approx(120)  # 2 at risk, one ends: S = 1/2


def test_an_empty_area_has_no_figures_rather_than_errors(database):
    area = f.area()
    database.session.commit()
    fig = figures.compute(area, last_months(12, today=date(2025, 6, 30)), now=NOW)
    assert fig.cooks_signed_up == 0 and fig.meals_total == 0
    assert fig.avg_distance_km is None and fig.avg_interval_days is None
    assert fig.share_over_80 is None and fig.longest_months is None and fig.curve == []
    assert len(fig.months) == 12 and fig.months[0][0] == date(2024, 7, 1)
    chart = charts.survival_chart(fig.curve)
    assert chart.path == ""


def test_the_figures_page_shows_the_numbers_and_charts(client, database):
    area = build_area(database)
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    database.session.commit()
    client.post("/auth/login", data={"email": "co@example.org", "password": f.PASSWORD})
    page = client.get("/coordinator/barnet/figures?period=custom&start=2025-01-01&end=2025-06-30")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and 'class="km-line"' in html and 'class="bar"' in html
    assert "Median pairing length" in html
    assert "£50.00" in html
    assert "Meals shared each month" in html and "March 2025" in html
    assert "1.4 miles" in html  # 2.25 km


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&start=2025-01-01", "Enter the last day of the period."),
        ("period=custom&start=2025-06-01&end=2025-01-01", "The last day must be after the first."),
        ("period=custom&start=2015-01-01&end=2025-01-01", "Choose a period of at most five years."),
        ("period=custom&start=2025-01-01&end=2999-01-01", "The last day cannot be in the future."),
        ("period=forever", "Not a valid choice."),
    ],
)
def test_a_bad_period_is_explained_next_to_the_field(client, database, query, message):
    area = f.area()
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    database.session.commit()
    client.post("/auth/login", data={"email": "co@example.org", "password": f.PASSWORD})
    page = client.get(f"/coordinator/barnet/figures?{query}")
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert message in html and "There is a problem" in html


def test_meals_are_counted_per_area_whichever_holds_most_pairings(database):
    """Barnet holds most pairings (counted by subtracting the others), Tower Hamlets few."""
    build_area(database)
    from sqlalchemy import select

    from casserole.models import Area

    barnet, hamlets = (
        database.session.scalar(select(Area).where(Area.slug == slug))
        for slug in ("barnet", "tower-hamlets")
    )
    period = Period(date(2025, 1, 1), date(2025, 6, 30))
    assert [n for _, n in figures.compute(barnet, period, now=NOW).months] == [2, 0, 3, 1, 0, 4]
    assert [n for _, n in figures.compute(hamlets, period, now=NOW).months] == [0, 0, 1, 0, 0, 0]


def test_a_coordinator_sets_the_meal_cost_used_for_cost_avoided(client, database):
    area = build_area(database)
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    database.session.commit()
    client.post("/auth/login", data={"email": "co@example.org", "password": f.PASSWORD})
    response = client.post(
        "/coordinator/barnet/figures", data={"meal_cost": "5.50"}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "A council meal now counts as £5.50." in html
    assert area.meal_cost_pence == 550
    page = client.get("/coordinator/barnet/figures?period=custom&start=2025-01-01&end=2025-06-30")
    assert "£55.00" in page.get_data(as_text=True)  # 10 meals at £5.50

    for bad, message in (
        ("-1", "Enter an amount between £0 and £50."),
        ("lots", "Not a valid decimal value."),
    ):
        response = client.post("/coordinator/barnet/figures", data={"meal_cost": bad})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert area.meal_cost_pence == 550
