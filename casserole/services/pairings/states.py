"""The pairing state machine: which action may move a pairing from which states, and who may act."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from casserole.formatting import long_date
from casserole.models import PairingStatus
from casserole.models.vocab import LIVE_STATUSES, OPEN_PROPOSAL_STATUSES

P = PairingStatus


class Side(enum.StrEnum):
    """How a person stands to a pairing."""

    COOK = "cook"
    DINER = "diner"  # the diner themselves or their carer
    COORDINATOR = "coordinator"  # a coordinator of the pairing's area, or an admin
    SCHEDULE = "schedule"  # the daily timed job (breaks starting and ending), nobody's click


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
    # A cook's planned break, moved by the daily job on its dates (never by a person).
    BREAK_PAUSE = "break_pause"
    BREAK_RESUME = "break_resume"
    STAND_IN_END = "stand_in_end"
    REPORT_VISIT = "report_visit"


@dataclass(frozen=True)
class Rule:
    """From which states an action is allowed, by whom, and the state it leads to (None: same)."""

    sources: frozenset[PairingStatus]
    sides: frozenset[Side]
    target: PairingStatus | None = None


_OPEN = frozenset(OPEN_PROPOSAL_STATUSES)
_LIVE = frozenset(LIVE_STATUSES)
_EVERYONE = frozenset({Side.COOK, Side.DINER, Side.COORDINATOR})
_PEOPLE = frozenset({Side.COOK, Side.DINER})
_SCHEDULE = frozenset({Side.SCHEDULE})

TRANSITIONS: dict[Action, Rule] = {
    Action.APPROVE: Rule(frozenset({P.PROPOSED}), frozenset({Side.COORDINATOR}), P.APPROVED),
    Action.COOK_ACCEPT: Rule(frozenset({P.APPROVED}), frozenset({Side.COOK}), P.COOK_ACCEPTED),
    # The diner's (or carer's) yes is the last one needed: the pairing starts there and then.
    Action.DINER_ACCEPT: Rule(frozenset({P.COOK_ACCEPTED}), frozenset({Side.DINER}), P.ACTIVE),
    # The schedule withdraws a stand-in proposal nobody finished before the break ended.
    Action.DECLINE: Rule(_OPEN, _EVERYONE | _SCHEDULE, P.DECLINED),
    Action.PAUSE: Rule(frozenset({P.ACTIVE}), _EVERYONE, P.PAUSED),
    Action.RESUME: Rule(frozenset({P.PAUSED}), _EVERYONE, P.ACTIVE),
    Action.END: Rule(_LIVE, _EVERYONE, P.ENDED),
    Action.LOG_MEAL: Rule(frozenset({P.ACTIVE}), frozenset({Side.COOK})),
    Action.CONFIRM_MEAL: Rule(frozenset({*_LIVE, P.ENDED}), frozenset({Side.DINER})),
    Action.FEEDBACK: Rule(frozenset({*_LIVE, P.ENDED}), _PEOPLE),
    Action.CONCERN: Rule(frozenset({*_OPEN, *_LIVE, P.ENDED}), _PEOPLE),
    # Breaks: a paused pairing (hospital, holiday) stays as it is; only an active one is
    # paused for the cook's break, and only a break's pause is lifted by the break's end.
    Action.BREAK_PAUSE: Rule(frozenset({P.ACTIVE}), _SCHEDULE, P.PAUSED),
    Action.BREAK_RESUME: Rule(frozenset({P.PAUSED}), _SCHEDULE, P.ACTIVE),
    Action.STAND_IN_END: Rule(_LIVE, _SCHEDULE, P.ENDED),
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
    Action.BREAK_PAUSE: "pause it for the cook's break",
    Action.BREAK_RESUME: "restart it after the cook's break",
    Action.STAND_IN_END: "end the stand-in",
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


def authorise(
    action: Action,
    status: PairingStatus,
    sides: frozenset[Side],
    *,
    on_break: bool = False,
    break_until: date | None = None,
) -> Side:
    """The side acting, if `action` is allowed from `status`; otherwise raise with the reason.

    `on_break` says the pairing is paused for its cook's break (`break_until` its last day,
    None for a break with no end): then only the break's end restarts it, and a person
    asking is told when that will be.
    """
    rule = TRANSITIONS[action]
    acting = [side for side in Side if side in sides and side in rule.sides]
    if not acting:
        raise NotAllowed(f"Your account cannot {_ACTION_WORDS[action]} for this pairing.")
    if status not in rule.sources:
        raise PairingError(
            f"This pairing {_STATE_WORDS[status]}, so you cannot {_ACTION_WORDS[action]} now."
        )
    if action == Action.RESUME and on_break:
        when = (
            f"until {long_date(break_until)}; it restarts by itself the day after"
            if break_until is not None
            else "with no end date; it restarts when the cook says they are back"
        )
        raise PairingError(
            f"This pairing is paused for the cook's break {when}, so you cannot restart it now."
        )
    if action == Action.STAND_IN_END and on_break:
        raise PairingError(
            "This pairing is paused for its cook's break; only a stand-in ends with the break."
        )
    if action == Action.BREAK_RESUME and not on_break:
        raise PairingError("This pairing is not paused for a cook's break, so it stays paused.")
    return acting[0]


def allowed_actions(
    status: PairingStatus, sides: frozenset[Side], *, on_break: bool = False
) -> frozenset[Action]:
    """Actions this person could take on a pairing in `status` (for offering buttons)."""
    return frozenset(
        action
        for action, rule in TRANSITIONS.items()
        if status in rule.sources
        and sides & rule.sides
        and not (on_break and action == Action.RESUME)
    )


class State(enum.StrEnum):
    """The states of the docs' state table (docs/STATES.md): a status, refined for breaks."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    COOK_ACCEPTED = "cook_accepted"
    ACTIVE = "active"
    PAUSED = "paused"
    PAUSED_FOR_BREAK = "paused_for_break"
    COVERED_BY_STAND_IN = "covered_by_stand_in"
    ENDED = "ended"
    DECLINED = "declined"


def state_of(status: PairingStatus, *, on_break: bool = False, covered: bool = False) -> State:
    """The named state: a pause for the cook's break, covered by a live stand-in or not."""
    if status == P.PAUSED and on_break:
        return State.COVERED_BY_STAND_IN if covered else State.PAUSED_FOR_BREAK
    return State(status.value)
