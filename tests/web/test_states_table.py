"""Walk docs/STATES.md: every allowed transition works, every other is refused with a reason."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from casserole import clock
from casserole.extensions import db
from casserole.models import Pairing, PairingPause, PairingStatus, Role, utcnow
from casserole.services import pairings
from casserole.services.pairings import breaks
from casserole.services.pairings.reach import break_of
from casserole.services.pairings.states import (
    TRANSITIONS,
    Action,
    PairingError,
    Side,
    State,
    authorise,
    state_of,
)
from tests.support import factories as f

P = PairingStatus
DOC = Path(__file__).resolve().parents[2] / "docs" / "STATES.md"


def _table(heading: str) -> list[list[str]]:
    """The rows of the Markdown table under `heading` in docs/STATES.md, cells stripped."""
    text = DOC.read_text(encoding="utf-8").split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in text.splitlines() if line.startswith("|")][2:]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


STATES = [State(row[0]) for row in _table("States")]
DOCUMENTED = {
    Action(row[0].strip("`")): ({State(s.strip()) for s in row[1].split(",")}, State(row[2]))
    for row in _table("Transitions")
}
PEOPLE_ACTIONS = [
    Action.APPROVE,
    Action.COOK_ACCEPT,
    Action.DINER_ACCEPT,
    Action.DECLINE,
    Action.PAUSE,
    Action.RESUME,
    Action.END,
]
SCHEDULE_ACTIONS = [Action.BREAK_PAUSE, Action.BREAK_RESUME, Action.STAND_IN_END]


def test_the_docs_name_every_state_and_every_state_changing_action():
    assert set(STATES) == set(State)
    changing = {a for a, rule in TRANSITIONS.items() if rule.target is not None}
    assert set(DOCUMENTED) == changing == set(PEOPLE_ACTIONS) | set(SCHEDULE_ACTIONS)


def test_the_docs_agree_with_the_state_machine_on_statuses():
    for action, (sources, target) in DOCUMENTED.items():
        rule = TRANSITIONS[action]
        stored = {P.PAUSED if s in _BREAK_STATES else P(s.value) for s in sources}
        assert stored == set(rule.sources), action
        assert (P.PAUSED if target in _BREAK_STATES else P(target.value)) == rule.target


_BREAK_STATES = {State.PAUSED_FOR_BREAK, State.COVERED_BY_STAND_IN}


def _world():
    area = f.area()
    coordinator = f.user(Role.COORDINATOR)
    coordinator.areas = [area]
    cook = f.cook(area)
    carer = f.user(Role.CARER)
    diner = f.diner(area, carer=carer)
    return area, coordinator, cook, carer, diner


def _in_state(state: State):
    """A regular pairing in `state`, and the people around it."""
    area, coordinator, cook, carer, diner = _world()
    today = clock.today()
    if state in _BREAK_STATES:
        pairing = f.pairing(cook, diner, P.ACTIVE)
        stand_in_cook = f.cook(area) if state == State.COVERED_BY_STAND_IN else None
        db.session.commit()
        breaks.plan_break(cook, today, today + timedelta(days=5), actor=cook.user, today=today)
        if stand_in_cook is not None:
            stand_in = db.session.scalar(select(Pairing).where(Pairing.covers_id == pairing.id))
            pairings.approve(stand_in.id, coordinator)
            pairings.accept(stand_in.id, stand_in_cook.user)
            pairings.accept(stand_in.id, carer)
    else:
        status = P(state.value)
        kw = {}
        if status == P.DECLINED:
            # Declined after the cook's yes, so both sides can still see it.
            now = utcnow()
            kw = dict(approved_at=now, cook_accepted_at=now, declined_at=now)
        pairing = f.pairing(cook, diner, status, **kw)
        if status == P.PAUSED:
            pairing.pauses.append(PairingPause(started_at=utcnow(), reason="Hospital"))
        db.session.commit()
    assert _state(pairing) == state
    return pairing, coordinator, cook, carer


def _state(pairing: Pairing) -> State:
    db.session.refresh(pairing)
    on_break, _ = break_of(pairing)
    covered = db.session.scalar(
        select(Pairing.id).where(Pairing.covers_id == pairing.id, Pairing.status == P.ACTIVE)
    )
    return state_of(pairing.status, on_break=on_break, covered=covered is not None)


_REQUESTS = {
    Action.APPROVE: ("coordinator", "approve", {}),
    Action.COOK_ACCEPT: ("cook", "accept", {}),
    Action.DINER_ACCEPT: ("carer", "accept", {}),
    Action.DECLINE: ("coordinator", "decline", {"reason": "Not a good fit."}),
    Action.PAUSE: ("coordinator", "pause", {"reason": "In hospital"}),
    Action.RESUME: ("coordinator", "resume", {}),
    Action.END: ("coordinator", "end", {"reason": "moved_away"}),
}
# Who cannot see a pairing yet (a 404, not a 409): a cook before approval, the diner's side
# before the cook's yes.
_HIDDEN = {"cook": {State.PROPOSED}, "carer": {State.PROPOSED, State.APPROVED}}


@pytest.mark.parametrize("state", list(State), ids=str)
@pytest.mark.parametrize("action", PEOPLE_ACTIONS, ids=str)
def test_each_person_transition_works_or_is_refused_with_the_reason(
    client, database, auth, action, state
):
    pairing, coordinator, cook, carer = _in_state(state)
    who, path, data = _REQUESTS[action]
    auth.login({"coordinator": coordinator, "cook": cook.user, "carer": carer}[who])
    answer = client.post(f"/pairings/{pairing.id}/{path}", data=data)
    sources, target = DOCUMENTED[action]
    if state in _HIDDEN.get(who, ()):
        assert answer.status_code == 404
        assert _state(pairing) == state
    elif state in sources:
        assert answer.status_code == 302, answer.get_data(as_text=True)[:400]
        assert _state(pairing) == target
    else:
        assert answer.status_code == 409
        body = html.unescape(answer.get_data(as_text=True))
        assert re.search(r"This pairing (is|has|was) .*, so you cannot", body), body[:600]
        assert _state(pairing) == state


@pytest.mark.parametrize("state", list(State), ids=str)
@pytest.mark.parametrize("action", SCHEDULE_ACTIONS, ids=str)
def test_each_timed_transition_is_allowed_only_from_its_documented_states(database, action, state):
    pairing, *_ = _in_state(state)
    on_break, until = break_of(pairing)
    sources, target = DOCUMENTED[action]
    schedule = frozenset({Side.SCHEDULE})
    if state in sources:
        side = authorise(action, pairing.status, schedule, on_break=on_break, break_until=until)
        assert side == Side.SCHEDULE
    else:
        with pytest.raises(PairingError) as refused:
            authorise(action, pairing.status, schedule, on_break=on_break, break_until=until)
        assert (
            refused.value.status == 409
            and "so you cannot" in refused.value.message
            or ("break" in refused.value.message)
        )


def test_the_break_transitions_land_where_the_table_says(database):
    pairing, coordinator, cook, carer = _in_state(State.ACTIVE)
    stand_in_cook = f.cook(pairing.area)
    today = clock.today()
    breaks.plan_break(
        cook, today + timedelta(1), today + timedelta(3), actor=cook.user, today=today
    )
    breaks.apply_break_transitions(today=today + timedelta(1))
    assert _state(pairing) == DOCUMENTED[Action.BREAK_PAUSE][1]
    stand_in = db.session.scalar(select(Pairing).where(Pairing.covers_id == pairing.id))
    pairings.approve(stand_in.id, coordinator)
    pairings.accept(stand_in.id, stand_in_cook.user)
    pairings.accept(stand_in.id, carer)
    assert _state(pairing) == State.COVERED_BY_STAND_IN
    breaks.apply_break_transitions(today=today + timedelta(4))
    assert _state(pairing) == DOCUMENTED[Action.BREAK_RESUME][1]
    assert _state(stand_in) == DOCUMENTED[Action.STAND_IN_END][1]


def test_people_are_never_the_timed_job():
    for action in SCHEDULE_ACTIONS:
        with pytest.raises(PairingError) as refused:
            authorise(action, P.ACTIVE, frozenset({Side.COOK, Side.DINER, Side.COORDINATOR}))
        assert refused.value.status == 403
