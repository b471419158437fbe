"""Who stands where to a pairing, what they may see of it, and the pairings on their list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from casserole.access import area_ids_for, can_see_area
from casserole.extensions import db
from casserole.formatting import long_date
from casserole.models import (
    Area,
    DinerProfile,
    EmailStatus,
    EndReason,
    OutboundEmail,
    Pairing,
    PairingStatus,
    Role,
    utcnow,
)
from casserole.models.vocab import LIVE_STATUSES
from casserole.services import audit, stats
from casserole.services.pairings.allergens import allergen_alerts
from casserole.services.pairings.states import (
    Action,
    NotFound,
    Side,
    State,
    allowed_actions,
    state_of,
)

P = PairingStatus


def sides_of(user: Any, pairing: Pairing) -> frozenset[Side]:
    """The sides `user` stands on for `pairing` (empty when it is none of their business)."""
    sides = set()
    if user.role == Role.COOK and user.cook_profile is not None:
        if user.cook_profile.id == pairing.cook_id:
            sides.add(Side.COOK)
    elif user.role in (Role.DINER, Role.CARER):
        if user.id in (pairing.diner.user_id, pairing.diner.carer_id):
            sides.add(Side.DINER)
    elif user.role in (Role.COORDINATOR, Role.ADMIN) and can_see_area(user, pairing.area_id):
        sides.add(Side.COORDINATOR)
    return frozenset(sides)


def can_view(pairing: Pairing, sides: frozenset[Side]) -> bool:
    """A cook sees a pairing once approved; the diner's side once the cook has said yes."""
    if Side.COORDINATOR in sides:
        return True
    # A pairing that has started is visible to both sides however it was made.
    if Side.COOK in sides:
        return pairing.approved_at is not None or pairing.started_at is not None
    if Side.DINER in sides:
        return pairing.cook_accepted_at is not None or pairing.started_at is not None
    return False


def load(pairing_id: int, user: Any, *, lock: bool = False) -> tuple[Pairing, frozenset[Side]]:
    """The pairing and the user's sides, or NotFound when it is missing or out of reach.

    With `lock`, the row is locked until commit (PostgreSQL) and re-read, so two requests
    cannot both move the same pairing.
    """
    stmt = select(Pairing).where(Pairing.id == pairing_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    pairing = db.session.scalar(stmt)
    if pairing is None:
        raise NotFound("We could not find that pairing.")
    sides = sides_of(user, pairing)
    if not can_view(pairing, sides):
        raise NotFound("We could not find that pairing.")
    return pairing, sides


@dataclass
class PairingPage:
    """Everything the pairing page shows one person, decided here rather than in the template."""

    pairing: Pairing
    sides: frozenset[Side]
    actions: frozenset[str]
    rhythm: stats.Rhythm | None
    show_diner_contact: bool
    show_cook_phone: bool
    is_cook: bool
    is_diner_side: bool
    is_coordinator: bool
    status_text: str = ""
    unconfirmed_meal_ids: set[int] = field(default_factory=set)
    state: State | None = None
    # Meals that contained one of the diner's allergens, with which: shown to every side.
    allergen_alerts: list[tuple[Any, list[str]]] = field(default_factory=list)


def _offered(pairing: Pairing, sides: frozenset[Side], on_break: bool = False) -> frozenset[str]:
    """The actions to offer as buttons; after a death nobody is asked for feedback."""
    offered = {a.value for a in allowed_actions(pairing.status, sides, on_break=on_break)}
    if pairing.end_reason == EndReason.DIED:
        offered.discard(Action.FEEDBACK.value)
    return frozenset(offered)


def page_for(
    pairing_id: int, user: Any, now: datetime | None = None, client_address: str | None = None
) -> PairingPage:
    """The pairing page as `user` may see it; NotFound outside their reach."""
    pairing, sides = load(pairing_id, user)
    live = pairing.status in LIVE_STATUSES
    if Side.DINER not in sides:
        # Cooks and coordinators see a diner's needs and allergies, and once live their
        # address and access notes: each such view goes into the audit trail.
        audit.record(
            "diner_details_viewed",
            pairing.diner,
            area_id=pairing.area_id,
            actor=user,
            client_address=client_address,
            pairing_id=pairing.id,
            address=live,
        )
        audit.commit_view()
    on_break, until = break_of(pairing)
    stand_in = _live_stand_in(pairing) if on_break else None
    return PairingPage(
        pairing=pairing,
        sides=sides,
        actions=_offered(pairing, sides, on_break),
        rhythm=stats.rhythm(pairing, now=now or utcnow()),
        # Addresses, phones and access notes only while the pairing is live, and only to
        # the people in it (and the area's coordinators).
        show_diner_contact=live and bool(sides & {Side.COOK, Side.COORDINATOR}),
        show_cook_phone=live and bool(sides & {Side.DINER, Side.COORDINATOR}),
        is_cook=Side.COOK in sides,
        is_diner_side=Side.DINER in sides,
        is_coordinator=Side.COORDINATOR in sides,
        status_text=status_text(pairing, sides, on_break=on_break, until=until, stand_in=stand_in),
        unconfirmed_meal_ids={m.id for m in pairing.meals if m.confirmed_at is None},
        state=state_of(pairing.status, on_break=on_break, covered=stand_in is not None),
        allergen_alerts=allergen_alerts(pairing),
    )


def break_of(pairing: Pairing) -> tuple[bool, date | None]:
    """Whether the pairing is paused for its cook's break, and the break's last day (or None)."""
    for pause in pairing.pauses:
        if pause.ended_at is None and pause.cook_break_id is not None:
            return True, pause.cook_break.last_day if pause.cook_break else None
    return False, None


def _live_stand_in(pairing: Pairing) -> Pairing | None:
    return db.session.scalar(
        select(Pairing).where(Pairing.covers_id == pairing.id, Pairing.status.in_(LIVE_STATUSES))
    )


# Lazy: each is read in the language of the page that shows it.
_STATUS_TEXT = {
    P.PROPOSED: _l("Proposed: waiting for a coordinator to approve it."),
    P.APPROVED: _l("Waiting for the cook to say yes."),
    P.COOK_ACCEPTED: _l("The cook has said yes. Waiting for the diner or their carer to say yes."),
    P.ACTIVE: _l("Meals are being shared."),
    P.PAUSED: _l("Meals are paused for now."),
    P.ENDED: _l("This pairing has ended."),
    P.DECLINED: _l("This pairing was declined."),
}


def status_text(
    pairing: Pairing,
    sides: frozenset[Side],
    *,
    on_break: bool = False,
    until: date | None = None,
    stand_in: Pairing | None = None,
) -> str:
    """Where the pairing is, in plain words for the person reading."""
    text = _STATUS_TEXT[pairing.status]
    if pairing.status == P.APPROVED and Side.COOK in sides:
        text = gettext("We think you could cook for this neighbour. Would you like to?")
    if pairing.status == P.COOK_ACCEPTED and Side.DINER in sides:
        text = gettext("This cook would like to cook for you. Would you like that?")
    text = str(text)
    if on_break:
        if until:
            text = gettext(
                "Meals are paused for the cook's break until %(date)s.", date=long_date(until)
            )
        else:
            text = gettext("Meals are paused for the cook's break with no end date yet.")
        if stand_in is not None:
            text += " " + gettext(
                "%(name)s is the stand-in cook meanwhile.", name=stand_in.cook.user.first_name
            )
    if pairing.is_stand_in and pairing.first_day and pairing.last_day:
        start, end = long_date(pairing.first_day), long_date(pairing.last_day)
        if pairing.covers:
            intro = gettext(
                "A stand-in while %(name)s is on a break, from %(start)s to %(end)s.",
                name=pairing.covers.cook.user.first_name,
                start=start,
                end=end,
            )
        else:
            intro = gettext(
                "A stand-in while the regular cook is on a break, from %(start)s to %(end)s.",
                start=start,
                end=end,
            )
        text = f"{intro} {text}"
    return text


@dataclass
class Overview:
    """A person's pairings, split into what needs them, what is going, and what is over."""

    waiting: list[Pairing] = field(default_factory=list)
    current: list[Pairing] = field(default_factory=list)
    past: list[Pairing] = field(default_factory=list)
    at_risk: set[int] = field(default_factory=set)
    areas: list[Area] = field(default_factory=list)
    failed_mail: list[OutboundEmail] = field(default_factory=list)
    is_coordinator: bool = False


# Who must act next, per status: the pairing waits on that side.
_WAITS_ON = {
    P.PROPOSED: Side.COORDINATOR,
    P.APPROVED: Side.COOK,
    P.COOK_ACCEPTED: Side.DINER,
}


def overview_for(user: Any, now: datetime | None = None) -> Overview:
    """The pairings on a person's list (coordinators: their areas', newest first)."""
    view = Overview()
    stmt = select(Pairing).order_by(Pairing.id.desc())
    if user.role == Role.COOK:
        if user.cook_profile is None:
            return view
        side = Side.COOK
        stmt = stmt.where(Pairing.cook_id == user.cook_profile.id, Pairing.approved_at.is_not(None))
    elif user.role in (Role.DINER, Role.CARER):
        side = Side.DINER
        diners = select(DinerProfile.id).where(
            or_(DinerProfile.user_id == user.id, DinerProfile.carer_id == user.id)
        )
        stmt = stmt.where(Pairing.diner_id.in_(diners), Pairing.cook_accepted_at.is_not(None))
    else:
        side = Side.COORDINATOR
        view.is_coordinator = True
        allowed = area_ids_for(user)
        area_stmt = select(Area).order_by(Area.name)
        if allowed is not None:
            stmt = stmt.where(Pairing.area_id.in_(sorted(allowed)))
            area_stmt = area_stmt.where(Area.id.in_(sorted(allowed)))
        view.areas = list(db.session.scalars(area_stmt))
        # Coordinators see the live and open ones here; the console holds the full history.
        stmt = stmt.where(Pairing.status.in_([*LIVE_STATUSES, *_WAITS_ON]))
        mail_stmt = select(OutboundEmail).where(
            OutboundEmail.status == EmailStatus.FAILED, OutboundEmail.pairing_id.is_not(None)
        )
        if allowed is not None:
            mail_stmt = mail_stmt.where(OutboundEmail.area_id.in_(sorted(allowed)))
        view.failed_mail = list(db.session.scalars(mail_stmt.order_by(OutboundEmail.id.desc())))
    for pairing in db.session.scalars(stmt.limit(500)):
        if _WAITS_ON.get(pairing.status) == side:
            view.waiting.append(pairing)
        elif pairing.status in (*LIVE_STATUSES, *_WAITS_ON):
            view.current.append(pairing)
        else:
            view.past.append(pairing)
    live_ids = [p.id for p in view.current if p.status == P.ACTIVE]
    if live_ids:
        found = stats.rhythms(live_ids, now=now or utcnow())
        view.at_risk = {pid for pid, r in found.items() if r.at_risk}
    return view


__all__ = ["Action", "Overview", "PairingPage", "can_view", "load", "overview_for", "page_for"]
