"""Many people approving and accepting different proposals for one diner at once: one wins."""

from __future__ import annotations

import threading

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from casserole.models import Pairing, PairingStatus, Role
from tests.conftest import REQUIRE_POSTGRES, TEST_DATABASE_URL
from tests.support import factories as f

pytestmark = pytest.mark.postgres

THREADS = 8


@pytest.fixture
def on_postgres(database):
    if database.engine.dialect.name != "postgresql":
        message = (
            f"needs PostgreSQL (TEST_DATABASE_URL={TEST_DATABASE_URL or 'unset'}): "
            "SQLite serialises every write, so there is no race to test"
        )
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    return database


def _as(app, user_id: str) -> FlaskClient:
    client = FlaskClient(app, app.response_class, use_cookies=True)
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


def test_only_one_of_many_concurrent_acceptances_starts_a_pairing(app, on_postgres):
    db = on_postgres
    area = f.area()
    coordinator = f.user(Role.COORDINATOR)
    coordinator.areas = [area]
    carer = f.user(Role.CARER)
    diner = f.diner(area, carer=carer, first_name="Edna")
    proposals = [f.pairing(f.cook(area), diner, PairingStatus.PROPOSED) for _ in range(THREADS)]
    db.session.commit()
    ids = [p.id for p in proposals]
    cook_logins = {p.id: p.cook.user.get_id() for p in proposals}
    coordinator_login, carer_login, diner_id = coordinator.get_id(), carer.get_id(), diner.id
    db.session.remove()

    start_together = threading.Barrier(THREADS)
    results: dict[int, tuple[int, str]] = {}

    def walk(pid: int) -> None:
        # Each thread is its own set of people with its own requests (own app context
        # and database session, as in production).
        coordinator_client = _as(app, coordinator_login)
        cook_client = _as(app, cook_logins[pid])
        carer_client = _as(app, carer_login)
        start_together.wait()
        steps = [
            (coordinator_client, "approve"),
            (cook_client, "accept"),
            (carer_client, "accept"),
        ]
        for client, step in steps:
            response = client.post(f"/pairings/{pid}/{step}")
            if response.status_code != 302:
                results[pid] = (response.status_code, response.get_data(as_text=True))
                return
        results[pid] = (302, "")

    threads = [threading.Thread(target=walk, args=(pid,)) for pid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(results) == THREADS
    winners = [pid for pid, (code, _) in results.items() if code == 302]
    assert len(winners) == 1, results
    for pid, (code, body) in results.items():
        if pid in winners:
            continue
        assert code == 409, (code, body[:500])
        assert "Edna already has a cook, so this pairing cannot go ahead." in body
    with app.app_context():
        live = db.session.execute(
            select(Pairing.id, Pairing.status).where(
                Pairing.diner_id == diner_id,
                Pairing.status.in_([PairingStatus.ACTIVE, PairingStatus.PAUSED]),
            )
        ).all()
        assert live == [(winners[0], PairingStatus.ACTIVE)]
        db.session.remove()
