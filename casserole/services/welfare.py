"""Meal days that went wrong: a cook's report, the welfare check it opens, its escalation.

"Could not come" is recorded and the diner's side told. "Nobody answered" and "seemed
unwell" open a welfare check: the carer and the area's coordinators are told at once, the
check tops the console until a coordinator records the outcome (it goes into the diner's
case log), and one left open WELFARE_ESCALATION_HOURS is escalated, once, to every
coordinator and admin of the area (`escalate_overdue`, run by the scheduler or
`flask welfare escalate`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from casserole import clock
from casserole.access import area_ids_for
from casserole.extensions import db
from casserole.models import Area, CaseLogKind, DinerProfile, Pairing, Role, utcnow
from casserole.models.welfare import (
    WELFARE_OUTCOME_LABELS,
    WELFARE_REPORTS,
    MealDayReport,
    VisitReport,
    WelfareCheck,
    WelfareOutcome,
)
from casserole.services import audit, mail, welfare_messages
from casserole.services.casework import case_log
from casserole.services.pairings.lifecycle import commit
from casserole.services.pairings.reach import load
from casserole.services.pairings.states import Action, PairingError, authorise

# How far back a cook may report a meal day (a report weeks later helps nobody).
REPORT_WITHIN_DAYS = 7
DEFAULT_ESCALATION_HOURS = 4


class WelfareError(ValueError):
    """An outcome that cannot be recorded, with the field it concerns."""

    def __init__(self, message: str, field_name: str = "outcome") -> None:
        super().__init__(message)
        self.message = message
        self.field_name = field_name


def escalation_hours() -> int:
    """Hours a welfare check may stay open before everyone in the area is told."""
    return int(current_app.config.get("WELFARE_ESCALATION_HOURS", DEFAULT_ESCALATION_HOURS))


def report_visit(
    pairing_id: int,
    actor: Any,
    kind: VisitReport,
    day: date,
    note: str = "",
    now: datetime | None = None,
    client_address: str | None = None,
) -> tuple[MealDayReport, WelfareCheck | None]:
    """The cook reports a meal day: recorded, the right people told, a check opened if needed."""
    now = now or utcnow()
    note = (note or "").strip()
    pairing, sides = load(pairing_id, actor, lock=True)
    authorise(Action.REPORT_VISIT, pairing.status, sides)
    today = clock.local_date(now)
    if day > today:
        raise PairingError(gettext("The date cannot be in the future."), field="day")
    if day < today - timedelta(days=REPORT_WITHIN_DAYS):
        raise PairingError(
            gettext(
                "Report a day in the last %(days)s days; for anything older, tell the coordinator.",
                days=REPORT_WITHIN_DAYS,
            ),
            field="day",
        )
    assert pairing.started_at is not None  # an active pairing always has one
    if day < clock.local_date(pairing.started_at):
        raise PairingError(gettext("The date is before you started cooking together."), field="day")
    if len(note) > 500:
        raise PairingError(gettext("That is too long to keep; please shorten it."), field="note")
    duplicate = db.session.scalar(
        select(MealDayReport.id).where(
            MealDayReport.pairing_id == pairing.id,
            MealDayReport.day == day,
            MealDayReport.kind == kind,
        )
    )
    if duplicate is not None:
        raise PairingError(gettext("You have already reported that for this day."), field="kind")
    report = MealDayReport(
        pairing_id=pairing.id,
        day=day,
        kind=kind,
        note=note,
        reported_by_id=actor.id,
        reported_at=now,
    )
    db.session.add(report)
    db.session.flush()
    check = None
    if kind in WELFARE_REPORTS:
        check = WelfareCheck(
            pairing_id=pairing.id,
            area_id=pairing.area_id,
            report_id=report.id,
            kind=kind,
            opened_at=now,
            opened_by_id=actor.id,
        )
        db.session.add(check)
        db.session.flush()
        welfare_messages.welfare_check_opened(check, report, escalation_hours())
    else:
        welfare_messages.could_not_come(pairing, report)
    audit.record(
        "pairing.report_visit",
        pairing,
        actor=actor,
        client_address=client_address,
        kind=kind.value,
        report_id=report.id,
        welfare_check_id=check.id if check else None,
    )
    commit()
    return report, check


def open_checks(area_ids: Iterable[int] | None) -> list[WelfareCheck]:
    """Open welfare checks in these areas (None: every area), oldest first."""
    stmt = select(WelfareCheck).where(WelfareCheck.closed_at.is_(None))
    if area_ids is not None:
        stmt = stmt.where(WelfareCheck.area_id.in_(sorted(area_ids)))
    return list(db.session.scalars(stmt.order_by(WelfareCheck.opened_at, WelfareCheck.id)))


def open_in_area(area: Area) -> list[WelfareCheck]:
    """The area's open welfare checks, oldest first (they top the console)."""
    return open_checks([area.id])


def open_for(user: Any) -> list[WelfareCheck]:
    """Open checks a person must act on: a carer's diners, a coordinator's areas."""
    if user.role in (Role.COORDINATOR, Role.ADMIN):
        allowed = area_ids_for(user)
        return open_checks(allowed)
    # A carer checks on their diners; a diner is never asked to check on themselves.
    if user.role == Role.CARER:
        diners = select(DinerProfile.id).where(DinerProfile.carer_id == user.id)
        return list(
            db.session.scalars(
                select(WelfareCheck)
                .join(Pairing, Pairing.id == WelfareCheck.pairing_id)
                .where(WelfareCheck.closed_at.is_(None), Pairing.diner_id.in_(diners))
                .order_by(WelfareCheck.opened_at)
            )
        )
    return []


def check_in_area(area: Area, check_id: int) -> WelfareCheck | None:
    """The welfare check if it belongs to `area` (else None: the view answers 404)."""
    check = db.session.get(WelfareCheck, check_id)
    return check if check is not None and check.area_id == area.id else None


def is_overdue(check: WelfareCheck, now: datetime | None = None) -> bool:
    """True when the check has been open longer than the escalation time."""
    now = now or clock.now()
    return check.closed_at is None and now - check.opened_at >= timedelta(hours=escalation_hours())


def record_outcome(
    area: Area,
    check: WelfareCheck,
    outcome: WelfareOutcome,
    note: str,
    actor: Any,
    now: datetime | None = None,
    client_address: str | None = None,
) -> WelfareCheck:
    """A coordinator closes a check with its outcome; it goes into the diner's case log."""
    now = now or utcnow()
    note = (note or "").strip()
    if check.closed_at is not None:
        raise WelfareError("This welfare check is already closed.")
    if outcome == WelfareOutcome.OTHER and not note:
        raise WelfareError("Say what happened.", field_name="note")
    if len(note) > 2000:
        raise WelfareError("Keep it under 2,000 characters.", field_name="note")
    pairing = check.pairing
    check.closed_at, check.closed_by_id = now, actor.id
    check.outcome, check.outcome_note = outcome, note
    diner = pairing.diner
    subject = case_log.subject_of(diner) or case_log.Subject("pairing", pairing.id, area.id)
    body = f"Welfare check {check.id} closed: {WELFARE_OUTCOME_LABELS[outcome]}."
    if note:
        body += f" {note}"
    case_log.add_entry(
        subject, CaseLogKind.NOTE, body, actor, commit=False, client_address=client_address
    )
    audit.record(
        "welfare_check_closed",
        pairing,
        actor=actor,
        client_address=client_address,
        welfare_check_id=check.id,
        outcome=outcome.value,
    )
    welfare_messages.welfare_check_closed(check)
    db.session.commit()
    mail.dispatch()
    return check


def escalate_overdue(now: datetime | None = None) -> int:
    """Escalate (once) each check open longer than WELFARE_ESCALATION_HOURS; returns how many.

    Safe to run as often as wanted: an escalated check is never escalated again.
    """
    now = now or clock.now()
    hours = escalation_hours()
    due = list(
        db.session.scalars(
            select(WelfareCheck)
            .where(
                WelfareCheck.closed_at.is_(None),
                WelfareCheck.escalated_at.is_(None),
                WelfareCheck.opened_at <= now - timedelta(hours=hours),
            )
            .order_by(WelfareCheck.id)
            .with_for_update(skip_locked=True)
        )
    )
    for check in due:
        check.escalated_at = now
        welfare_messages.welfare_check_escalated(check, hours)
        audit.record(
            "welfare_check_escalated",
            check.pairing,
            actor=None,
            client_address=None,
            welfare_check_id=check.id,
        )
    if due:
        db.session.commit()
        mail.dispatch()
    return len(due)


def reports_on(pairing_ids: list[int], day: date) -> set[int]:
    """Pairings among `pairing_ids` with any report for `day` (the day is accounted for)."""
    if not pairing_ids:
        return set()
    return set(
        db.session.scalars(
            select(MealDayReport.pairing_id).where(
                MealDayReport.pairing_id.in_(pairing_ids), MealDayReport.day == day
            )
        )
    )


def for_pairing(pairing: Pairing) -> list[WelfareCheck]:
    """A pairing's welfare checks, newest first (shown on the pairing page)."""
    return list(
        db.session.scalars(
            select(WelfareCheck)
            .where(WelfareCheck.pairing_id == pairing.id)
            .order_by(WelfareCheck.opened_at.desc(), WelfareCheck.id.desc())
        )
    )
