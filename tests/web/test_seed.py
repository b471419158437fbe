"""Demo data: idempotent, realistic, and consistent with every rule the service enforces."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select, text

from casserole import clock
from casserole import demo as seed
from casserole.geocoding import great_circle_km
from casserole.models import (
    Area,
    CookProfile,
    DinerProfile,
    MealShare,
    Pairing,
    PairingStatus,
    Role,
    User,
)
from casserole.services.accounts import authenticate


def _counts(database) -> dict[str, int]:
    s = database.session
    return {
        m.__name__: s.scalar(select(func.count()).select_from(m))
        for m in (Area, User, CookProfile, DinerProfile, Pairing, MealShare)
    }


def test_seed_demo_command_is_idempotent_and_prints_logins(app, database):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "coordinator.barnet@casserole.example" in first.output
    assert "password for all: casserole-demo" in first.output
    assert "Seeded the three-borough demo" in first.output
    before = _counts(database)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "already present: nothing changed" in second.output
    assert _counts(database) == before
    assert before["Area"] == 3 and before["CookProfile"] == 72 and before["DinerProfile"] == 108


@pytest.fixture
def demo(database):
    seed.seed_boroughs()
    return database


def test_every_printed_login_works(demo):
    for _, email, password in seed.demo_logins():
        assert authenticate(email, password) is not None, email


def test_areas_have_their_districts_and_their_own_coordinator(demo):
    areas = {a.slug: a for a in demo.session.scalars(select(Area))}
    assert {d.outcode for d in areas["tower-hamlets"].districts} == {"E1", "E1W", "E2", "E3", "E14"}
    for slug, area in areas.items():
        coordinator = demo.session.scalar(
            select(User).where(User.email == f"coordinator.{slug}@casserole.example")
        )
        assert [a.slug for a in coordinator.areas] == [slug]
        for person in demo.session.scalars(
            select(DinerProfile).where(DinerProfile.area_id == area.id)
        ):
            assert person.outcode in {d.outcode for d in area.districts}


def test_people_look_like_the_scheme(demo):
    today = clock.today()
    diners = list(demo.session.scalars(select(DinerProfile)))
    over_80 = sum(1 for d in diners if d.age_on(today) >= 80) / len(diners)
    assert 0.65 <= over_80 <= 0.95
    carers = Counter(d.carer_id for d in diners if d.carer_id)
    assert max(carers.values()) >= 3  # the demo carer switches between several diners
    assert sum(1 for d in diners if d.user_id) == 12  # four self-registered diners per area
    cooks = list(demo.session.scalars(select(CookProfile)))
    vetted = sum(1 for c in cooks if c.is_vetted(today))
    assert 0 < vetted < len(cooks)


def test_pairings_respect_the_hard_constraints_and_have_history(demo):
    today = clock.today()
    statuses = Counter(p.status for p in demo.session.scalars(select(Pairing)))
    assert statuses[PairingStatus.ACTIVE] >= 30 and statuses[PairingStatus.ENDED] >= 5
    live = list(
        demo.session.scalars(select(Pairing).where(Pairing.status.in_(["active", "paused"])))
    )
    assert len({p.diner_id for p in live}) == len(live)
    load = Counter(p.cook_id for p in live)
    for p in live:
        cook, diner = p.cook, p.diner
        assert cook.is_vetted(today)
        assert diner.needs <= cook.can_cook
        assert diner.days & cook.days
        km = great_circle_km(cook.latitude, cook.longitude, diner.latitude, diner.longitude)
        assert km <= min(cook.max_km, diner.max_km) + 1e-9
        assert abs(km - p.distance_km) < 0.01
        assert load[cook.id] <= cook.capacity
    first, last = demo.session.execute(
        select(func.min(MealShare.shared_on), func.max(MealShare.shared_on))
    ).one()
    assert (last - first).days > 365
    assert (today - last).days < 30


def test_demo_role_accounts_have_something_to_show(demo):
    carer = demo.session.scalar(select(User).where(User.email == "carer.barnet@casserole.example"))
    assert carer.role == Role.CARER and len(carer.managed_diners) >= 3
    cook = demo.session.scalar(select(User).where(User.email == "cook.barnet@casserole.example"))
    assert cook.cook_profile.is_vetted(clock.today())


@pytest.mark.slow
def test_city_scale_seed(app, database):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--scale", "city"])
    assert result.exit_code == 0, result.output
    counts = _counts(database)
    assert counts["CookProfile"] == 10_000 and counts["DinerProfile"] == 50_000
    assert counts["Pairing"] == 20_000 and counts["MealShare"] == 500_000
    live = database.session.scalar(
        select(func.count(func.distinct(Pairing.diner_id))).where(Pairing.status == "active")
    )
    assert live == database.session.scalar(select(func.count()).where(Pairing.status == "active"))
    # The planner knows what was loaded (a bulk load leaves it guessing until autovacuum).
    if database.engine.dialect.name == "postgresql":
        planned_rows = database.session.scalar(
            text("SELECT reltuples FROM pg_class WHERE relname = 'diner_profiles'")
        )
    else:
        stat = database.session.scalar(
            text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'diner_profiles' LIMIT 1")
        )
        planned_rows = int(stat.split()[0]) if stat else -1
    assert planned_rows == 50_000
    assert (
        "already present"
        in app.test_cli_runner().invoke(args=["seed-demo", "--scale", "city"]).output
    )
