"""Vetting: the queue of cooks whose checks need attention, recording checks, expiry notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from casserole import clock
from casserole.extensions import db
from casserole.formatting import long_date
from casserole.i18n import locale_of
from casserole.links import public_url
from casserole.models import (
    Area,
    AuditEvent,
    CheckKind,
    CookProfile,
    Pairing,
    User,
    VettingCheck,
)
from casserole.models.people import holds_every_check
from casserole.models.vocab import LIVE_STATUSES
from casserole.pagination import Page, paginate
from casserole.params import EARLIEST_PLAUSIBLE, years_after
from casserole.services import audit, channels, mail

# A check expiring within this many days is flagged so it can be renewed in time (the cook's
# profile and the coordinator's queue both use it).
EXPIRY_WARNING_DAYS = 30
# ID, DBS and food-hygiene certificates are renewed within this many years.
VETTING_YEARS_AHEAD = 10
# What each check is called, to cooks and coordinators alike.
# Lazy: each page or message reads them in its own language (coordinator pages in English).
CHECK_LABELS = {
    CheckKind.ID: _l("Proof of identity"),
    CheckKind.DBS: _l("DBS check"),
    CheckKind.FOOD_HYGIENE: _l("Food hygiene certificate"),
}
NOTICE_ACTION = "vetting_expired_notice"


class VettingError(ValueError):
    """A check that cannot be recorded, with the field it concerns."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


@dataclass(frozen=True)
class CheckState:
    """Where one kind of check stands for one cook today."""

    kind: CheckKind
    label: str
    check: VettingCheck | None
    state: str  # "missing", "expired", "expiring", "valid"


@dataclass
class CookVetting:
    """One cook's vetting position: a state for each kind of check."""

    cook: CookProfile
    name: str
    vetted: bool
    states: list[CheckState] = field(default_factory=list)


def _state(check: VettingCheck | None, today: date) -> str:
    if check is None:
        return "missing"
    if not check.is_valid_on(today):
        return "expired"
    if check.expires_on is not None and check.expires_on <= today + timedelta(
        days=EXPIRY_WARNING_DAYS
    ):
        return "expiring"
    return "valid"


def _latest(checks: list[VettingCheck], today: date) -> dict[CheckKind, VettingCheck | None]:
    """Per kind: the current check if one is valid (latest expiry), else the latest expired one."""
    best: dict[CheckKind, VettingCheck | None] = dict.fromkeys(CheckKind)
    for check in checks:
        current = best[check.kind]
        if current is None:
            best[check.kind] = check
            continue
        key = (check.is_valid_on(today), check.expires_on or date.max, check.checked_on)
        old = (current.is_valid_on(today), current.expires_on or date.max, current.checked_on)
        if key > old:
            best[check.kind] = check
    return best


def cook_vetting(cook: CookProfile, today: date | None = None) -> CookVetting:
    """The vetting position of one cook (its checks are loaded once)."""
    today = today or clock.today()
    return _build(cook, list(cook.checks), today)


def _build(cook: CookProfile, checks: list[VettingCheck], today: date) -> CookVetting:
    latest = _latest(checks, today)
    return CookVetting(
        cook=cook,
        name=cook.user.display_name,
        vetted=holds_every_check(checks, today),
        states=[
            CheckState(kind, CHECK_LABELS[kind], latest[kind], _state(latest[kind], today))
            for kind in CheckKind
        ],
    )


def vetting_problem(
    cook: CookProfile, today: date | None = None, *, to_cook: bool = False
) -> str | None:
    """Why the cook is not vetted on `today`, naming each check and when it expired; else None.

    The rule itself is `CookProfile.is_vetted`; this only puts its answer into words, for the
    refusals of approving and accepting a proposal.
    """
    today = today or clock.today()
    if cook.is_vetted(today):
        return None
    found = cook_vetting(cook, today)
    reasons = []
    for state in found.states:
        if state.state == "missing":
            reasons.append(gettext("the %(check)s has not been recorded", check=state.label))
        elif state.state == "expired" and state.check is not None:
            check = state.check
            if check.checked_on > today:
                reasons.append(
                    gettext(
                        "the %(check)s only counts from %(date)s",
                        check=state.label,
                        date=long_date(check.checked_on),
                    )
                )
            else:
                reasons.append(
                    gettext(
                        "the %(check)s expired on %(date)s",
                        check=state.label,
                        date=long_date(check.expires_on),
                    )
                )
    detail = "; ".join(reasons) or gettext("a check is not current")
    if to_cook:
        return gettext("Your checks are not all current: %(detail)s.", detail=detail)
    return gettext(
        "%(name)s's checks are not all current: %(detail)s.", name=found.name, detail=detail
    )


def queue(
    area: Area,
    show: str = "attention",
    page: int = 1,
    per_page: int = 25,
    today: date | None = None,
) -> Page:
    """Cooks of an area whose checks are missing, expired or expire within 30 days, or all cooks.

    Cooks who are not vetted today come first, then those whose checks expire soon; in three
    queries whatever the page size.
    """
    today = today or clock.today()
    where = [CookProfile.area_id == area.id]
    if show == "attention":
        # Still vetted once the warning days have passed means nothing expires soon (checks
        # cannot be dated in the future, so "done by then" is "done by today").
        soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
        where.append(~CookProfile.is_vetted(soon))
    order = case((CookProfile.is_vetted(today), 1), else_=0)
    found = paginate(
        select(CookProfile, User)
        .join(User, User.id == CookProfile.user_id)
        .where(*where)
        .order_by(order, CookProfile.created_at, CookProfile.id),
        page,
        per_page,
        count=select(func.count()).select_from(CookProfile).where(*where),
    )
    ids = [cook.id for cook, _ in found.rows]
    checks: dict[int, list[VettingCheck]] = {i: [] for i in ids}
    if ids:
        for check in db.session.scalars(select(VettingCheck).where(VettingCheck.cook_id.in_(ids))):
            checks[check.cook_id].append(check)
    found.rows = [_build(cook, checks[cook.id], today) for cook, _ in found.rows]
    return found


def record_check(
    cook: CookProfile,
    kind: CheckKind,
    checked_on: date,
    expires_on: date | None,
    reference: str,
    recorder: User,
    today: date | None = None,
    client_address: str | None = None,
) -> VettingCheck:
    """Record a new check (history is kept: earlier checks are never edited); one commit.

    A cook whose checks are all current with this one is told so at once.
    """
    today = today or clock.today()
    was_vetted = cook.is_vetted(today)
    if checked_on > today:
        raise VettingError("checked_on", "The check date cannot be in the future.")
    if checked_on < EARLIEST_PLAUSIBLE:
        raise VettingError("checked_on", "Enter a check date from 1990 onwards.")
    if expires_on is not None and expires_on > years_after(today, VETTING_YEARS_AHEAD):
        raise VettingError(
            "expires_on", f"An expiry date can be at most {VETTING_YEARS_AHEAD} years ahead."
        )
    if expires_on is not None and expires_on <= checked_on:
        raise VettingError("expires_on", "The expiry date must be after the check date.")
    if kind != CheckKind.ID and expires_on is None:
        raise VettingError(
            "expires_on", f"Enter when the {CHECK_LABELS[kind]} expires (it needs renewing)."
        )
    check = VettingCheck(
        cook=cook,
        kind=kind,
        checked_on=checked_on,
        expires_on=expires_on,
        reference=reference.strip(),
        recorded_by_id=recorder.id,
    )
    db.session.add(check)
    db.session.flush()
    audit.record(
        "vetting_check_recorded",
        check,
        area_id=cook.area_id,
        actor=recorder,
        client_address=client_address,
        cook_id=cook.id,
        kind=kind.value,
    )
    db.session.refresh(cook, ["checks"])
    newly_vetted = not was_vetted and cook.is_vetted(today)
    if newly_vetted:
        # By the cook's own choice of channel, like every message to a person.
        mail.queue_message(
            channels.reach_for_user(cook.user),
            _l("Your checks are complete: you can be introduced to a neighbour"),
            "vetting_complete_to_cook",
            kind="vetting_complete_to_cook",
            area_id=cook.area_id,
            locale=locale_of(cook.user),
            name=cook.user.first_name,
            area=cook.area,
            link=public_url("main.index"),
        )
    db.session.commit()
    if newly_vetted:
        mail.dispatch()
    return check


def newly_expired(today: date | None = None) -> list[VettingCheck]:
    """Latest checks that have expired, with no valid check of that kind, not yet notified."""
    today = today or clock.today()
    valid = (
        select(VettingCheck.cook_id, VettingCheck.kind)
        .where(VettingCheck.is_valid_on(today))
        .subquery()
    )
    notified = set(
        db.session.scalars(
            select(AuditEvent.subject_id).where(
                AuditEvent.action == NOTICE_ACTION, AuditEvent.subject_type == "VettingCheck"
            )
        )
    )
    candidates = db.session.scalars(
        select(VettingCheck)
        .outerjoin(
            valid,
            (valid.c.cook_id == VettingCheck.cook_id) & (valid.c.kind == VettingCheck.kind),
        )
        .where(VettingCheck.expires_on <= today, valid.c.cook_id.is_(None))
        .order_by(VettingCheck.cook_id, VettingCheck.kind, VettingCheck.expires_on.desc())
    ).all()
    # Only the most recent expired check of each kind speaks for the cook; once it has been
    # told about, older lapsed checks of that kind stay quiet.
    seen: set[tuple[int, CheckKind]] = set()
    latest = []
    for check in candidates:
        if (check.cook_id, check.kind) in seen:
            continue
        seen.add((check.cook_id, check.kind))
        if check.id not in notified:
            latest.append(check)
    return latest


def _tell_coordinators_of_lapse(check: VettingCheck, today: date) -> int:
    """The area's coordinators hear once (with the check's own notice) of the live pairings
    whose cook's check has lapsed: they are flagged on the monitor until it is renewed."""
    from casserole.services.notifications import coordinators_of

    cook = check.cook
    if cook.area is None or cook.is_vetted(today):
        return 0
    live = list(
        db.session.scalars(
            select(Pairing)
            .where(Pairing.cook_id == cook.id, Pairing.status.in_(LIVE_STATUSES))
            .order_by(Pairing.id)
        )
    )
    if not live:
        return 0
    addresses = coordinators_of(cook.area)
    for address in addresses:
        mail.queue_email(
            address,
            f"{cook.user.display_name}'s {CHECK_LABELS[check.kind]} has expired",
            "vetting_lapsed_to_coordinator",
            kind="vetting_lapsed_to_coordinator",
            area_id=cook.area_id,
            cook=cook,
            check_label=CHECK_LABELS[check.kind],
            expired_on=check.expires_on,
            pairings=live,
            link=public_url("coordinator.cook", slug=cook.area.slug, cook_id=cook.id),
        )
    return len(addresses)


def notify_expired(today: date | None = None) -> int:
    """Tell each cook whose check has just expired that new introductions are on hold.

    The matcher already stops proposing a cook without three valid checks; this sends the
    e-mail once per expired check (an audit event remembers it) and returns how many went.
    """
    today = today or clock.today()
    checks = newly_expired(today)
    for check in checks:
        cook = check.cook
        area = cook.area
        _tell_coordinators_of_lapse(check, today)
        # By the cook's own choice of channel (a text, a letter or a call from the coordinator).
        mail.queue_message(
            channels.reach_for_user(cook.user),
            _l("Your %(check)s has expired", check=CHECK_LABELS[check.kind]),
            "vetting_expired",
            kind="vetting_expired",
            area_id=cook.area_id,
            locale=locale_of(cook.user),
            name=cook.user.first_name,
            check_label=CHECK_LABELS[check.kind],
            expired_on=check.expires_on,
            area=area,
        )
        audit.record(
            NOTICE_ACTION,
            check,
            area_id=cook.area_id,
            actor=None,
            client_address=None,
            cook_id=cook.id,
        )
    db.session.commit()
    if checks:
        mail.dispatch()
    return len(checks)
