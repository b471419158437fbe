"""Reminders for pairings whose meals have stopped, sent once per quiet spell."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from casserole import clock
from casserole.extensions import db
from casserole.models import Pairing, utcnow
from casserole.services import audit, notifications, stats
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
            audit.record("pairing.at_risk_reminder", pairing, quiet_days=rhythm.quiet_days)
            reminded += 1
        commit()
    return reminded
