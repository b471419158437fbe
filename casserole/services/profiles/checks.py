"""A cook's own view of their checks: where each stands (the vetting rule) and what to do next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from casserole import clock
from casserole.models import CheckKind, CookProfile, VettingCheck
from casserole.services import vetting
from casserole.services.vetting import CHECK_LABELS

CHECK_TODO = {
    CheckKind.ID: _l("Show your coordinator a passport or photo driving licence."),
    CheckKind.DBS: _l("Ask your coordinator for a DBS check form (it is free for volunteers)."),
    CheckKind.FOOD_HYGIENE: _l(
        "Take the free Level 2 food hygiene course and send the certificate."
    ),
}


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
    vetted: bool

    @property
    def todo(self) -> list[str]:
        """What the cook still needs to do, in order."""
        return [row.todo for row in self.rows if row.todo]


def _todo(kind: CheckKind, state: str) -> str:
    if state == "missing":
        return str(CHECK_TODO[kind])
    if state == "expired":
        return gettext("Your %(check)s has expired: please renew it.", check=CHECK_LABELS[kind])
    if state == "expiring":
        return gettext("Your %(check)s expires soon: please renew it.", check=CHECK_LABELS[kind])
    return ""


def vetting_status(cook: CookProfile, today: date | None = None) -> VettingStatus:
    """Each kind of check as the coordinator's vetting sees it, in the cook's own words."""
    position = vetting.cook_vetting(cook, today or clock.today())
    rows = [
        CheckRow(s.kind, CHECK_LABELS[s.kind], s.check, s.state, _todo(s.kind, s.state))
        for s in position.states
    ]
    return VettingStatus(rows=rows, paused=cook.paused, vetted=position.vetted)
