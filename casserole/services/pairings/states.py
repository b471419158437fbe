"""The pairing state machine: which action may move a pairing from which states, and who may act."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from casserole.models import PairingStatus
from casserole.models.vocab import LIVE_STATUSES, OPEN_PROPOSAL_STATUSES

P = PairingStatus


class Side(enum.StrEnum):
    """How a person stands to a pairing."""

    COOK = "cook"
    DINER = "diner"  # the diner themselves or their carer
    COORDINATOR = "coordinator"  # a coordinator of the pairing's area, or an admin


class Action(enum.StrEnum):
    """Everything that can be done to a pairing."""

    APPROVE = "approve"
    COOK_ACCEPT = "cook_accept"
    DINER_ACCEPT = "diner_accept"
    DECLINE = "decline"
    PAUSE = "pause"
    RESUME = "resume"
    END = "end"
    LOG_MEAL = "log_meal"
    CONFIRM_MEAL = "confirm_meal"
    FEEDBACK = "feedback"
    CONCERN = "concern"
    REPORT_VISIT = "report_visit"


@dataclass(frozen=True)
class Rule:
    """From which states an action is allowed, by whom, and the state it leads to (None: same)."""

    sources: frozenset[PairingStatus]
    sides: frozenset[Side]
    target: PairingStatus | None = None


_OPEN = frozenset(OPEN_PROPOSAL_STATUSES)
_LIVE = frozenset(LIVE_STATUSES)
_EVERYONE = frozenset(Side)
_PEOPLE = frozenset({Side.COOK, Side.DINER})

TRANSITIONS: dict[Action, Rule] = {
    Action.APPROVE: Rule(frozenset({P.PROPOSED}), frozenset({Side.COORDINATOR}), P.APPROVED),
    Action.COOK_ACCEPT: Rule(frozenset({P.APPROVED}), frozenset({Side.COOK}), P.COOK_ACCEPTED),
    # The diner's (or carer's) yes is the last one needed: the pairing starts there and then.
    Action.DINER_ACCEPT: Rule(frozenset({P.COOK_ACCEPTED}), frozenset({Side.DINER}), P.ACTIVE),
    Action.DECLINE: Rule(_OPEN, _EVERYONE, P.DECLINED),
    Action.PAUSE: Rule(frozenset({P.ACTIVE}), _EVERYONE, P.PAUSED),
    Action.RESUME: Rule(frozenset({P.PAUSED}), _EVERYONE, P.ACTIVE),
    Action.END: Rule(_LIVE, _EVERYONE, P.ENDED),
    Action.LOG_MEAL: Rule(frozenset({P.ACTIVE}), frozenset({Side.COOK})),
    Action.CONFIRM_MEAL: Rule(frozenset({*_LIVE, P.ENDED}), frozenset({Side.DINER})),
    Action.FEEDBACK: Rule(frozenset({*_LIVE, P.ENDED}), _PEOPLE),
    Action.CONCERN: Rule(frozenset({*_OPEN, *_LIVE, P.ENDED}), _PEOPLE),
    # Nobody answered, seemed unwell, could not come: only on a running pairing, by its cook.
    Action.REPORT_VISIT: Rule(frozenset({P.ACTIVE}), frozenset({Side.COOK})),
}

_STATE_WORDS = {
    P.PROPOSED: "is waiting for a coordinator's approval",
    P.APPROVED: "is waiting for the cook to say yes",
    P.COOK_ACCEPTED: "is waiting for the diner or their carer to say yes",
    P.ACTIVE: "is already going",
    P.PAUSED: "is paused",
    P.ENDED: "has ended",
    P.DECLINED: "was declined",
}
_ACTION_WORDS = {
    Action.APPROVE: "approve it",
    Action.COOK_ACCEPT: "accept it",
    Action.DINER_ACCEPT: "accept it",
    Action.DECLINE: "decline it",
    Action.PAUSE: "pause it",
    Action.RESUME: "restart it",
    Action.END: "end it",
    Action.LOG_MEAL: "log a meal",
    Action.CONFIRM_MEAL: "confirm a meal",
    Action.FEEDBACK: "leave feedback",
    Action.CONCERN: "raise a concern",
    Action.REPORT_VISIT: "report on a meal day",
}


class PairingError(Exception):
    """A refused request, with the HTTP status to answer and a reason a person can read."""

    status = 409

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class NotAllowed(PairingError):
    """The person may not do this to this pairing."""

    status = 403


class NotFound(PairingError):
    """No such pairing, or not one this person may see."""

    status = 404


def authorise(action: Action, status: PairingStatus, sides: frozenset[Side]) -> Side:
    """The side acting, if `action` is allowed from `status`; otherwise raise with the reason."""
    rule = TRANSITIONS[action]
    acting = [side for side in Side if side in sides and side in rule.sides]
    if not acting:
        raise NotAllowed(f"Your account cannot {_ACTION_WORDS[action]} for this pairing.")
    if status not in rule.sources:
        raise PairingError(
            f"This pairing {_STATE_WORDS[status]}, so you cannot {_ACTION_WORDS[action]} now."
        )
    return acting[0]


def allowed_actions(status: PairingStatus, sides: frozenset[Side]) -> frozenset[Action]:
    """Actions this person could take on a pairing in `status` (for offering buttons)."""
    return frozenset(
        action
        for action, rule in TRANSITIONS.items()
        if status in rule.sources and sides & rule.sides
    )
