"""Demo data: three boroughs with a believable history, or one city at performance scale."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from faker import Faker
from sqlalchemy import insert, select

from casserole.extensions import db
from casserole.geocoding import district_centroids, great_circle_km
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
from casserole.models.vocab import DIET_TAGS, days_to_mask, tags_to_mask
from casserole.services.accounts import hash_password

DEMO_PASSWORD = "casserole-demo"
DEMO_DOMAIN = "casserole.example"

BOROUGHS: dict[str, tuple[str, tuple[str, ...]]] = {
    "barnet": (
        "Barnet",
        (
            "EN4",
            "EN5",
            "HA8",
            "N2",
            "N3",
            "N10",
            "N11",
            "N12",
            "N14",
            "N20",
            "NW4",
            "NW7",
            "NW9",
            "NW11",
        ),
    ),
    "tower-hamlets": ("Tower Hamlets", ("E1", "E1W", "E2", "E3", "E14")),
    "reigate-banstead": ("Reigate and Banstead", ("RH1", "RH2", "RH6", "KT20", "SM7")),
}
CITY_SLUG = "demo-city"
CITY_NAME = "Birmingham (performance demo)"

# Letters allowed in the inward code of a UK postcode.
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_DISHES = (
    "Shepherd's pie",
    "Chicken casserole",
    "Vegetable lasagne",
    "Fish pie",
    "Lentil dal",
    "Beef stew and dumplings",
    "Cauliflower cheese",
    "Chicken curry and rice",
    "Leek and potato soup",
    "Toad in the hole",
    "Macaroni cheese",
    "Lamb tagine",
    "Salmon fishcakes",
    "Cottage pie",
    "Jollof rice",
    "Mushroom risotto",
    "Irish stew",
    "Chilli con carne",
    "Bread and butter pudding",
)
T = TypeVar("T")


@dataclass
class SeedReport:
    """What seeding created, and the logins to try."""

    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    skipped: bool = False

    def add(self, what: str, n: int = 1) -> None:
        """Count `n` created records of one kind."""
        self.created[what] = self.created.get(what, 0) + n


def _now() -> datetime:
    return datetime.now(UTC)


def _postcode(rng: random.Random, outcode: str) -> str:
    """A well-formed (fictitious) full postcode in a district."""
    return (
        f"{outcode} {rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    )


def _jitter(rng: random.Random, lat: float, lon: float, sd_km: float = 0.7) -> tuple[float, float]:
    """A household near a district centroid (districts are a few km across)."""
    dlat = rng.gauss(0, sd_km) / 111.2
    dlon = rng.gauss(0, sd_km) / (111.2 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def _some_days(rng: random.Random, low: int, high: int) -> int:
    return days_to_mask(rng.sample(range(7), rng.randint(low, high)))


def _needs(rng: random.Random) -> int:
    # About 30 % of diners have a dietary need; a few have two.
    if rng.random() > 0.3:
        return 0
    return tags_to_mask(rng.sample(DIET_TAGS, 1 if rng.random() < 0.8 else 2))


def _skills(rng: random.Random) -> int:
    return tags_to_mask(t for t in DIET_TAGS if rng.random() < 0.45)


def _birth_date(rng: random.Random, today: date, over_80: bool) -> date:
    age = rng.randint(80, 97) if over_80 else rng.randint(66, 79)
    return today - timedelta(days=age * 365 + rng.randint(0, 364))


def demo_present() -> bool:
    """True when the borough demo has been seeded already."""
    return db.session.scalar(select(Area.id).where(Area.slug == "barnet")) is not None


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
    today = date.today()
    pw = hash_password(DEMO_PASSWORD)
    centroids = district_centroids()

    admin = _user(f"admin@{DEMO_DOMAIN}", Role.ADMIN, "Ada", "Admin", pw)
    db.session.add(admin)
    report.add("users")
    for slug, (name, outcodes) in BOROUGHS.items():
        area = Area(
            name=name,
            slug=slug,
            contact_email=f"{slug}@{DEMO_DOMAIN}",
            contact_phone="020 7946 0000",
        )
        area.districts = [AreaDistrict(outcode=o) for o in outcodes]
        db.session.add(area)
        report.add("areas")
        coordinator = _user(
            f"coordinator.{slug}@{DEMO_DOMAIN}",
            Role.COORDINATOR,
            fake.first_name(),
            fake.last_name(),
            pw,
        )
        coordinator.areas = [area]
        db.session.add(coordinator)
        report.add("users")

        def household(
            rng: random.Random = rng, outcodes: Sequence[str] = outcodes
        ) -> dict[str, Any]:
            outcode = rng.choice(outcodes)
            lat, lon = _jitter(rng, *centroids[outcode])
            return {
                "postcode": _postcode(rng, outcode),
                "outcode": outcode,
                "latitude": lat,
                "longitude": lon,
                "geo_precision": Precision.DISTRICT,
                "address_line": fake.street_address().splitlines()[0],
            }

        cooks = []
        for i in range(24):
            email = f"cook.{slug}@{DEMO_DOMAIN}" if i == 0 else f"cook{i}.{slug}@{DEMO_DOMAIN}"
            user = _user(
                email, Role.COOK, fake.first_name(), fake.last_name(), pw, phone=fake.phone_number()
            )
            cook = CookProfile(
                user=user,
                area=area,
                days_mask=_some_days(rng, 2, 5),
                can_cook_mask=_skills(rng),
                capacity=rng.choice((1, 1, 2, 2, 3)),
                max_km=rng.choice((2.0, 3.0, 3.0, 4.0, 5.0)),
                introduction=f"I love cooking {rng.choice(_DISHES).lower()} "
                "and always make too much.",
                availability_note=rng.choice(("Evenings", "Lunchtimes", "After 5pm", "Weekends")),
                **household(),
            )
            if i < 19:  # most are vetted; a few are new or have a lapsed check
                _vet(cook, today, rng, lapsed=(i == 18))
            elif i == 19:
                cook.checks.append(
                    VettingCheck(kind=CheckKind.ID, checked_on=today - timedelta(days=10))
                )
            if i == 17:
                cook.paused = True
            db.session.add(cook)
            cooks.append(cook)
        report.add("users", 24)
        report.add("cooks", 24)

        carers = []
        for i in range(8):
            email = f"carer.{slug}@{DEMO_DOMAIN}" if i == 0 else f"carer{i}.{slug}@{DEMO_DOMAIN}"
            carers.append(
                _user(
                    email,
                    Role.CARER,
                    fake.first_name(),
                    fake.last_name(),
                    pw,
                    phone=fake.phone_number(),
                )
            )
        db.session.add_all(carers)
        report.add("users", 8)

        diners = []
        for i in range(36):
            self_registered = i < 4
            user = None
            carer = None
            if self_registered:
                email = (
                    f"diner.{slug}@{DEMO_DOMAIN}" if i == 0 else f"diner{i}.{slug}@{DEMO_DOMAIN}"
                )
                user = _user(email, Role.DINER, fake.first_name(), fake.last_name(), pw)
                db.session.add(user)
                report.add("users")
            else:
                # The first carer manages three diners, so switching between them can be tried.
                carer = carers[0] if i < 7 else rng.choice(carers)
            first = user.first_name if user else fake.first_name()
            last = user.last_name if user else fake.last_name()
            since = _now() - timedelta(days=rng.randint(20, 560))
            diner = DinerProfile(
                user=user,
                carer=carer,
                first_name=first,
                last_name=last,
                carer_relationship=rng.choice(("Daughter", "Son", "Neighbour", "Social worker"))
                if carer
                else "",
                birth_date=_birth_date(rng, today, over_80=rng.random() < 0.8),
                phone=fake.phone_number(),
                days_mask=_some_days(rng, 1, 4),
                needs_mask=_needs(rng),
                allergies=rng.choice(("", "", "", "Nuts", "Shellfish")),
                likes=rng.choice(
                    ("Soups", "Fish", "Anything with gravy", "Puddings", "Spicy food")
                ),
                dislikes=rng.choice(("", "Mushrooms", "Very spicy food", "Liver")),
                access_notes=rng.choice(
                    (
                        "Knock loudly, door takes a while.",
                        "Key safe by the door; ring first.",
                        "Second floor, lift usually works.",
                        "",
                    )
                ),
                contact_preference=rng.choice(
                    ("Phone in the morning", "Via my daughter", "Text message")
                ),
                consent_method=ConsentMethod.SELF_ONLINE
                if self_registered
                else ConsentMethod.CARER_CONFIRMED,
                consent_at=since,
                consent_by=user or carer,
                waiting_since=since,
                created_at=since,
                area=area,
                **household(),
            )
            if diner.allergies == "Nuts":
                diner.needs_mask |= tags_to_mask(["nut-free"])
            db.session.add(diner)
            diners.append(diner)
        report.add("diners", 36)
        db.session.flush()
        _history(rng, area, coordinator, cooks, diners, today, report, fake)
        if progress:
            progress(1)

    db.session.commit()
    report.logins = demo_logins()
    return report


def _user(email: str, role: Role, first: str, last: str, pw: str, phone: str | None = None) -> User:
    return User(
        email=email,
        role=role,
        first_name=first,
        last_name=last,
        password_hash=pw,
        phone=phone,
        email_confirmed_at=_now(),
    )


def _vet(cook: CookProfile, today: date, rng: random.Random, lapsed: bool = False) -> None:
    """Record the three checks; a lapsed cook's DBS expired last month."""
    for kind in CheckKind:
        checked = today - timedelta(days=rng.randint(30, 600))
        expires = checked + timedelta(days=3 * 365)
        if kind == CheckKind.ID:
            expires = None
        if lapsed and kind == CheckKind.DBS:
            checked, expires = today - timedelta(days=1125), today - timedelta(days=30)
        cook.checks.append(
            VettingCheck(
                kind=kind,
                checked_on=checked,
                expires_on=expires,
                reference=f"{kind.value.upper()}-{rng.randint(10000, 99999)}",
            )
        )


def _compatible(cook: CookProfile, diner: DinerProfile) -> float | None:
    """Distance if the pair meets the hard constraints (ignoring capacity), else None."""
    if diner.needs_mask & ~cook.can_cook_mask or not diner.days_mask & cook.days_mask:
        return None
    km = great_circle_km(cook.latitude, cook.longitude, diner.latitude, diner.longitude)
    return km if km <= min(cook.max_km, diner.max_km) else None


def _history(
    rng: random.Random,
    area: Area,
    coordinator: User,
    cooks: list[CookProfile],
    diners: list[DinerProfile],
    today: date,
    report: SeedReport,
    fake: Faker,
) -> None:
    """Active, paused, ended and proposed pairings with 18 months of meal shares."""
    vetted = [c for c in cooks if c.is_vetted(today) and not c.paused]
    load = {c.id: 0 for c in cooks}
    now = _now()
    plan = (
        ["active"] * 14 + ["ended"] * 7 + ["paused"] * 2 + ["proposed"] * 2 + ["cook_accepted"] * 1
    )
    order = list(diners)
    rng.shuffle(order)
    # The first self-registered diner and the first carer's diners get a cook, for the demo.
    order.sort(
        key=lambda d: (
            0
            if (d.user and d.user.email.startswith("diner."))
            or (d.carer and d.carer.email.startswith("carer."))
            else 1
        )
    )
    used: set[int] = set()
    for state in plan:
        for diner in order:
            if diner.id in used:
                continue
            options = sorted(
                (km, c.id, c)
                for c in vetted
                if load[c.id] < c.capacity and (km := _compatible(c, diner)) is not None
            )
            if not options:
                continue
            km, _, cook = options[0]
            used.add(diner.id)
            _make_pairing(rng, area, coordinator, cook, diner, km, state, now, report)
            if state in ("active", "paused", "proposed", "cook_accepted"):
                load[cook.id] += 1
            break


def _make_pairing(
    rng: random.Random,
    area: Area,
    coordinator: User,
    cook: CookProfile,
    diner: DinerProfile,
    km: float,
    state: str,
    now: datetime,
    report: SeedReport,
) -> None:
    proposed = now - timedelta(days=rng.randint(40, 540))
    if state in ("proposed", "cook_accepted"):
        proposed = now - timedelta(days=rng.randint(1, 6))
    pairing = Pairing(
        cook=cook,
        diner=diner,
        area=area,
        distance_km=round(km, 3),
        source=ProposalSource.MATCHER,
        proposed_at=proposed,
        proposed_by_id=coordinator.id,
    )
    report.add("pairings")
    if state == "proposed":
        pairing.status = PairingStatus.PROPOSED
        db.session.add(pairing)
        return
    pairing.approved_at = proposed + timedelta(hours=rng.randint(2, 48))
    pairing.approved_by_id = coordinator.id
    pairing.cook_accepted_at = pairing.approved_at + timedelta(hours=rng.randint(2, 72))
    if state == "cook_accepted":
        pairing.status = PairingStatus.COOK_ACCEPTED
        db.session.add(pairing)
        return
    pairing.diner_accepted_at = pairing.cook_accepted_at + timedelta(hours=rng.randint(2, 72))
    pairing.diner_accepted_by_id = (diner.user or diner.carer).id  # type: ignore[union-attr]
    pairing.started_at = pairing.diner_accepted_at
    end = now
    if state == "ended":
        length = timedelta(days=rng.randint(30, 400))
        end = min(now - timedelta(days=5), pairing.started_at + length)
        pairing.ended_at = end
        pairing.end_reason = rng.choice(list(EndReason))
        pairing.status = PairingStatus.ENDED
    else:
        pairing.status = PairingStatus.ACTIVE if state == "active" else PairingStatus.PAUSED
    db.session.add(pairing)
    # A meal about every 1.5 weeks, with the odd gap.
    day = pairing.started_at.date() + timedelta(days=rng.randint(1, 5))
    last = (end - timedelta(days=14) if state == "paused" else end).date()
    n = 0
    while day <= last:
        db.session.add(
            MealShare(
                pairing=pairing,
                shared_on=day,
                dish=rng.choice(_DISHES),
                allergen_note=rng.choice(("", "", "Contains milk", "Contains gluten")),
                logged_by_id=cook.user_id,
                logged_at=datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=19),
                confirmed_at=None if rng.random() < 0.2 else now,
            )
        )
        n += 1
        day += timedelta(days=max(3, int(rng.gauss(10.5, 3))))
    report.add("meal shares", n)
    if state == "paused":
        from casserole.models import PairingPause

        db.session.add(
            PairingPause(
                pairing=pairing,
                started_at=now - timedelta(days=10),
                reason=rng.choice(("Holiday", "In hospital")),
            )
        )


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, e-mail, password) of the headline demo accounts."""
    rows = [("admin", f"admin@{DEMO_DOMAIN}", DEMO_PASSWORD)]
    for slug, (name, _) in BOROUGHS.items():
        for role in ("coordinator", "cook", "carer", "diner"):
            rows.append((f"{role} ({name})", f"{role}.{slug}@{DEMO_DOMAIN}", DEMO_PASSWORD))
    return rows


def _batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_returning_ids(
    model: Any, rows: Sequence[dict[str, Any]], progress: Callable[[int], None] | None
) -> list[int]:
    """Bulk insert in batches, returning primary keys in input order."""
    ids: list[int] = []
    for chunk in _batches(rows, 5000):
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids.extend(db.session.scalars(stmt, list(chunk)).all())
        if progress:
            progress(len(chunk))
    return ids


def _insert(
    model: Any,
    rows: Iterable[dict[str, Any]],
    progress: Callable[[int], None] | None,
    size: int = 20000,
) -> None:
    """Bulk insert without reading anything back (the fast path for meal shares)."""
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            db.session.execute(insert(model.__table__), chunk)
            if progress:
                progress(len(chunk))
            chunk = []
    if chunk:
        db.session.execute(insert(model.__table__), chunk)
        if progress:
            progress(len(chunk))


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
    today = date.today()
    now = _now()
    centroids = district_centroids()
    outcodes = sorted(o for o in centroids if o.startswith("B") and o[1:2].isdigit())
    area = Area(name=CITY_NAME, slug=CITY_SLUG)
    area.districts = [AreaDistrict(outcode=o) for o in outcodes]
    coordinator = _user(
        f"coordinator.{CITY_SLUG}@{DEMO_DOMAIN}",
        Role.COORDINATOR,
        "Chris",
        "Coordinator",
        hash_password(DEMO_PASSWORD),
    )
    coordinator.areas = [area]
    db.session.add_all([area, coordinator])
    db.session.flush()
    pw = hash_password(DEMO_PASSWORD)
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
        lat, lon = _jitter(rng, *centroids[outcode], sd_km=1.0)
        return {
            "postcode": _postcode(rng, outcode),
            "outcode": outcode,
            "latitude": lat,
            "longitude": lon,
            "geo_precision": Precision.DISTRICT.value,
            "area_id": area.id,
            "address_line": f"{rng.randint(1, 250)} Demo Street",
        }

    created = now - timedelta(days=600)
    n_cooks = CITY_COUNTS["cooks"]
    user_rows = [
        {
            "email": f"cook{i}.{CITY_SLUG}@{DEMO_DOMAIN}",
            "role": Role.COOK.value,
            "first_name": rng.choice(first_names),
            "last_name": "Cook",
            "password_hash": pw,
            "is_active_account": True,
            "session_version": 0,
            "created_at": created,
        }
        for i in range(n_cooks)
    ]
    cook_user_ids = _insert_returning_ids(User, user_rows, progress)
    cook_rows = [
        {
            "user_id": uid,
            "days_mask": _some_days(rng, 2, 5),
            "can_cook_mask": _skills(rng),
            "capacity": rng.choice((1, 2, 3)),
            "max_km": rng.choice((2.0, 3.0, 5.0)),
            "availability_note": "",
            "introduction": "",
            "paused": False,
            "created_at": created,
            **located(i),
        }
        for i, uid in enumerate(cook_user_ids)
    ]
    cook_ids = _insert_returning_ids(CookProfile, cook_rows, progress)
    checks = [
        {
            "cook_id": cid,
            "kind": kind.value,
            "checked_on": today - timedelta(days=100),
            "expires_on": None if kind == CheckKind.ID else today + timedelta(days=900),
            "reference": "",
            "recorded_at": created,
        }
        for cid in cook_ids[: int(n_cooks * 0.85)]
        for kind in CheckKind
    ]
    _insert(VettingCheck, checks, progress)

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
    carer_ids = _insert_returning_ids(User, carer_rows, progress)
    diner_rows = [
        {
            "carer_id": carer_ids[i // 4],
            "carer_relationship": "Family",
            "first_name": rng.choice(first_names),
            "last_name": "Diner",
            "birth_date": _birth_date(rng, today, rng.random() < 0.8),
            "days_mask": _some_days(rng, 1, 4),
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
    diner_ids = _insert_returning_ids(DinerProfile, diner_rows, progress)

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
    pairing_ids = _insert_returning_ids(Pairing, pairing_rows, progress)

    per_pair = CITY_COUNTS["meal shares"] // n_pairs

    def meals() -> Iterator[dict[str, Any]]:
        for pid, (start, end) in zip(pairing_ids, spans, strict=True):
            span = max(1, (end - start).days)
            for k in range(per_pair):
                day = start + timedelta(days=(k * span) // per_pair)
                yield {
                    "pairing_id": pid,
                    "shared_on": day,
                    "dish": _DISHES[k % len(_DISHES)],
                    "allergen_note": "",
                    "logged_at": now,
                }

    _insert(MealShare, meals(), progress)
    db.session.commit()
    report.add("areas")
    report.add("cooks", n_cooks)
    report.add("diners", n_diners)
    report.add("users", n_cooks + len(carer_ids) + 1)
    report.add("pairings", n_pairs)
    report.add("meal shares", per_pair * n_pairs)
    report.logins = [("coordinator (city)", coordinator.email, DEMO_PASSWORD)]
    return report
