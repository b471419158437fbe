"""The vetting rule has one owner (CookProfile.is_vetted): its Python and SQL sides agree, and
every place that asks "is this cook vetted?" gives the owner's answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from casserole.models import CheckKind, CookProfile, VettingCheck
from casserole.services import matching as adapter
from casserole.services import profiles, vetting
from casserole.services.coordinator import figures
from casserole.services.coordinator.periods import Period
from tests.support import factories as f

DAY = date(2025, 6, 30)
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
ID, DBS, FOOD = CheckKind.ID, CheckKind.DBS, CheckKind.FOOD_HYGIENE


def _days(n: int) -> date:
    return DAY + timedelta(days=n)


# Each cook's checks as (kind, checked on, expires on); days are relative to DAY.
CASES: dict[str, list[tuple[CheckKind, int, int | None]]] = {
    "none": [],
    "all valid": [(ID, -100, None), (DBS, -100, 300), (FOOD, -100, 300)],
    "two of three": [(ID, -100, None), (DBS, -100, 300)],
    "DBS expires on the day": [(ID, -100, None), (DBS, -400, 0), (FOOD, -100, 300)],
    "DBS expires the day after": [(ID, -100, None), (DBS, -400, 1), (FOOD, -100, 300)],
    "food expired long ago": [(ID, -100, None), (DBS, -100, 300), (FOOD, -800, -400)],
    "expired then renewed": [
        (ID, -100, None),
        (DBS, -800, -30),
        (DBS, -20, 700),
        (FOOD, -100, 300),
    ],
    "renewed, old one still listed last": [
        (ID, -100, None),
        (DBS, -10, 700),
        (DBS, -900, -300),
        (FOOD, -100, 300),
    ],
    "ID checked tomorrow": [(ID, 1, None), (DBS, -100, 300), (FOOD, -100, 300)],
    "ID checked today": [(ID, 0, None), (DBS, -100, 300), (FOOD, -100, 300)],
    "three DBS, nothing else": [(DBS, -100, 300), (DBS, -50, 300), (DBS, -10, 300)],
}
# Days either side of every boundary above.
PROBES = [_days(n) for n in (-31, -30, -21, -20, -1, 0, 1, 2, 299, 300, 301)]


def _build(database):
    area = f.area()
    cooks = {}
    for name, checks in CASES.items():
        cook = f.cook(area, vetted=False, created_at=LONG_AGO)
        for kind, checked, expires in checks:
            cook.checks.append(
                VettingCheck(
                    kind=kind,
                    checked_on=_days(checked),
                    expires_on=None if expires is None else _days(expires),
                )
            )
        cooks[name] = cook
    database.session.commit()
    return area, cooks


def test_python_and_sql_sides_of_the_rule_agree(database):
    area, cooks = _build(database)
    for day in PROBES:
        in_sql = set(
            database.session.scalars(select(CookProfile.id).where(CookProfile.is_vetted(day)))
        )
        in_python = {c.id for c in cooks.values() if c.is_vetted(day)}
        assert in_sql == in_python, day
    # The rule is not vacuous: on DAY it splits the cooks as worked out by hand.
    vetted_today = {n for n, c in cooks.items() if c.is_vetted(DAY)}
    assert vetted_today == {
        "all valid",
        "DBS expires the day after",
        "expired then renewed",
        "renewed, old one still listed last",
        "ID checked today",
    }


def test_every_caller_gives_the_owners_answer(database):
    area, cooks = _build(database)
    for day in PROBES:
        owner = {c.id: c.is_vetted(day) for c in cooks.values()}
        # The cook's own page, the coordinator's cook page and queue.
        assert {c.id: profiles.vetting_status(c, day).vetted for c in cooks.values()} == owner
        assert {c.id: vetting.cook_vetting(c, day).vetted for c in cooks.values()} == owner
        queue = vetting.queue(area, show="all", per_page=100, today=day)
        assert {row.cook.id: row.vetted for row in queue.rows} == owner
        # The matcher's input (every cook here is active and not on a break).
        matcher_cooks = adapter.load_inputs(area, today=day).cooks
        assert {c.id: c.vetted for c in matcher_cooks} == owner
        # The figures' count at the end of a period.
        fig = figures.compute(
            area, Period(day - timedelta(days=30), day), now=LONG_AGO.replace(year=2030)
        )
        assert fig.cooks_vetted == sum(owner.values())


def test_the_queue_lists_cooks_not_vetted_or_expiring_within_the_warning(database):
    area, cooks = _build(database)
    attention = {row.cook.id for row in vetting.queue(area, per_page=100, today=DAY).rows}
    soon = DAY + timedelta(days=vetting.EXPIRY_WARNING_DAYS)
    assert attention == {c.id for c in cooks.values() if not c.is_vetted(soon)}
    # Not vetted today come first.
    order = [row.vetted for row in vetting.queue(area, per_page=100, today=DAY).rows]
    assert order == sorted(order)
