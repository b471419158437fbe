"""The three-borough demo, built from the roster: people, history and a waiting list."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from faker import Faker
from sqlalchemy import select

from casserole import clock
from casserole.demo.common import DEMO_DOMAIN, DEMO_PASSWORD, SeedReport, make_user
from casserole.demo.history import History, distances, insert_meals, plan_slots, play
from casserole.demo.offline import offline_people
from casserole.demo.people import Town, make_carers, make_cooks, stamp_cooks
from casserole.demo.roster import BOROUGHS, Borough
from casserole.demo.waiting import place_waiting
from casserole.extensions import db
from casserole.models import Area, AreaDistrict, Role
from casserole.services.accounts import hash_password

# Reasons that do not depend on who is already paired; placed before the pairings, so a
# cook whose reach had to shrink for "no cook in range" has pairings that fit it.
_BEFORE_PAIRINGS = ("no_cook_in_range", "no_cook_for_needs", "no_shared_day", "cooks_excluded")


def demo_present() -> bool:
    """True when the borough demo has been seeded already."""
    return db.session.scalar(select(Area.id).where(Area.slug == BOROUGHS[0].slug)) is not None


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, e-mail, password) of the headline demo accounts."""
    rows = [("admin", f"admin@{DEMO_DOMAIN}", DEMO_PASSWORD)]
    for b in BOROUGHS:
        for role in ("coordinator", "cook", "carer", "diner"):
            rows.append((f"{role} ({b.name})", f"{role}.{b.slug}@{DEMO_DOMAIN}", DEMO_PASSWORD))
    return rows


def seed_boroughs(seed: int = 2024, progress: Callable[[int], None] | None = None) -> SeedReport:
    """Create the three-borough demo once; a second run changes nothing (idempotent)."""
    report = SeedReport()
    if demo_present():
        report.skipped = True
        report.logins = demo_logins()
        return report
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    now = clock.now()
    pw = hash_password(DEMO_PASSWORD)
    opened = now - timedelta(days=600)  # the scheme started before the first meal
    db.session.add(make_user(f"admin@{DEMO_DOMAIN}", Role.ADMIN, "Ada", "Admin", pw, opened))
    report.add("users")
    for borough in BOROUGHS:
        _borough(borough, rng, fake, pw, report)
        if progress:
            progress(1)
    db.session.commit()
    report.logins = demo_logins()
    return report


def _borough(b: Borough, rng: random.Random, fake: Faker, pw: str, report: SeedReport) -> None:
    now = clock.now()
    area = Area(
        name=b.name,
        slug=b.slug,
        contact_email=f"{b.slug}@{DEMO_DOMAIN}",
        contact_phone="020 7946 0000",
        created_at=now - timedelta(days=600),
    )
    area.districts = [AreaDistrict(outcode=o) for o in b.outcodes]
    coordinator = make_user(
        f"coordinator.{b.slug}@{DEMO_DOMAIN}",
        Role.COORDINATOR,
        fake.first_name(),
        fake.last_name(),
        pw,
        area.created_at,
    )
    coordinator.areas = [area]
    db.session.add_all([area, coordinator])
    report.add("areas")
    report.add("users")
    town = Town(b, area, coordinator, rng, fake, pw, now, clock.today(), report)
    make_cooks(town)
    make_carers(town)
    db.session.add_all([*town.cooks, *town.carers])
    db.session.flush()

    # Diners: the headline ones (own login; the first carer's) first, the rest shuffled.
    headline = [0, *range(b.self_registered, b.self_registered + b.first_carer_diners)]
    rest = [i for i in range(b.diners) if i not in headline]
    rng.shuffle(rest)
    over_80 = [True] * b.over_80 + [False] * (b.diners - b.over_80)
    rng.shuffle(over_80)
    hist = History()

    waiting = list(b.waiting)
    for reason in waiting:
        if reason in _BEFORE_PAIRINGS:
            i = rest.pop()
            place_waiting(town, reason, i, over_80[i], hist)
    order = iter(headline + rest)
    slots = plan_slots(town)
    for slot, km in zip(slots, distances(town, len(slots)), strict=True):
        i = next(order)
        play(town, slot, i, over_80[i], km, hist)
    for reason in waiting:
        if reason not in _BEFORE_PAIRINGS:
            i = next(order)
            place_waiting(town, reason, i, over_80[i], hist)
    # Whoever is left signed up recently and waits like anyone else.
    for i in order:
        place_waiting(town, "", i, over_80[i], hist)
    db.session.flush()
    stamp_cooks(town, hist.first_proposed)
    insert_meals(town, hist)
    db.session.flush()
    # Letters, calls and texts: some people asked for them, and the reminder is queued.
    offline_people(town, BOROUGHS.index(b))
    db.session.flush()
