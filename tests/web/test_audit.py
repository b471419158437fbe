"""The audit trail holds record numbers and code words, and is told who acted and from where."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import select

from casserole.models import AuditEvent, EndReason, PairingStatus, Role
from casserole.services import audit
from tests.support import factories as f


@pytest.mark.parametrize(
    "value",
    ["Edna is in hospital with a broken hip", "Edna", "edna@example.org", ["a list"], {"k": 1}],
)
def test_record_refuses_text_that_could_hold_a_persons_words(database, value):
    with pytest.raises(ValueError, match="record number or a code word"):
        audit.record("test", actor=None, client_address=None, note=value)


def test_record_keeps_numbers_code_words_and_districts(database):
    event = audit.record(
        "test",
        actor=None,
        client_address="192.0.2.7",
        pairing_id=12,
        side="cook",
        reason=EndReason.DIED,
        outcode="N12",
        address=True,
    )
    database.session.commit()
    assert event.detail == {
        "pairing_id": 12,
        "side": "cook",
        "reason": "died",
        "outcode": "N12",
        "address": True,
        "ip": "192.0.2.7",
    }


def test_record_reads_no_request_globals(project_root: Path):
    tree = ast.parse((project_root / "casserole/services/audit.py").read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert not imported & {"request", "current_user", "has_request_context", "g"}


def test_a_logged_in_request_without_an_actor_records_none(client, database, app, auth):
    """The actor is what the caller says, never the logged-in user picked up on the side."""
    f.user(Role.CARER, email="carer@example.org")
    auth.login("carer@example.org")
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "198.51.100.1"}):
        event = audit.record("system_job", actor=None, client_address=None)
    assert event.actor_id is None and "ip" not in event.detail


def test_pause_and_end_through_the_site_record_who_and_where_but_no_words(client, database, auth):
    area = f.area()
    carer = f.user(Role.CARER, email="carer@example.org")
    pairing = f.pairing(f.cook(area), f.diner(area, carer=carer), PairingStatus.ACTIVE)
    database.session.commit()
    auth.login("carer@example.org")
    reason = "Edna is in hospital with a broken hip"
    client.post(f"/pairings/{pairing.id}/pause", data={"reason": reason})
    client.post(f"/pairings/{pairing.id}/resume", data={})
    client.post(
        f"/pairings/{pairing.id}/end",
        data={"reason": "health", "note": "Edna has moved into a care home"},
    )
    events = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("pairing.%")).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["pairing.pause", "pairing.resume", "pairing.end"]
    for event in events:
        assert event.actor_id == carer.id and event.detail["ip"] == "127.0.0.1"
        assert "Edna" not in repr(event.detail)
    assert events[0].detail["pause_id"] == pairing.pauses[0].id
    assert pairing.pauses[0].reason == reason  # the words stay on the pause itself
    assert events[2].detail["reason"] == "health"
