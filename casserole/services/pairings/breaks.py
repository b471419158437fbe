"""A cook's planned break: the diners told, pairings paused for exactly its dates, stand-ins.

Planning a break (`plan_break`) tells each diner the cook cooks for (and their carer) and
asks the matcher for a stand-in cook for the break's dates; a break "from today, no end"
pauses the same way but no stand-in is sought. The timed part (`apply_break_transitions`,
run daily by `flask apply-breaks`) pauses the pairings on the first day, looks again for
stand-ins still missing, and after the last day ends the stand-ins, withdraws unfinished
stand-in proposals and restarts the regular pairings, telling both sides. Every move goes
through the state machine (states.TRANSITIONS: BREAK_PAUSE, BREAK_RESUME, STAND_IN_END).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from casserole import clock
from casserole.extensions import db
from casserole.formatting import long_date
from casserole.models import (
    BreakCover,
    CookBreak,
    CookProfile,
    EndReason,
    Pairing,
    PairingPause,
    PairingStatus,
    ProposalSource,
    utcnow,
)
from casserole.models.vocab import LIVE_STATUSES, OPEN_PROPOSAL_STATUSES
from casserole.services import audit, mail, notifications
from casserole.services.accounts import FieldError
from casserole.services.matching import StandInSearch, find_stand_ins
from casserole.services.pairings.lifecycle import move
from casserole.services.pairings.states import Action, Side, authorise

P = PairingStatus
_SCHEDULE = frozenset({Side.SCHEDULE})
LONGEST_BREAK_DAYS = 366
NO_END_NOTE = _l(
    "A break with no end date pauses your meals until you say you are back; "
    "no stand-in cook is looked for."
)


def dates_problem(first: date | None, last: date | None, today: date) -> dict[str, str]:
    """What is wrong with a break's dates, field by field (empty when they are fine)."""
    problems: dict[str, str] = {}
    if first is None or not today <= first <= today + timedelta(days=LONGEST_BREAK_DAYS):
        problems["first_day"] = gettext("Choose a first day from today and within a year.")
    elif last is not None and not first <= last <= first + timedelta(days=LONGEST_BREAK_DAYS):
        problems["last_day"] = gettext(
            "Choose a last day on or after the first day, within a year."
        )
    return problems


def current_break(cook: CookProfile) -> CookBreak | None:
    """The cook's break that is planned or running (not ended, not cancelled), if any."""
    return db.session.scalar(
        select(CookBreak)
        .where(
            CookBreak.cook_id == cook.id,
            CookBreak.ended_at.is_(None),
            CookBreak.cancelled_at.is_(None),
        )
        .order_by(CookBreak.first_day)
        .limit(1)
    )


def _regular_pairings(cook_id: int) -> list[Pairing]:
    return list(
        db.session.scalars(
            select(Pairing)
            .where(
                Pairing.cook_id == cook_id,
                Pairing.covers_id.is_(None),
                Pairing.status.in_(LIVE_STATUSES),
            )
            .order_by(Pairing.id)
        )
    )


def _date(day: date) -> Any:
    """A date written out in the language of whoever reads it (a message's reader)."""
    return LazyString(lambda: long_date(day))


def _span(cook_break: CookBreak) -> Any:
    """The break's dates in words, read in the reader's language."""
    if cook_break.last_day is None:
        return _l("from %(first)s, with no end date yet", first=_date(cook_break.first_day))
    return _l(
        "from %(first)s to %(last)s",
        first=_date(cook_break.first_day),
        last=_date(cook_break.last_day),
    )


def plan_break(
    cook: CookProfile,
    first_day: date | None,
    last_day: date | None,
    *,
    actor: Any,
    client_address: str | None = None,
    today: date | None = None,
) -> CookBreak:
    """Plan a cook's break: each diner is told, stand-ins are sought; one commit, then mail."""
    today = today or clock.today()
    if problems := dates_problem(first_day, last_day, today):
        raise FieldError(errors=problems)
    assert first_day is not None
    if current_break(cook) is not None:
        raise FieldError("first_day", gettext("You already have a break planned: cancel it first."))
    cook_break = CookBreak(cook_id=cook.id, first_day=first_day, last_day=last_day)
    db.session.add(cook_break)
    db.session.flush()
    name = cook.user.first_name
    for pairing in _regular_pairings(cook.id):
        cook_break.covers.append(BreakCover(pairing_id=pairing.id))
        stand_in = (
            _l(
                "We are looking for a stand-in cook for those dates; you will be asked before "
                "anyone new comes."
            )
            if last_day is not None
            else _l("No stand-in cook is looked for while the break has no end date.")
        )
        notifications.break_notice(
            pairing,
            [*notifications.diner_side(pairing), *notifications.offline_diner(pairing)],
            _l("%(name)s is taking a break from cooking", name=name),
            _l(
                "%(name)s is taking a break %(span)s. Meals from %(name)s are paused "
                "for exactly those dates: please do not expect them then.",
                name=name,
                span=_span(cook_break),
            ),
            stand_in,
        )
    audit.record(
        "cook_break.planned",
        cook_break,
        actor=actor,
        client_address=client_address,
        area_id=cook.area_id,
        covers=len(cook_break.covers),
        dated=last_day is not None,
    )
    db.session.flush()
    _run(today, utcnow(), only=cook_break)
    db.session.commit()
    mail.dispatch()
    return cook_break


def cancel_break(
    cook: CookProfile, *, actor: Any, client_address: str | None = None, today: date | None = None
) -> CookBreak | None:
    """The cook is back (or will not go): end the current break today; both sides told."""
    today = today or clock.today()
    cook_break = current_break(cook)
    if cook_break is None:
        return None
    if cook_break.started_at is None:
        cook_break.cancelled_at = utcnow()
        _finish(cook_break, utcnow(), cancelled=True)
    else:
        # Back early (or from a break with no end): the break's last day was yesterday.
        cook_break.last_day = max(cook_break.first_day, today - timedelta(days=1))
        _finish(cook_break, utcnow())
    audit.record(
        "cook_break.ended_by_cook",
        cook_break,
        actor=actor,
        client_address=client_address,
        area_id=cook.area_id,
    )
    db.session.commit()
    mail.dispatch()
    return cook_break


@dataclass
class BreakRun:
    """What one run of the timed job did (for the command's output and the tests)."""

    breaks_started: int = 0
    breaks_ended: int = 0
    paused: int = 0
    resumed: int = 0
    stand_ins_proposed: int = 0
    stand_ins_ended: int = 0
    proposals_withdrawn: int = 0
    uncovered: int = 0


def apply_break_transitions(today: date | None = None, now: datetime | None = None) -> BreakRun:
    """The timed part: start breaks due, end breaks over, look again for missing stand-ins.

    Safe to run any number of times a day: each break records when it started and ended.
    """
    today = today or clock.today()
    now = now or utcnow()
    run = _run(today, now)
    db.session.commit()
    mail.dispatch()
    return run


def _run(today: date, now: datetime, only: CookBreak | None = None) -> BreakRun:
    run = BreakRun()
    query = select(CookBreak).where(CookBreak.cancelled_at.is_(None), CookBreak.ended_at.is_(None))
    if only is not None:
        query = query.where(CookBreak.id == only.id)
    for cook_break in db.session.scalars(query.order_by(CookBreak.first_day, CookBreak.id)):
        if cook_break.last_day is not None and cook_break.last_day < today:
            if cook_break.started_at is None:
                _start(cook_break, now, run)
            _finish(cook_break, now, run=run)
            continue
        if cook_break.started_at is None and cook_break.first_day <= today:
            _start(cook_break, now, run)
        if cook_break.last_day is not None:
            _seek(cook_break, today, run)
    return run


def _start(cook_break: CookBreak, now: datetime, run: BreakRun) -> None:
    """The first day: the cook is away, each active regular pairing pauses for the break."""
    cook = cook_break.cook
    cook.paused = True
    cook.paused_until = None if cook_break.last_day is None else cook_break.last_day + timedelta(1)
    cook_break.started_at = now
    run.breaks_started += 1
    for cover in cook_break.covers:
        pairing = cover.pairing
        if pairing.status != P.ACTIVE:
            continue  # already paused (hospital, holiday) or ended: left as it is
        pairing.pauses.append(
            PairingPause(started_at=now, reason="The cook's break", cook_break_id=cook_break.id)
        )
        authorise(Action.BREAK_PAUSE, pairing.status, _SCHEDULE)
        move(pairing, Action.BREAK_PAUSE, Side.SCHEDULE, None, None, cook_break_id=cook_break.id)
        run.paused += 1


def _stand_ins(cook_break: CookBreak, statuses: tuple[PairingStatus, ...]) -> list[Pairing]:
    return list(
        db.session.scalars(
            select(Pairing)
            .where(Pairing.cook_break_id == cook_break.id, Pairing.status.in_(statuses))
            .order_by(Pairing.id)
        )
    )


def _finish(
    cook_break: CookBreak, now: datetime, *, run: BreakRun | None = None, cancelled: bool = False
) -> None:
    """After the last day: stand-ins end, open stand-in proposals are withdrawn, meals restart."""
    run = run or BreakRun()
    cook_break.ended_at = now
    run.breaks_ended += 1
    cook = cook_break.cook
    cook.paused, cook.paused_until = False, None
    regular_name = cook.user.first_name
    for stand_in in _stand_ins(cook_break, LIVE_STATUSES):
        stand_in.ended_at = max(now, stand_in.started_at or now)
        stand_in.end_reason = EndReason.OTHER
        stand_in.end_note = "The regular cook's break is over."
        for open_pause in (p for p in stand_in.pauses if p.ended_at is None):
            open_pause.ended_at = max(now, open_pause.started_at)
        authorise(Action.STAND_IN_END, stand_in.status, _SCHEDULE)
        move(stand_in, Action.STAND_IN_END, Side.SCHEDULE, None, None)
        run.stand_ins_ended += 1
        notifications.break_notice(
            stand_in,
            [stand_in.cook.user],
            _l("Thank you for standing in for %(diner)s", diner=stand_in.diner.first_name),
            _l(
                "%(name)s's break is over, so your time as %(diner)s's stand-in cook has "
                "ended. Thank you for keeping the meals going.",
                name=regular_name,
                diner=stand_in.diner.first_name,
            ),
        )
    for proposal in _stand_ins(cook_break, OPEN_PROPOSAL_STATUSES):
        proposal.declined_at = now
        proposal.decline_reason = "The regular cook's break ended before the stand-in started."
        authorise(Action.DECLINE, proposal.status, _SCHEDULE)
        move(proposal, Action.DECLINE, Side.SCHEDULE, None, None)
        run.proposals_withdrawn += 1
    for cover in cook_break.covers:
        pairing = cover.pairing
        pause = next(
            (p for p in pairing.pauses if p.ended_at is None and p.cook_break_id == cook_break.id),
            None,
        )
        if pause is None or pairing.status != P.PAUSED:
            continue
        pause.ended_at = max(now, pause.started_at)
        authorise(Action.BREAK_RESUME, pairing.status, _SCHEDULE, on_break=True)
        move(pairing, Action.BREAK_RESUME, Side.SCHEDULE, None, None, cook_break_id=cook_break.id)
        run.resumed += 1
        diner = pairing.diner.first_name
        notifications.break_notice(
            pairing,
            [*notifications.diner_side(pairing), *notifications.offline_diner(pairing), cook.user],
            _l("Meals with %(name)s and %(diner)s start again", name=regular_name, diner=diner),
            _l(
                "%(name)s's break is over: meals between %(name)s and %(diner)s start again "
                "on the usual days.",
                name=regular_name,
                diner=diner,
            ),
        )
    if cancelled:
        for cover in cook_break.covers:
            notifications.break_notice(
                cover.pairing,
                [
                    *notifications.diner_side(cover.pairing),
                    *notifications.offline_diner(cover.pairing),
                ],
                _l("%(name)s is not taking a break after all", name=regular_name),
                _l("%(name)s has cancelled the break: meals go on as usual.", name=regular_name),
            )


def _seek(cook_break: CookBreak, today: date, run: BreakRun) -> None:
    """Ask the matcher for a stand-in for each diner of the break not yet covered."""
    assert cook_break.last_day is not None
    first = max(cook_break.first_day, today)
    covered = {
        p.covers_id for p in _stand_ins(cook_break, (*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES))
    }
    todo = [
        c
        for c in cook_break.covers
        if c.pairing_id not in covered
        and c.pairing.status in LIVE_STATUSES
        # A pairing paused before the break (hospital, holiday) needs no stand-in.
        and (c.pairing.status == P.ACTIVE or _paused_for(c.pairing, cook_break))
    ]
    if not todo:
        return
    area = cook_break.cook.area
    searches = [
        StandInSearch(
            pairing_id=c.pairing_id,
            diner=c.pairing.diner,
            regular_cook_id=cook_break.cook_id,
            first_day=first,
            last_day=cook_break.last_day,
        )
        for c in todo
    ]
    found = find_stand_ins(area, searches, today)
    by_diner = {c.pairing.diner_id: c for c in todo}
    now = utcnow()
    for cook_id, diner_id, km in found.pairs:
        cover = by_diner[diner_id]
        regular = cover.pairing
        stand_in = Pairing(
            cook_id=cook_id,
            diner_id=diner_id,
            area_id=regular.area_id,
            distance_km=round(km, 4),
            source=ProposalSource.MATCHER,
            proposed_at=now,
            status=P.APPROVED if area.auto_approve else P.PROPOSED,
            approved_at=now if area.auto_approve else None,
            covers_id=regular.id,
            cook_break_id=cook_break.id,
            first_day=first,
            last_day=cook_break.last_day,
        )
        db.session.add(stand_in)
        db.session.flush()
        cover.reason_code, cover.reason, cover.searched_at = "", "", now
        audit.record(
            "pairing.stand_in_proposed",
            stand_in,
            actor=None,
            client_address=None,
            covers=regular.id,
        )
        if stand_in.status == P.APPROVED:
            notifications.proposal_to_cook(stand_in)
        run.stand_ins_proposed += 1
    for diner_id, code in found.unmatched.items():
        cover = by_diner[diner_id]
        if cover.reason_code != code:
            notifications.break_notice_to_coordinators(
                cover.pairing,
                f"No stand-in cook for {cover.pairing.diner.first_name} ({area.name})",
                f"{cook_break.cook.user.first_name} is on a break {_span(cook_break)} and "
                f"the matcher found no stand-in cook for {cover.pairing.diner.first_name}: "
                f"{found.reasons[diner_id]}",
                "The break is listed as uncovered on the console until a stand-in is found.",
            )
        cover.reason_code, cover.reason, cover.searched_at = code, found.reasons[diner_id], now
        run.uncovered += 1


def _paused_for(pairing: Pairing, cook_break: CookBreak) -> bool:
    return any(p.ended_at is None and p.cook_break_id == cook_break.id for p in pairing.pauses)


@dataclass
class UncoveredBreak:
    """A diner left without a stand-in through their cook's break, and the matcher's reason."""

    pairing: Pairing
    cook_break: CookBreak
    reason: str


def uncovered_breaks(area_id: int, today: date | None = None) -> list[UncoveredBreak]:
    """Breaks not over yet whose diner has no stand-in (live or proposed), with why."""
    today = today or clock.today()
    rows = db.session.execute(
        select(BreakCover, CookBreak)
        .join(CookBreak, CookBreak.id == BreakCover.cook_break_id)
        .join(Pairing, Pairing.id == BreakCover.pairing_id)
        .where(
            Pairing.area_id == area_id,
            Pairing.status.in_(LIVE_STATUSES),
            CookBreak.ended_at.is_(None),
            CookBreak.cancelled_at.is_(None),
            BreakCover.reason_code != "",
        )
        .order_by(CookBreak.first_day, BreakCover.id)
    ).all()
    return [UncoveredBreak(cover.pairing, cook_break, cover.reason) for cover, cook_break in rows]


def break_note(pairing: Pairing) -> str:
    """For home pages: the cook's break and its stand-in in plain words, or "" if none.

    Said from the moment the break is planned until it ends (a regular pairing), or for a
    stand-in pairing, whose break it covers.
    """
    if pairing.is_stand_in and pairing.first_day and pairing.last_day:
        start, end = long_date(pairing.first_day), long_date(pairing.last_day)
        if pairing.covers:
            return gettext(
                "Standing in while %(name)s is on a break, from %(start)s to %(end)s.",
                name=pairing.covers.cook.user.first_name,
                start=start,
                end=end,
            )
        return gettext(
            "Standing in while the regular cook is on a break, from %(start)s to %(end)s.",
            start=start,
            end=end,
        )
    cover = db.session.scalar(
        select(BreakCover)
        .join(CookBreak, CookBreak.id == BreakCover.cook_break_id)
        .where(
            BreakCover.pairing_id == pairing.id,
            CookBreak.ended_at.is_(None),
            CookBreak.cancelled_at.is_(None),
        )
        .limit(1)
    )
    if cover is None:
        return ""
    cook_break = cover.cook_break
    name = pairing.cook.user.first_name
    text = gettext(
        "%(name)s is on a break %(span)s: no meals from %(name)s on those dates.",
        name=name,
        span=_span(cook_break),
    )
    stand_in = db.session.scalar(
        select(Pairing).where(
            Pairing.covers_id == pairing.id,
            Pairing.cook_break_id == cook_break.id,
            Pairing.status.in_(LIVE_STATUSES),
        )
    )
    offered = db.session.scalar(
        select(Pairing).where(
            Pairing.covers_id == pairing.id,
            Pairing.cook_break_id == cook_break.id,
            Pairing.status == P.COOK_ACCEPTED,
        )
    )
    if stand_in is not None:
        text += " " + gettext("%(name)s is the stand-in cook.", name=stand_in.cook.user.first_name)
    elif offered is not None:
        # The diner's side is being asked for its yes: "still looking" would contradict that.
        text += " " + gettext(
            "%(name)s would like to stand in: we are waiting for %(diner)s's yes.",
            name=offered.cook.user.first_name,
            diner=pairing.diner.first_name,
        )
    elif cook_break.last_day is None:
        text += " " + gettext("No stand-in cook is looked for while the break has no end date.")
    else:
        text += " " + gettext("We are looking for a stand-in cook.")
    return text


# How far back a record page looks for breaks that are over (or were cancelled).
RECENT_BREAK_DAYS = 90


@dataclass
class CoverLine:
    """One diner through a break: the regular pairing, its stand-in if any, and where it stands.

    `state` is one of: "covered" (a live stand-in), "asked" (a stand-in proposed, approved
    or awaiting a yes), "stood_in" (a stand-in that cooked and has ended), "uncovered" (the
    matcher found nobody: `reason` says why), "no_end" (a break with no last day: none is
    sought), "not_needed" (the pairing was not cooking when the break came: paused or over),
    "looking" (not looked for yet), "none" (the break is over or cancelled: nobody stood in).
    """

    pairing: Pairing
    stand_in: Pairing | None
    state: str
    reason: str = ""


@dataclass
class BreakLine:
    """One of a cook's breaks for their pages: its dates, where it stands, each diner's cover."""

    cook_break: CookBreak
    state: str  # "planned", "current", "over" or "cancelled"
    days: int | None  # days away, both ends included; None while it has no last day
    covers: list[CoverLine]


# A stand-in's rank as the cover of a break: the live one first, then one being asked,
# then one that has cooked and ended; declined ones never cover anything.
_STAND_IN_RANK = {
    P.ACTIVE: 0,
    P.PAUSED: 0,
    P.PROPOSED: 1,
    P.APPROVED: 1,
    P.COOK_ACCEPTED: 1,
    P.ENDED: 2,
}
_COVER_STATE = {0: "covered", 1: "asked", 2: "stood_in"}


def _break_state(cook_break: CookBreak, today: date) -> str:
    if cook_break.cancelled_at is not None:
        return "cancelled"
    if cook_break.ended_at is not None:
        return "over"
    if cook_break.started_at is not None or cook_break.first_day <= today:
        return "current"
    return "planned"


def breaks_of(
    cook: CookProfile,
    today: date | None = None,
    *,
    recent_days: int = RECENT_BREAK_DAYS,
    with_past: bool = True,
) -> list[BreakLine]:
    """A cook's breaks: running and planned ones (soonest first), then recent past ones."""
    today = today or clock.today()
    query = select(CookBreak).where(CookBreak.cook_id == cook.id)
    not_over = CookBreak.ended_at.is_(None) & CookBreak.cancelled_at.is_(None)
    if with_past:
        since = today - timedelta(days=recent_days)
        recent = func.coalesce(CookBreak.last_day, CookBreak.first_day) >= since
        query = query.where(not_over | recent)
    else:
        query = query.where(not_over)
    found = list(
        db.session.scalars(
            query.options(selectinload(CookBreak.covers).selectinload(BreakCover.pairing))
            .order_by(CookBreak.first_day, CookBreak.id)
            .limit(50)
        )
    )
    stand_ins: dict[tuple[int, int], Pairing] = {}
    if found:
        candidates = db.session.scalars(
            select(Pairing)
            .where(
                Pairing.cook_break_id.in_([b.id for b in found]),
                Pairing.status.in_(list(_STAND_IN_RANK)),
            )
            .order_by(Pairing.id)
        )
        over = {b.id for b in found if b.ended_at is not None or b.cancelled_at is not None}
        for stand_in in candidates:
            # An ended stand-in covered its break only if it cooked and the break is over too
            # (one that stopped half-way leaves the diner to the daily search for another).
            if stand_in.status == P.ENDED and (
                stand_in.started_at is None or stand_in.cook_break_id not in over
            ):
                continue
            assert stand_in.cook_break_id is not None and stand_in.covers_id is not None
            key = (stand_in.cook_break_id, stand_in.covers_id)
            held = stand_ins.get(key)
            # The better-ranked one wins; among equals, the newest.
            if held is None or _STAND_IN_RANK[stand_in.status] <= _STAND_IN_RANK[held.status]:
                stand_ins[key] = stand_in
    lines = [
        BreakLine(
            cook_break=b,
            state=_break_state(b, today),
            days=None if b.last_day is None else (b.last_day - b.first_day).days + 1,
            covers=[
                _cover_line(b, cover, stand_ins.get((b.id, cover.pairing_id))) for cover in b.covers
            ],
        )
        for b in found
    ]
    order = {"current": 0, "planned": 1}
    ahead = [line for line in lines if line.state in order]
    ahead.sort(key=lambda line: order[line.state])
    past = [line for line in lines if line.state not in order]
    past.sort(key=lambda line: (line.cook_break.first_day, line.cook_break.id), reverse=True)
    return ahead + past


def current_covers(cook: CookProfile, today: date | None = None) -> list[CoverLine]:
    """Each diner's cover through the cook's planned or running break (empty without one)."""
    planned = current_break(cook)
    if planned is None:
        return []
    lines = breaks_of(cook, today, with_past=False)
    return next((line.covers for line in lines if line.cook_break.id == planned.id), [])


def _cover_line(cook_break: CookBreak, cover: BreakCover, stand_in: Pairing | None) -> CoverLine:
    pairing = cover.pairing
    if stand_in is not None:
        return CoverLine(pairing, stand_in, _COVER_STATE[_STAND_IN_RANK[stand_in.status]])
    if cover.reason_code:
        return CoverLine(pairing, None, "uncovered", cover.reason)
    if cook_break.last_day is None:
        return CoverLine(pairing, None, "no_end")
    if cook_break.ended_at is not None or cook_break.cancelled_at is not None:
        return CoverLine(pairing, None, "none")
    if pairing.status not in LIVE_STATUSES or (
        pairing.status == P.PAUSED and not _paused_for(pairing, cook_break)
    ):
        return CoverLine(pairing, None, "not_needed")
    return CoverLine(pairing, None, "looking")
