"""The adapter turns database rows into matcher input and stores its proposals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casserole import clock
from casserole.models import (
    CheckKind,
    EndReason,
    Pairing,
    PairingStatus,
    ProposalSource,
    Role,
    VettingCheck,
)
from casserole.models.vocab import tags_to_mask
from casserole.services.matching import load_inputs, run_matching, waiting_details
from tests.support import factories as f


def _near(lat_offset_km: float) -> dict[str, float]:
    return {"latitude": 51.6003 + lat_offset_km / 111.2, "longitude": -0.1930}


def test_run_matching_proposes_the_nearest_feasible_cook(database):
    area = f.area()
    coordinator = f.user(Role.COORDINATOR)
    near = f.cook(area, **_near(0.5))
    far = f.cook(area, **_near(2.0))
    diner = f.diner(area, **_near(0.0))
    run = run_matching(area, coordinator)
    assert [(p.cook_id, p.diner_id) for p in run.proposals] == [(near.id, diner.id)]
    stored = database.session.scalars(select(Pairing)).one()
    assert stored.status == PairingStatus.PROPOSED and stored.source == ProposalSource.MATCHER
    assert abs(stored.distance_km - 0.5) < 0.01
    assert far.id not in {p.cook_id for p in run.proposals}


def test_a_second_run_does_not_propose_the_same_diner_again(database):
    area = f.area()
    f.cook(area, capacity=2)
    f.diner(area)
    assert len(run_matching(area, None).proposals) == 1
    assert run_matching(area, None).proposals == []


def test_auto_approve_areas_skip_coordinator_approval(database):
    area = f.area(auto_approve=True)
    f.cook(area)
    f.diner(area)
    [proposal] = run_matching(area, None).proposals
    assert proposal.status == PairingStatus.APPROVED and proposal.approved_at is not None


def test_unvetted_paused_and_expired_cooks_get_no_proposals(database):
    area = f.area()
    f.cook(area, vetted=False)
    f.cook(area, paused=True)
    lapsed = f.cook(area, vetted=False)
    today = clock.today()
    for kind in CheckKind:
        expires = today - timedelta(days=1) if kind == CheckKind.DBS else today + timedelta(days=90)
        lapsed.checks.append(
            VettingCheck(kind=kind, checked_on=today - timedelta(days=900), expires_on=expires)
        )
    diner = f.diner(area)
    run = run_matching(area, None)
    assert run.proposals == []
    assert run.unmatched == {diner.id: "no_cook_in_range"}


def test_needs_days_and_capacity_are_respected(database):
    area = f.area()
    halal_cook = f.cook(area, can_cook_mask=tags_to_mask(["halal"]), days_mask=0b0000001)
    needs_halal_tuesday = f.diner(area, needs_mask=tags_to_mask(["halal"]), days_mask=0b0000010)
    needs_kosher = f.diner(area, needs_mask=tags_to_mask(["kosher"]))
    live_diner = f.diner(area)
    f.pairing(halal_cook, live_diner, PairingStatus.ACTIVE)
    reasons = waiting_details(area).reasons
    assert reasons[needs_halal_tuesday.id] == "no_shared_day"
    assert reasons[needs_kosher.id] == "no_cook_for_needs"
    assert live_diner.id not in reasons


def test_existing_pairings_use_capacity_and_declined_pairs_are_excluded(database):
    area = f.area()
    cook = f.cook(area, capacity=1)
    other = f.cook(area, capacity=1, **_near(1.0))
    first, second = f.diner(area), f.diner(area)
    f.pairing(cook, first, PairingStatus.ACTIVE)
    f.pairing(other, second, PairingStatus.DECLINED)
    data = load_inputs(area)
    assert {(p.cook_id, p.diner_id) for p in data.existing} == {(cook.id, first.id)}
    assert (other.id, second.id) in data.excluded
    run = run_matching(area, None)
    assert run.proposals == []
    assert run.unmatched[second.id] in {"cooks_full", "cooks_excluded"}


def test_diner_who_asked_for_a_different_cook_is_not_offered_them_again(database):
    area = f.area()
    cook = f.cook(area)
    diner = f.diner(area)
    f.pairing(cook, diner, PairingStatus.ENDED, end_reason=EndReason.DIFFERENT_COOK)
    assert run_matching(area, None).proposals == []
    replacement = f.cook(area)
    [proposal] = run_matching(area, None).proposals
    assert proposal.cook_id == replacement.id


def test_other_areas_are_not_touched(database):
    barnet, hamlets = f.area("Barnet", ("N3",)), f.area("Tower Hamlets", ("E14",))
    f.cook(hamlets)
    f.diner(barnet)
    other_diner = f.diner(hamlets)
    run = run_matching(barnet, None)
    assert run.proposals == [] and other_diner.id not in run.unmatched


def test_a_break_ends_by_itself_on_its_return_date(database):
    area = f.area()
    f.cook(area, paused=True, paused_until=clock.today() - timedelta(days=1))
    still_away = f.cook(area, paused=True, paused_until=clock.today() + timedelta(days=3))
    f.diner(area)
    data = load_inputs(area)
    assert sorted(c.vetted for c in data.cooks) == [False, True]
    assert next(c for c in data.cooks if c.id == still_away.id).vetted is False


def test_a_late_failure_in_propose_for_area_leaves_no_proposal_audit_or_mail(database, monkeypatch):
    """Proposals, their audit record and the cooks' e-mails land together or not at all."""
    from casserole.models import AuditEvent, OutboundEmail
    from casserole.services import notifications
    from casserole.services.pairings import propose_for_area

    area = f.area(auto_approve=True)
    admin = f.user(Role.ADMIN)
    for offset in (0.0, 3.0):
        f.cook(area, **_near(offset))
        f.diner(area, **_near(offset))
    database.session.commit()
    queued = []
    real_queue = notifications.queue_message

    def queue_then_fail(*args, **kwargs):
        # The first cook's e-mail is queued; the mail queue breaks on the second.
        if queued:
            raise RuntimeError("mail queue unavailable")
        queued.append(real_queue(*args, **kwargs))
        return queued[-1]

    monkeypatch.setattr(notifications, "queue_message", queue_then_fail)
    with pytest.raises(RuntimeError, match="mail queue unavailable"):
        propose_for_area(area.id, admin)
    assert len(queued) == 1, "the failure should come after proposals and one e-mail"
    database.session.rollback()  # what the request's teardown does with an exception
    assert database.session.scalars(select(Pairing)).all() == []
    assert database.session.scalars(select(AuditEvent)).all() == []
    assert database.session.scalars(select(OutboundEmail)).all() == []
