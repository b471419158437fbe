"""Durations, rhythm and Kaplan–Meier summaries, checked against figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casserole.models import MealShare, PairingPause, PairingStatus
from casserole.services import stats
from tests.support import factories as f

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)


def test_kaplan_meier_matches_the_hand_computed_estimate(database):
    """Eight pairings: five ended (events), three still running (right-censored).

    Ended after 60, 120, 120, 210 and 300 days; running for 90, 200 and 400 days.
    By hand (product-limit): 8 at risk at day 60, one ends -> S = 7/8.
    Day 90 censored -> 6 at risk; day 120 two end -> S = 7/8 * 4/6 = 7/12.
    Day 200 censored -> 3 at risk; day 210 one ends -> S = 7/12 * 2/3 = 7/18.
    Day 300: 2 at risk, one ends -> S = 7/18 * 1/2 = 7/36. Day 400 censored.
    Median: the first time S falls to 1/2 or below = day 210.
    At 3 months (91.3 days) S = 7/8; at 6 months (182.6) S = 7/12; at 12 months (365.25)
    S = 7/36, known because follow-up reaches 400 days.
    """
    area = f.area()
    cook = f.cook(area, capacity=12)
    for days in (60, 120, 120, 210, 300):
        start = NOW - timedelta(days=days + 500)
        f.pairing(
            cook,
            f.diner(area),
            PairingStatus.ENDED,
            started_at=start,
            ended_at=start + timedelta(days=days),
        )
    for days, status in (
        (90, PairingStatus.ACTIVE),
        (200, PairingStatus.PAUSED),
        (400, PairingStatus.ACTIVE),
    ):
        f.pairing(cook, f.diner(area), status, started_at=NOW - timedelta(days=days))
    f.pairing(cook, f.diner(area), PairingStatus.PROPOSED)  # never started: not counted
    other = f.area("Tower Hamlets", ("E1",))
    f.pairing(
        f.cook(other), f.diner(other), PairingStatus.ENDED, started_at=NOW - timedelta(days=9)
    )
    database.session.commit()

    summary = stats.duration_summary({area.id}, now=NOW)
    assert (summary.pairings, summary.ended, summary.ongoing) == (8, 5, 3)
    assert summary.median_days == pytest.approx(210)
    assert summary.survival[3] == pytest.approx(7 / 8)
    assert summary.survival[6] == pytest.approx(7 / 12)
    assert summary.survival[12] == pytest.approx(7 / 36)
    assert summary.longest_days == pytest.approx(400)


def test_survival_beyond_the_longest_follow_up_is_not_guessed():
    summary = stats.survival([(30.0, True), (100.0, False)])
    assert summary.survival[3] == pytest.approx(0.5)
    assert summary.survival[6] is None and summary.survival[12] is None
    assert summary.median_days == pytest.approx(30)


def test_no_endings_yet_means_no_median():
    summary = stats.survival([(30.0, False), (400.0, False)])
    assert summary.median_days is None
    assert summary.survival[3] == 1.0 and summary.survival[12] == 1.0
    empty = stats.survival([])
    assert empty.pairings == 0 and empty.median_days is None and empty.survival[3] is None


def _meals(pairing, days_ago, today):
    for n in days_ago:
        pairing.meals.append(MealShare(shared_on=today - timedelta(days=n), dish="Stew"))


def test_rhythm_counts_meals_intervals_duration_and_pauses(database):
    area = f.area()
    p = f.pairing(f.cook(area), f.diner(area), started_at=NOW - timedelta(days=40))
    _meals(p, (35, 28, 21, 14), NOW.date())
    p.pauses.append(
        PairingPause(started_at=NOW - timedelta(days=12), ended_at=NOW - timedelta(days=7))
    )
    database.session.commit()
    r = stats.rhythm(p, now=NOW)
    assert r.meals == 4 and r.last_meal == NOW.date() - timedelta(days=14)
    assert r.mean_interval_days == pytest.approx(7)
    assert r.duration_days == pytest.approx(40) and r.paused_days == pytest.approx(5)
    # Quiet since the pause ended 7 days ago; the threshold is max(14, 2 x 7) = 14.
    assert r.quiet_days == 7 and r.risk_threshold_days == 14 and not r.at_risk


@pytest.mark.parametrize(
    ("started", "meal_days", "at_risk"),
    [
        (20, (), False),  # 20 quiet days before a second meal: not yet
        (21, (), True),  # 21 days with no meal at all
        (30, (21,), True),  # one meal, then 21 days
        (30, (20,), False),
        (60, (50, 40, 30, 15), False),  # every 11.7 days: threshold 23.3, quiet 15
        (60, (50, 40, 30, 24), True),  # every 8.7 days: threshold 17.3, quiet 24
    ],
)
def test_at_risk_thresholds(database, started, meal_days, at_risk):
    area = f.area()
    p = f.pairing(f.cook(area), f.diner(area), started_at=NOW - timedelta(days=started))
    _meals(p, meal_days, NOW.date())
    database.session.commit()
    assert stats.rhythm(p, now=NOW).at_risk is at_risk


def test_twice_the_usual_interval_with_a_fourteen_day_floor(database):
    area = f.area()
    weekly = f.pairing(f.cook(area), f.diner(area), started_at=NOW - timedelta(days=60))
    _meals(weekly, (35, 28, 21, 14), NOW.date())  # every 7 days, quiet 14: at risk (floor)
    fortnightly = f.pairing(f.cook(area), f.diner(area), started_at=NOW - timedelta(days=80))
    _meals(fortnightly, (70, 56, 42, 28), NOW.date())  # every 14 days, quiet 28: at risk
    relaxed = f.pairing(f.cook(area), f.diner(area), started_at=NOW - timedelta(days=80))
    _meals(relaxed, (70, 56, 42, 27), NOW.date())  # quiet 27 < 2 x 14.33: fine
    paused = f.pairing(
        f.cook(area), f.diner(area), PairingStatus.PAUSED, started_at=NOW - timedelta(days=90)
    )
    ended = f.pairing(
        f.cook(area),
        f.diner(area),
        PairingStatus.ENDED,
        started_at=NOW - timedelta(days=90),
        ended_at=NOW - timedelta(days=1),
    )
    database.session.commit()
    result = stats.rhythms(area_ids={area.id}, now=NOW)
    assert result[weekly.id].at_risk and result[fortnightly.id].at_risk
    assert not result[relaxed.id].at_risk
    assert not result[paused.id].at_risk and not result[ended.id].at_risk
    assert stats.at_risk_ids({area.id}, now=NOW) == sorted([weekly.id, fortnightly.id])
    assert result[ended.id].duration_days == pytest.approx(89)


def test_rhythms_for_many_pairings_use_a_fixed_number_of_queries(database):
    from sqlalchemy import event

    area = f.area()
    cook = f.cook(area, capacity=12)
    for _ in range(10):
        p = f.pairing(cook, f.diner(area), started_at=NOW - timedelta(days=50))
        _meals(p, (40, 30, 20), NOW.date())
        p.pauses.append(
            PairingPause(started_at=NOW - timedelta(days=10), ended_at=NOW - timedelta(days=9))
        )
    database.session.commit()
    area_id = area.id
    statements = []
    engine = database.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        result = stats.rhythms(area_ids={area_id}, now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(result) == 10 and all(r.meals == 3 for r in result.values())
    assert len(statements) <= 3


def test_durations_are_days_and_paused_time_separate(database):
    area = f.area()
    p = f.pairing(
        f.cook(area),
        f.diner(area),
        PairingStatus.ENDED,
        started_at=NOW - timedelta(days=100),
        ended_at=NOW - timedelta(days=10),
    )
    p.pauses.append(
        PairingPause(started_at=NOW - timedelta(days=50), ended_at=NOW - timedelta(days=30))
    )
    database.session.commit()
    r = stats.rhythm(p, now=NOW)
    assert r.duration_days == pytest.approx(90) and r.paused_days == pytest.approx(20)
    assert r.last_meal is None and r.meals == 0 and r.mean_interval_days is None


def _documented_rule(meals: int, spread: int, quiet: int) -> bool:
    """The rule as the monitor page states it: quiet for twice the usual gap, at least two
    weeks, or three weeks before the second meal."""
    if meals < 2:
        return quiet >= 21
    return quiet >= max(14.0, 2 * spread / (meals - 1))


def test_the_at_risk_rule_gives_the_same_answer_in_python_and_in_sql(database):
    """stats.at_risk_rule is the one owner; its SQL form (used by the monitor) must agree with
    its Python form (used by stats.rhythm) and with the rule in words, case by case."""
    from sqlalchemy import Integer, literal, select, union_all

    grid = [
        (meals, spread, quiet)
        for meals in range(5)
        for spread in ((0,) if meals < 2 else (0, 3, 7, 10, 14, 21))
        for quiet in range(0, 50)
    ]
    in_python = [stats.at_risk_rule(m, 100, 100 + s, q) for m, s, q in grid]
    assert in_python == [_documented_rule(*case) for case in grid]
    assert any(in_python) and not all(in_python)
    in_sql: list[bool] = []
    for start in range(0, len(grid), 400):  # SQLite allows 500 terms in one UNION ALL
        chunk = grid[start : start + 400]
        parts = []
        for i, (m, s, q) in enumerate(chunk):
            n, first, last, quiet = (literal(v, Integer) for v in (m, 100, 100 + s, q))
            parts.append(
                select(literal(i).label("i"), literal(1).label("risky")).where(
                    stats.at_risk_clause(n, first, last, quiet)
                )
            )
        risky = {i for i, _ in database.session.execute(union_all(*parts)).all()}
        in_sql += [i in risky for i in range(len(chunk))]
    assert in_sql == in_python
