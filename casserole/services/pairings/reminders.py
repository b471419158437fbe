"""Reminders: meals that have stopped, the day before a meal day, a missed meal day, digests.

Each is a pure service function taking `today`/`now` (the scheduler and `flask welfare ...`
call them) and records what it sent, so running it again sends nothing twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import LazyString, gettext
from sqlalchemy import and_, or_, select

from casserole import clock
from casserole.extensions import db
from casserole.models import (
    CookProfile,
    DinerProfile,
    MealShare,
    Pairing,
    PairingStatus,
    Role,
    SentReminder,
    User,
    utcnow,
)
from casserole.models.vocab import mask_to_days
from casserole.services import audit, mail, notifications, stats, welfare, welfare_messages
from casserole.services.diner_details import allergen_lines
from casserole.services.pairings.lifecycle import commit


def remind_at_risk(area_ids: set[int] | None = None, now: datetime | None = None) -> int:
    """E-mail both sides of every at-risk pairing not yet reminded this quiet spell."""
    now = now or utcnow()
    risky = {
        pid: r
        for pid, r in stats.rhythms(area_ids=area_ids, now=now).items()
        if r.at_risk and r.quiet_days is not None
    }
    reminded = 0
    for start in range(0, len(risky), 500):
        ids = sorted(risky)[start : start + 500]
        for pairing in db.session.scalars(select(Pairing).where(Pairing.id.in_(ids))):
            rhythm = risky[pairing.id]
            quiet_since = clock.local_date(now).toordinal() - (rhythm.quiet_days or 0)
            last = pairing.at_risk_notified_at
            # One reminder per quiet spell: a meal (or a restart) after it opens a new spell.
            if last is not None and clock.local_date(last).toordinal() >= quiet_since:
                continue
            notifications.at_risk_reminder(pairing, rhythm.quiet_days or 0)
            pairing.at_risk_notified_at = now
            audit.record(
                "pairing.at_risk_reminder",
                pairing,
                actor=None,
                client_address=None,
                quiet_days=rhythm.quiet_days,
            )
            reminded += 1
        commit()
    return reminded


# Kinds of SentReminder rows: what went out, once per subject and day.
MEAL_DAY = "meal_day_reminder"
MISSED_MEAL = "missed_meal_nudge"
DIGEST = "coordinator_digest"
_BATCH = 200


def usual_days(pairing: Pairing) -> frozenset[int]:
    """The pairing's usual meal days: days the diner wants a meal and the cook can cook."""
    return mask_to_days(pairing.diner.days_mask & pairing.cook.days_mask)


def _allergen_text(diner: DinerProfile) -> Any:
    """The diner's allergens for the cook's reminder, in words (one owner: allergen_lines).

    Lazy: read when the reminder is drawn, in the cook's own language.
    """
    return LazyString(lambda: "; ".join(allergen_lines(diner)) or gettext("none recorded"))


def _moment(today: date | None) -> tuple[date, datetime]:
    """The UK date and a matching instant (its midday) for a run on `today` (None: now)."""
    if today is None:
        now = clock.now()
        return clock.local_date(now), now
    midday = datetime.combine(today, time(12), tzinfo=clock.LOCAL_ZONE)
    return today, midday.astimezone(UTC)


def _sent(kind: str, day: date, subjects: list[str]) -> set[str]:
    """Which of `subjects` already had a `kind` message for `day`."""
    if not subjects:
        return set()
    return set(
        db.session.scalars(
            select(SentReminder.subject).where(
                SentReminder.kind == kind,
                SentReminder.day == day,
                SentReminder.subject.in_(subjects),
            )
        )
    )


def _cooking_on(day: date) -> list[Any]:
    """Active pairings whose usual days include `day`, cook not on a break or suspended."""
    bit = 1 << day.weekday()
    on_break = and_(
        CookProfile.paused.is_(True),
        or_(CookProfile.paused_until.is_(None), CookProfile.paused_until >= day),
    )
    return [
        Pairing.status == PairingStatus.ACTIVE,
        DinerProfile.days_mask.op("&")(CookProfile.days_mask).op("&")(bit) != 0,
        CookProfile.suspended_at.is_(None),
        ~on_break,
    ]


def _pairings_cooking_on(day: date) -> list[Pairing]:
    return list(
        db.session.scalars(
            select(Pairing)
            .join(DinerProfile, DinerProfile.id == Pairing.diner_id)
            .join(CookProfile, CookProfile.id == Pairing.cook_id)
            .where(*_cooking_on(day))
            .order_by(Pairing.id)
        )
    )


def send_meal_day_reminders(today: date | None = None) -> int:
    """Remind each cook the day before a usual meal day, with the diner's allergens.

    Once per pairing and meal day: what was sent is recorded, so a rerun sends nothing twice.
    """
    today, _ = _moment(today)
    day = today + timedelta(days=1)
    pairings = _pairings_cooking_on(day)
    sent = 0
    for start in range(0, len(pairings), _BATCH):
        batch = pairings[start : start + _BATCH]
        done = _sent(MEAL_DAY, day, [f"pairing:{p.id}" for p in batch])
        for pairing in batch:
            subject = f"pairing:{pairing.id}"
            if subject in done or pairing.started_at is None:
                continue
            db.session.add(SentReminder(kind=MEAL_DAY, day=day, subject=subject))
            sent += welfare_messages.meal_day_reminder(pairing, day, _allergen_text(pairing.diner))
        db.session.commit()
    mail.dispatch()
    return sent


def _paused_on(pairing: Pairing, day: date) -> bool:
    return any(
        clock.local_date(p.started_at) <= day
        and (p.ended_at is None or clock.local_date(p.ended_at) >= day)
        for p in pairing.pauses
    )


def nudge_missed_meal_days(today: date | None = None) -> int:
    """Nudge the cook when yesterday was a usual meal day with no meal logged or reported.

    Once per pairing and missed day (recorded, so a rerun sends nothing twice).
    """
    today, _ = _moment(today)
    day = today - timedelta(days=1)
    pairings = _pairings_cooking_on(day)
    sent = 0
    for start in range(0, len(pairings), _BATCH):
        batch = pairings[start : start + _BATCH]
        ids = [p.id for p in batch]
        done = _sent(MISSED_MEAL, day, [f"pairing:{i}" for i in ids])
        logged = set(
            db.session.scalars(
                select(MealShare.pairing_id).where(
                    MealShare.pairing_id.in_(ids), MealShare.shared_on == day
                )
            )
        )
        reported = welfare.reports_on(ids, day)
        for pairing in batch:
            subject = f"pairing:{pairing.id}"
            if (
                subject in done
                or pairing.id in logged | reported
                or pairing.started_at is None
                or clock.local_date(pairing.started_at) > day
                or _paused_on(pairing, day)
            ):
                continue
            db.session.add(SentReminder(kind=MISSED_MEAL, day=day, subject=subject))
            sent += welfare_messages.missed_meal_nudge(pairing, day)
        db.session.commit()
    mail.dispatch()
    return sent


def send_coordinator_digest(today: date | None = None) -> int:
    """Each coordinator's daily digest: at-risk pairings and open welfare checks per area.

    Sent only to coordinators with something in it; once per coordinator and day.
    """
    today, now = _moment(today)
    coordinators = list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.COORDINATOR, User.is_active_account.is_(True))
            .order_by(User.id)
        )
    )
    done = _sent(DIGEST, today, [f"user:{c.id}" for c in coordinators])
    sent = 0
    for person in coordinators:
        subject = f"user:{person.id}"
        if subject in done or not person.areas:
            continue
        sections = []
        for area in person.areas:
            risky = stats.at_risk_ids({area.id}, now=now)
            at_risk = (
                list(db.session.scalars(select(Pairing).where(Pairing.id.in_(risky))))
                if risky
                else []
            )
            checks = welfare.open_in_area(area)
            if at_risk or checks:
                sections.append((area, at_risk, checks))
        if not sections:
            continue
        db.session.add(SentReminder(kind=DIGEST, day=today, subject=subject))
        sent += welfare_messages.coordinator_digest(person, today, sections)
        db.session.commit()
    mail.dispatch()
    return sent
