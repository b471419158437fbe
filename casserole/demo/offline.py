"""Demo people who asked for letters, texts and calls, and the messages waiting for them.

Each borough's two at-risk pairings (meals stopped weeks ago) are the ones the reminder
would write about: their diners and cooks are made to prefer a letter, a call or a text,
and the at-risk reminder is queued as the scheduler would, so a coordinator opening the
demo finds a letter to print, a call to make and texts in the outbox. Numbers are from
Ofcom's ranges kept for drama (07700 900xxx, 020 7946 0xxx): they never ring anyone.
"""

from __future__ import annotations

from sqlalchemy import select

from casserole.demo.people import Town
from casserole.extensions import db
from casserole.models import ContactWay, Pairing, PairingStatus
from casserole.services import notifications, stats

# (the diner's way, the cook's way) for the first and second at-risk pairing.
WAYS = (
    (ContactWay.LETTER, ContactWay.LETTER),
    (ContactWay.PHONE, ContactWay.SMS),
)


def mobile(n: int) -> str:
    """A UK mobile number kept for drama (never in service)."""
    return f"07700 900{n:03d}"


def landline(n: int) -> str:
    """A London number kept for drama (never in service)."""
    return f"020 7946 0{n:03d}"


def offline_people(town: Town, borough_index: int) -> int:
    """Letters, calls and texts in one borough: preferences set, reminders queued."""
    risky = stats.rhythms(area_ids={town.area.id}, now=town.now)
    ids = sorted(pid for pid, r in risky.items() if r.at_risk and r.quiet_days is not None)
    pairings = list(
        db.session.scalars(
            select(Pairing)
            .where(Pairing.id.in_(ids), Pairing.status == PairingStatus.ACTIVE)
            .order_by(Pairing.id)
        )
    )
    queued = 0
    for k, (pairing, (diner_way, cook_way)) in enumerate(zip(pairings, WAYS, strict=False)):
        n = 100 + 10 * borough_index + 2 * k
        diner, cook = pairing.diner, pairing.cook.user
        diner.preferred_contact = diner_way
        diner.phone = mobile(n) if diner_way == ContactWay.SMS else landline(n)
        cook.preferred_contact = cook_way
        cook.phone = mobile(n + 1)
        queued += notifications.at_risk_reminder(pairing, risky[pairing.id].quiet_days or 0)
        # As the scheduler's reminder does: one per quiet spell, so it is not sent again.
        pairing.at_risk_notified_at = town.now
    town.report.add("messages", queued)
    return queued
