"""Pairings from proposal to their end: one state machine, the services that drive it."""

from casserole.services.pairings.lifecycle import accept, approve, decline, end, pause, resume
from casserole.services.pairings.meals import confirm_meal, leave_feedback, log_meal, raise_concern
from casserole.services.pairings.proposals import (
    Checks,
    ConstraintsBroken,
    check_pair,
    propose_by_hand,
    propose_for_area,
)
from casserole.services.pairings.reach import Overview, PairingPage, overview_for, page_for
from casserole.services.pairings.reminders import remind_at_risk
from casserole.services.pairings.states import (
    TRANSITIONS,
    Action,
    NotAllowed,
    NotFound,
    PairingError,
    Side,
    allowed_actions,
)

__all__ = [
    "TRANSITIONS",
    "Action",
    "Checks",
    "ConstraintsBroken",
    "NotAllowed",
    "NotFound",
    "Overview",
    "PairingError",
    "PairingPage",
    "Side",
    "accept",
    "allowed_actions",
    "approve",
    "check_pair",
    "confirm_meal",
    "decline",
    "end",
    "leave_feedback",
    "log_meal",
    "overview_for",
    "page_for",
    "pause",
    "propose_by_hand",
    "propose_for_area",
    "raise_concern",
    "remind_at_risk",
    "resume",
]
