"""Small factories for test records: each returns a flushed object with sensible defaults."""

from __future__ import annotations

import itertools
import secrets
from datetime import timedelta
from typing import Any

from casserole import clock
from casserole.extensions import db
from casserole.models import (
    ApiToken,
    Area,
    AreaDistrict,
    CheckKind,
    ConsentMethod,
    CookProfile,
    DinerProfile,
    Job,
    JobState,
    MealShare,
    Pairing,
    PairingStatus,
    Precision,
    Role,
    User,
    VettingCheck,
    utcnow,
)
from casserole.services.accounts import hash_password
from casserole.services.outcomes import tokens

PASSWORD = "correct horse battery"
_seq = itertools.count(1)
_HASH: dict[str, str] = {}


def _hash(password: str) -> str:
    # scrypt is deliberately slow; tests reuse one hash per password.
    if password not in _HASH:
        _HASH[password] = hash_password(password)
    return _HASH[password]


def area(name: str = "Barnet", outcodes: tuple[str, ...] = ("N3", "N12"), **kw: Any) -> Area:
    """An area with some districts."""
    slug = kw.pop("slug", name.lower().replace(" ", "-"))
    obj = Area(name=name, slug=slug, **kw)
    obj.districts = [AreaDistrict(outcode=o) for o in outcodes]
    db.session.add(obj)
    db.session.flush()
    return obj


def user(role: Role = Role.COOK, password: str = PASSWORD, **kw: Any) -> User:
    """An account; e-mail unique per call unless given."""
    n = next(_seq)
    kw.setdefault("email", f"{role.value}{n}@example.org")
    kw.setdefault("first_name", f"{role.value.title()}{n}")
    obj = User(role=role, password_hash=_hash(password), **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def _where(kw: dict[str, Any], area_obj: Area | None) -> None:
    kw.setdefault("postcode", "N3 1AB")
    kw.setdefault("outcode", kw["postcode"].split()[0])
    kw.setdefault("latitude", 51.6003)
    kw.setdefault("longitude", -0.1930)
    kw.setdefault("geo_precision", Precision.DISTRICT)
    kw.setdefault("address_line", "1 Test Street")
    if area_obj is not None:
        kw.setdefault("area", area_obj)


def cook(area_obj: Area | None = None, vetted: bool = True, **kw: Any) -> CookProfile:
    """A cook profile with its account; vetted unless told otherwise."""
    account = kw.pop("user", None) or user(Role.COOK)
    _where(kw, area_obj)
    kw.setdefault("days_mask", 0b1111111)
    obj = CookProfile(user=account, **kw)
    if vetted:
        today = clock.today()
        for kind in CheckKind:
            obj.checks.append(
                VettingCheck(
                    kind=kind,
                    checked_on=today - timedelta(days=30),
                    expires_on=today + timedelta(days=700),
                )
            )
    db.session.add(obj)
    db.session.flush()
    return obj


def diner(area_obj: Area | None = None, carer: User | None = None, **kw: Any) -> DinerProfile:
    """A diner; with no account and no carer given, a carer is created (one is required)."""
    account = kw.pop("user", None)
    if account is None and carer is None:
        carer = user(Role.CARER)
    _where(kw, area_obj)
    n = next(_seq)
    kw.setdefault("first_name", f"Diner{n}")
    kw.setdefault("days_mask", 0b1111111)
    kw.setdefault(
        "consent_method", ConsentMethod.CARER_CONFIRMED if carer else ConsentMethod.SELF_ONLINE
    )
    kw.setdefault("consent_at", utcnow())
    obj = DinerProfile(user=account, carer=carer, **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def pairing(
    cook_obj: CookProfile,
    diner_obj: DinerProfile,
    status: PairingStatus = PairingStatus.ACTIVE,
    **kw: Any,
) -> Pairing:
    """A pairing; live ones get a start time."""
    if status in (PairingStatus.ACTIVE, PairingStatus.PAUSED, PairingStatus.ENDED):
        kw.setdefault("started_at", utcnow() - timedelta(days=30))
    # Each step's timestamp is set for the states that come after it, as the app would.
    later = {
        PairingStatus.APPROVED: ("approved_at",),
        PairingStatus.COOK_ACCEPTED: ("approved_at", "cook_accepted_at"),
    }
    steps = later.get(status, ())
    if "started_at" in kw:
        steps = ("approved_at", "cook_accepted_at", "diner_accepted_at")
    for step in steps:
        kw.setdefault(step, kw.get("started_at") or utcnow())
    if status == PairingStatus.ENDED:
        kw.setdefault("ended_at", utcnow())
    area_obj = kw.pop("area", None) or cook_obj.area or diner_obj.area
    obj = Pairing(cook=cook_obj, diner=diner_obj, area=area_obj, status=status, **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def api_token(area_obj: Area, raw: str | None = None, days: float = 30, **kw: Any) -> ApiToken:
    """An API token for `area_obj` (raw value `raw`, stored hashed as the service does)."""
    raw = raw or f"cas_test_{area_obj.slug}_{secrets.token_hex(4)}"
    kw.setdefault("expires_at", utcnow() + timedelta(days=days))
    token = ApiToken(
        area=area_obj,
        label=kw.pop("label", "Council system"),
        token_hash=tokens.hash_token(raw),
        prefix=raw[:12],
        **kw,
    )
    return database_add(token)


def job(
    area_obj: Area,
    *,
    requested_by: User | None = None,
    kind: str = "reasons",
    state: JobState = JobState.DONE,
    **kw: Any,
) -> Job:
    """A background job of `area_obj` (finished unless `state` says otherwise)."""
    kw.setdefault(
        "summary",
        "The reasons of 2 waiting diners are worked out." if state == JobState.DONE else "",
    )
    return database_add(
        Job(
            kind=kind,
            area_id=area_obj.id,
            requested_by_id=requested_by.id if requested_by else None,
            state=state,
            created_at=utcnow(),
            **kw,
        )
    )


def started_pairing(
    area_obj: Area,
    *,
    outcode: str = "N3",
    days: int = 200,
    ended: int | None = None,
    reason: Any = None,
    meals: int = 0,
    km: float = 1.2,
) -> Pairing:
    """A pairing between a new cook and a new diner in `outcode`, started `days` ago, ended
    `ended` days ago (None: still active), with `meals` weekly meals up to yesterday."""
    where = {"postcode": f"{outcode} 1AB"}
    now = clock.now()
    obj = pairing(
        cook(area_obj, **where),
        diner(area_obj, **where),
        PairingStatus.ENDED if ended is not None else PairingStatus.ACTIVE,
        started_at=now - timedelta(days=days),
        ended_at=now - timedelta(days=ended) if ended is not None else None,
        end_reason=reason,
        distance_km=km,
    )
    for k in range(meals):
        obj.meals.append(MealShare(shared_on=clock.today() - timedelta(days=7 * k + 1), dish="Pie"))
    db.session.flush()
    return obj


def database_add(obj: Any) -> Any:
    """Add and flush any model instance."""
    db.session.add(obj)
    db.session.flush()
    return obj
