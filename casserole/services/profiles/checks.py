"""A cook's own view of their checks: where each stands and what to do next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from casserole import clock
from casserole.models import CheckKind, CookProfile, VettingCheck

CHECK_LABELS = {
    CheckKind.ID: "Proof of identity",
    CheckKind.DBS: "DBS check",
    CheckKind.FOOD_HYGIENE: "Food hygiene certificate",
}
CHECK_TODO = {
    CheckKind.ID: "Show your coordinator a passport or photo driving licence.",
    CheckKind.DBS: "Ask your coordinator for a DBS check form (it is free for volunteers).",
    CheckKind.FOOD_HYGIENE: "Take the free Level 2 food hygiene course and send the certificate.",
}
EXPIRY_WARNING_DAYS = 30


@dataclass(frozen=True)
class CheckRow:
    """Where one kind of check stands for a cook, with what to do next."""

    kind: CheckKind
    label: str
    check: VettingCheck | None
    state: str  # "missing", "expired", "expiring", "valid"
    todo: str


@dataclass
class VettingStatus:
    """A cook's checks and whether they can be introduced to anyone yet."""

    rows: list[CheckRow]
    paused: bool

    @property
    def vetted(self) -> bool:
        """Every kind of check present and unexpired."""
        return all(row.state in ("valid", "expiring") for row in self.rows)

    @property
    def todo(self) -> list[str]:
        """What the cook still needs to do, in order."""
        return [row.todo for row in self.rows if row.todo]


def vetting_status(cook: CookProfile, today: date | None = None) -> VettingStatus:
    """For each kind of check: the current one, else the most recent expired one."""
    today = today or clock.today()
    rows = []
    for kind in CheckKind:
        checks = [c for c in cook.checks if c.kind == kind and c.checked_on <= today]
        valid = [c for c in checks if c.is_valid_on(today)]
        pool = valid or checks
        check = max(pool, key=lambda c: (c.expires_on or date.max, c.checked_on), default=None)
        if check is None:
            state, todo = "missing", CHECK_TODO[kind]
        elif not valid:
            state, todo = "expired", f"Your {CHECK_LABELS[kind]} has expired: please renew it."
        elif check.expires_on and check.expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS):
            state, todo = "expiring", f"Your {CHECK_LABELS[kind]} expires soon: please renew it."
        else:
            state, todo = "valid", ""
        rows.append(CheckRow(kind, CHECK_LABELS[kind], check, state, todo))
    return VettingStatus(rows=rows, paused=cook.paused)
