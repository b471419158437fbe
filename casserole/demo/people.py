"""The people of one demo borough: cooks (with their checks), carers and diners."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from faker import Faker

from casserole.demo.common import DEMO_DOMAIN, DISHES, SeedReport, make_user
from casserole.demo.geography import Point, nearest_outcode, postcode, scatter
from casserole.demo.roster import Borough, CookKind
from casserole.extensions import db
from casserole.models import (
    Area,
    CheckKind,
    ConsentMethod,
    CookProfile,
    DinerProfile,
    Precision,
    Role,
    User,
    VettingCheck,
)
from casserole.models.vocab import (
    ALL_ALLERGEN_MASK,
    DIET_TAGS,
    allergens_in_text,
    allergens_to_mask,
    days_to_mask,
    tags_to_mask,
)

# A DBS certificate and a food-hygiene course are good for three years here.
CHECK_YEARS = 3


@dataclass
class Town:
    """Everything the generators need while building one borough."""

    borough: Borough
    area: Area
    coordinator: User
    rng: random.Random
    fake: Faker
    pw: str
    now: datetime
    today: date
    report: SeedReport
    cooks: list[CookProfile] = field(default_factory=list)
    kinds: dict[int, CookKind] = field(default_factory=dict)  # id(cook) -> kind
    carers: list[User] = field(default_factory=list)

    def kind(self, cook: CookProfile) -> CookKind:
        """Where a cook stands with their checks."""
        return self.kinds[id(cook)]

    def available(self) -> list[CookProfile]:
        """Vetted cooks not on a break: the ones the matcher may propose."""
        return [c for c in self.cooks if self.kind(c) == CookKind.VETTED]

    def days_ago(self, days: float) -> datetime:
        """The instant `days` before now."""
        return self.now - timedelta(days=days)


def some_days(rng: random.Random, low: int, high: int) -> int:
    """A mask of between `low` and `high` random weekdays."""
    return days_to_mask(rng.sample(range(7), rng.randint(low, high)))


def home(town: Town, point: Point | None = None) -> dict[str, object]:
    """Address fields for a household at `point` (anywhere in the borough if None)."""
    rng = town.rng
    if point is None:
        point = scatter(rng, rng.choice(town.borough.outcodes))
    outcode = nearest_outcode(point, town.borough.outcodes)
    return {
        "postcode": postcode(rng, outcode),
        "outcode": outcode,
        "latitude": point[0],
        "longitude": point[1],
        "geo_precision": Precision.DISTRICT,
        "address_line": town.fake.street_address().splitlines()[0],
        "area": town.area,
    }


def make_cooks(town: Town) -> None:
    """The borough's cooks, placed over its districts; sign-up dates and checks come later."""
    rng, fake, slug = town.rng, town.fake, town.borough.slug
    for i, kind in enumerate(town.borough.cook_kinds):
        email = f"cook.{slug}@{DEMO_DOMAIN}" if i == 0 else f"cook{i}.{slug}@{DEMO_DOMAIN}"
        user = make_user(email, Role.COOK, fake.first_name(), fake.last_name(), town.pw, town.now)
        user.phone = fake.phone_number()
        # Cooks are 20 to 75; one in eight does not say.
        born = None if rng.random() < 0.125 else town.today.year - rng.randint(20, 75)
        cook = CookProfile(
            user=user,
            days_mask=some_days(rng, 2, 5),
            can_cook_mask=tags_to_mask(t for t in DIET_TAGS if rng.random() < 0.45),
            # Every demo cook keeps every allergen out, so the demo's planned waiting
            # reasons stay the matcher's own.
            keeps_out_mask=ALL_ALLERGEN_MASK,
            capacity=rng.choice((1, 1, 2, 2, 3)),
            max_km=rng.choice((2.5, 3.0, 3.0, 4.0, 5.0)),
            birth_year=born,
            introduction=f"I love cooking {rng.choice(DISHES).lower()} and always make too much.",
            availability_note=rng.choice(("Evenings", "Lunchtimes", "After 5pm", "Weekends")),
            paused=kind == CookKind.ON_BREAK,
            **home(town),
        )
        town.cooks.append(cook)
        town.kinds[id(cook)] = kind
    town.report.add("users", len(town.cooks))
    town.report.add("cooks", len(town.cooks))


def stamp_cooks(town: Town, first_proposed: dict[int, datetime]) -> None:
    """Sign-up dates spread over the history, each before the cook's checks and pairings."""
    rng, today = town.rng, town.today
    for cook in town.cooks:
        kind = town.kind(cook)
        if kind in (CookKind.NEW, CookKind.UNCHECKED):
            joined = town.days_ago(
                rng.randint(12, 80) if kind == CookKind.NEW else rng.randint(1, 60)
            )
        else:
            first = first_proposed.get(id(cook), town.days_ago(rng.randint(30, 520)))
            joined = first - timedelta(days=rng.randint(25, 60))
        cook.created_at = cook.user.created_at = cook.user.email_confirmed_at = joined
        if kind == CookKind.NEW:
            db.session.add(
                VettingCheck(
                    cook_id=cook.id, kind=CheckKind.ID, checked_on=today - timedelta(days=10)
                )
            )
        elif kind != CookKind.UNCHECKED:
            _vet(cook, rng, joined.date(), today, lapsed=kind == CookKind.LAPSED)


def _vet(cook: CookProfile, rng: random.Random, joined: date, today: date, lapsed: bool) -> None:
    """The three checks, done in the weeks after joining; a lapsed DBS ran out last month."""
    for kind in CheckKind:
        checked = joined + timedelta(days=rng.randint(3, 20))
        expires = None if kind == CheckKind.ID else checked + timedelta(days=CHECK_YEARS * 365)
        if lapsed and kind == CheckKind.DBS:
            # A certificate they already held, from before they joined.
            checked, expires = (
                today - timedelta(days=CHECK_YEARS * 365 + 30),
                today - timedelta(days=30),
            )
        # Added by id: appending to cook.checks would load the (empty) list first.
        db.session.add(
            VettingCheck(
                cook_id=cook.id,
                kind=kind,
                checked_on=checked,
                expires_on=expires,
                reference=f"{kind.value.upper()}-{rng.randint(10000, 99999)}",
                recorded_at=datetime.combine(
                    max(checked, joined), datetime.min.time(), cook.created_at.tzinfo
                ),
            )
        )


def make_carers(town: Town) -> None:
    """The carers who signed diners up (the first looks after several)."""
    fake, slug = town.fake, town.borough.slug
    for i in range(town.borough.carers):
        email = f"carer.{slug}@{DEMO_DOMAIN}" if i == 0 else f"carer{i}.{slug}@{DEMO_DOMAIN}"
        user = make_user(email, Role.CARER, fake.first_name(), fake.last_name(), town.pw, town.now)
        user.phone = fake.phone_number()
        town.carers.append(user)
    town.report.add("users", len(town.carers))


def birth_date(rng: random.Random, today: date, over_80: bool) -> date:
    """A diner's birthday: 80 to 97, or 66 to 79."""
    age = rng.randint(80, 97) if over_80 else rng.randint(66, 79)
    try:
        birthday = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - age, day=28)
    return birthday - timedelta(days=rng.randint(0, 364))


def make_diner(
    town: Town, index: int, over_80: bool, point: Point, days_mask: int, needs_mask: int
) -> DinerProfile:
    """Diner number `index` of the borough: the first few have a login, the rest a carer."""
    rng, fake, b = town.rng, town.fake, town.borough
    user = carer = None
    if index < b.self_registered:
        local = "diner" if index == 0 else f"diner{index}"
        user = make_user(
            f"{local}.{b.slug}@{DEMO_DOMAIN}",
            Role.DINER,
            fake.first_name(),
            fake.last_name(),
            town.pw,
            town.now,
        )
        town.report.add("users")
    elif index < b.self_registered + b.first_carer_diners:
        carer = town.carers[0]
    else:
        carer = rng.choice(town.carers)
    diner = DinerProfile(
        user=user,
        carer=carer,
        first_name=user.first_name if user else fake.first_name(),
        last_name=user.last_name if user else fake.last_name(),
        carer_relationship=rng.choice(("Daughter", "Son", "Neighbour", "Social worker"))
        if carer
        else "",
        birth_date=birth_date(rng, town.today, over_80),
        phone=fake.phone_number(),
        days_mask=days_mask,
        needs_mask=needs_mask,
        # Drawn here, in keyword order, so the demo's random stream stays as it was.
        allergies=(
            note := "Nuts"
            if needs_mask & tags_to_mask(["nut-free"])
            else rng.choice(("", "", "Shellfish"))
        ),
        allergen_mask=allergens_to_mask(allergens_in_text(note)),
        likes=rng.choice(("Soups", "Fish", "Anything with gravy", "Puddings", "Spicy food")),
        dislikes=rng.choice(("", "Mushrooms", "Very spicy food", "Liver")),
        access_notes=rng.choice(
            (
                "Knock loudly, door takes a while.",
                "Key safe by the door; ring first.",
                "Second floor, lift usually works.",
                "",
            )
        ),
        contact_preference=rng.choice(("Phone in the morning", "Via my daughter", "Text message")),
        consent_method=ConsentMethod.CARER_CONFIRMED if carer else ConsentMethod.SELF_ONLINE,
        consent_by=user or carer,
        **home(town, point),
    )
    town.report.add("diners")
    return diner


def stamp_diner(
    diner: DinerProfile, joined: datetime, waiting_since: datetime | None = None
) -> None:
    """The diner (and their login, and their carer if newer) signed up at `joined`."""
    diner.created_at = diner.consent_at = joined
    diner.waiting_since = waiting_since or joined
    if diner.user is not None:
        diner.user.created_at = diner.user.email_confirmed_at = joined
    if diner.carer is not None and diner.carer.created_at > joined:
        diner.carer.created_at = diner.carer.email_confirmed_at = joined
