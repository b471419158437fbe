"""The city-scale demo for performance work: one area, 10,000 cooks and 50,000 diners."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from casserole import clock
from casserole.demo.bulk import insert_returning_ids, insert_rows, refresh_statistics
from casserole.demo.common import DEMO_DOMAIN, DEMO_PASSWORD, DISHES, SeedReport, make_user
from casserole.demo.geography import postcode, scatter
from casserole.demo.people import birth_date, some_days
from casserole.extensions import db
from casserole.geocoding import district_centroids
from casserole.models import (
    Area,
    AreaDistrict,
    CheckKind,
    ConsentMethod,
    CookProfile,
    DinerProfile,
    EndReason,
    MealShare,
    Pairing,
    PairingStatus,
    Precision,
    ProposalSource,
    Role,
    User,
    VettingCheck,
)
from casserole.models.vocab import DIET_TAGS, tags_to_mask
from casserole.services.accounts import hash_password

CITY_SLUG = "demo-city"
CITY_NAME = "Birmingham (performance demo)"

CITY_COUNTS = {"cooks": 10_000, "diners": 50_000, "pairings": 20_000, "meal shares": 500_000}


def city_total_rows() -> int:
    """Rows the city-scale seed inserts (users, profiles, checks, pairings, meals), for progress."""
    carers = CITY_COUNTS["diners"] // 4
    return (
        CITY_COUNTS["cooks"] * 2
        + carers
        + CITY_COUNTS["diners"]
        + CITY_COUNTS["cooks"] * 3
        + CITY_COUNTS["pairings"]
        + CITY_COUNTS["meal shares"]
    )


def seed_city(seed: int = 7, progress: Callable[[int], None] | None = None) -> SeedReport:
    """10,000 cooks, 50,000 diners, 20,000 pairings and 500,000 meal shares in one area."""
    report = SeedReport()
    if db.session.scalar(select(Area.id).where(Area.slug == CITY_SLUG)) is not None:
        report.skipped = True
        return report
    rng = random.Random(seed)
    today = clock.today()
    now = clock.now()
    centroids = district_centroids()
    outcodes = sorted(o for o in centroids if o.startswith("B") and o[1:2].isdigit())
    area = Area(name=CITY_NAME, slug=CITY_SLUG)
    area.districts = [AreaDistrict(outcode=o) for o in outcodes]
    pw = hash_password(DEMO_PASSWORD)
    created = now - timedelta(days=600)
    coordinator = make_user(
        f"coordinator.{CITY_SLUG}@{DEMO_DOMAIN}",
        Role.COORDINATOR,
        "Chris",
        "Coordinator",
        pw,
        created,
    )
    coordinator.areas = [area]
    db.session.add_all([area, coordinator])
    db.session.flush()
    first_names = (
        "Amir",
        "Beth",
        "Chen",
        "Dev",
        "Ewa",
        "Femi",
        "Grace",
        "Hana",
        "Ivan",
        "Jo",
        "Kemi",
        "Liam",
        "Mei",
        "Nia",
        "Omar",
        "Priya",
        "Rosa",
        "Sam",
        "Tom",
        "Zoe",
    )

    def located(i: int) -> dict[str, Any]:
        outcode = outcodes[i % len(outcodes)]
        lat, lon = scatter(rng, outcode)
        return {
            "postcode": postcode(rng, outcode),
            "outcode": outcode,
            "latitude": lat,
            "longitude": lon,
            "geo_precision": Precision.DISTRICT.value,
            "area_id": area.id,
            "address_line": f"{rng.randint(1, 250)} Demo Street",
        }

    n_cooks = CITY_COUNTS["cooks"]
    # Sign-up dates spread over the 600 days (ascending with the index, like real ids).
    joined = [created + timedelta(days=600 * i / n_cooks) for i in range(n_cooks)]
    user_rows = [
        {
            "email": f"cook{i}.{CITY_SLUG}@{DEMO_DOMAIN}",
            "role": Role.COOK.value,
            "first_name": rng.choice(first_names),
            "last_name": "Cook",
            "password_hash": pw,
            "is_active_account": True,
            "session_version": 0,
            "created_at": joined[i],
        }
        for i in range(n_cooks)
    ]
    cook_user_ids = insert_returning_ids(User, user_rows, progress)
    cook_rows = [
        {
            "user_id": uid,
            "days_mask": some_days(rng, 2, 5),
            "can_cook_mask": tags_to_mask(t for t in DIET_TAGS if rng.random() < 0.45),
            "capacity": rng.choice((1, 2, 3)),
            "max_km": rng.choice((2.0, 3.0, 5.0)),
            "availability_note": "",
            "introduction": "",
            "paused": False,
            "birth_year": today.year - rng.randint(20, 75),
            "created_at": joined[i],
            **located(i),
        }
        for i, uid in enumerate(cook_user_ids)
    ]
    cook_ids = insert_returning_ids(CookProfile, cook_rows, progress)
    checks = [
        {
            "cook_id": cid,
            "kind": kind.value,
            # Checked after joining; the last few joined last week and wait for checks.
            "checked_on": min(today, joined[k].date() + timedelta(days=14)),
            "expires_on": None if kind == CheckKind.ID else today + timedelta(days=900),
            "reference": "",
            "recorded_at": joined[k],
        }
        for k, cid in enumerate(cook_ids[: int(n_cooks * 0.85)])
        for kind in CheckKind
    ]
    insert_rows(VettingCheck, checks, progress)

    n_diners = CITY_COUNTS["diners"]
    carer_rows = [
        {
            "email": f"carer{i}.{CITY_SLUG}@{DEMO_DOMAIN}",
            "role": Role.CARER.value,
            "first_name": rng.choice(first_names),
            "last_name": "Carer",
            "password_hash": pw,
            "is_active_account": True,
            "session_version": 0,
            "created_at": created,
        }
        for i in range(n_diners // 4)
    ]
    carer_ids = insert_returning_ids(User, carer_rows, progress)
    diner_rows = [
        {
            "carer_id": carer_ids[i // 4],
            "carer_relationship": "Family",
            "first_name": rng.choice(first_names),
            "last_name": "Diner",
            "birth_date": birth_date(rng, today, rng.random() < 0.8),
            "days_mask": some_days(rng, 1, 4),
            "needs_mask": _needs(rng),
            "max_km": 3.0,
            "allergies": "",
            "likes": "",
            "dislikes": "",
            "access_notes": "",
            "contact_preference": "",
            "consent_method": ConsentMethod.CARER_CONFIRMED.value,
            "consent_at": created,
            "waiting_since": created + timedelta(days=rng.randint(0, 590)),
            "created_at": created,
            **located(i),
        }
        for i in range(n_diners)
    ]
    diner_ids = insert_returning_ids(DinerProfile, diner_rows, progress)

    # Pairings: the cook is a stand-in of the same district so the figures stay believable.
    n_pairs = CITY_COUNTS["pairings"]
    pairing_rows = []
    spans: list[tuple[date, date]] = []
    for i in range(n_pairs):
        started = now - timedelta(days=rng.randint(15, 540))
        ended = started + timedelta(days=rng.randint(20, 400)) if i % 4 == 0 else None
        if ended and ended > now:
            ended = None
        status = PairingStatus.ENDED if ended else PairingStatus.ACTIVE
        pairing_rows.append(
            {
                "cook_id": cook_ids[i % int(n_cooks * 0.85)],
                "diner_id": diner_ids[i],
                "area_id": area.id,
                "status": status.value,
                "source": ProposalSource.MATCHER.value,
                "distance_km": round(rng.uniform(0.2, 2.8), 3),
                "override_reason": "",
                "proposed_at": started - timedelta(days=3),
                "approved_at": started - timedelta(days=2),
                "cook_accepted_at": started - timedelta(days=1),
                "diner_accepted_at": started,
                "started_at": started,
                "ended_at": ended,
                "end_reason": rng.choice(list(EndReason)).value if ended else None,
                "end_note": "",
                "decline_reason": "",
            }
        )
        spans.append((started.date(), (ended or now).date()))
    pairing_ids = insert_returning_ids(Pairing, pairing_rows, progress)

    per_pair = CITY_COUNTS["meal shares"] // n_pairs

    def meals() -> Iterator[dict[str, Any]]:
        for pid, (start, end) in zip(pairing_ids, spans, strict=True):
            span = max(1, (end - start).days)
            for k in range(per_pair):
                day = start + timedelta(days=(k * span) // per_pair)
                yield {
                    "pairing_id": pid,
                    "shared_on": day,
                    "dish": DISHES[k % len(DISHES)],
                    "allergen_note": "",
                    "logged_at": now,
                }

    insert_rows(MealShare, meals(), progress)
    db.session.commit()
    refresh_statistics()
    report.add("areas")
    report.add("cooks", n_cooks)
    report.add("diners", n_diners)
    report.add("users", n_cooks + len(carer_ids) + 1)
    report.add("pairings", n_pairs)
    report.add("meal shares", per_pair * n_pairs)
    report.logins = [("coordinator (city)", coordinator.email, DEMO_PASSWORD)]
    return report


def _needs(rng: random.Random) -> int:
    """About 30 % of diners have a dietary need; a few have two."""
    if rng.random() > 0.3:
        return 0
    return tags_to_mask(rng.sample(DIET_TAGS, 1 if rng.random() < 0.8 else 2))
