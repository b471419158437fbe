"""The monitor shows when and why pairings ended; its counts link to what they count."""

from __future__ import annotations

from datetime import timedelta

from casserole.extensions import db
from casserole.models import EndReason, Feedback, PairingStatus, Role
from casserole.models.base import utcnow
from tests.support import factories as f


def test_ended_pairings_show_date_and_reason_and_counts_link(client, auth, database):
    area = f.area("Barnet", ("N3",))
    coordinator = f.user(Role.COORDINATOR, email="coord@example.org")
    coordinator.areas = [area]
    cook = f.cook(area, capacity=3)
    moved = f.pairing(
        cook,
        f.diner(area, first_name="Mavis"),
        PairingStatus.ENDED,
        started_at=utcnow() - timedelta(days=90),
        ended_at=utcnow() - timedelta(days=5),
        end_reason=EndReason.MOVED_AWAY,
        end_note="To her daughter's in Leeds",
    )
    live = f.pairing(cook, f.diner(area, first_name="Harold"), PairingStatus.ACTIVE)
    db.session.add_all(
        [
            Feedback(pairing_id=live.id, rating=5, comment="Lovely"),
            Feedback(pairing_id=live.id, rating=4, comment="Good"),
            Feedback(pairing_id=live.id, comment="Worried", is_concern=True),
        ]
    )
    db.session.commit()
    auth.login("coord@example.org")
    ended = client.get("/coordinator/barnet/pairings?view=ended").get_data(as_text=True)
    assert "Moved away: To her daughter" in ended
    assert f'href="/pairings/{moved.id}"' in ended
    page = client.get("/coordinator/barnet/pairings").get_data(as_text=True)
    assert f'href="/pairings/{live.id}#feedback">2 notes' in page
    assert f'href="/pairings/{live.id}#concerns">1 open concern' in page
    shown = client.get(f"/pairings/{live.id}").get_data(as_text=True)
    assert 'id="feedback"' in shown and 'id="concerns"' in shown
