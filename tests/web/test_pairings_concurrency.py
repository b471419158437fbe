"""Many people approving and accepting different proposals for one diner at once: one wins.

The race is made real: every thread is held at a barrier right where the last "yes" locks
the diner and checks for a live pairing, and released together. With the lock the losers
queue behind the winner and get the clear message; the unique index is never reached. A
second test removes the lock and shows the same race then gets through the check and is
stopped only by the database's unique index.
"""

from __future__ import annotations

import threading

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select

from casserole.models import Pairing, PairingStatus, Role
from casserole.services.pairings import lifecycle
from tests.support import factories as f
from tests.support.auth import ClientAuth
from tests.support.requirements import REQUIRE_POSTGRES, TEST_DATABASE_URL, unavailable

pytestmark = pytest.mark.postgres

THREADS = 8
# Long enough for eight requests on a loaded 2-core machine; a broken barrier fails the
# thread (and so the test) instead of hanging the suite.
BARRIER_TIMEOUT_S = 60
ONE_LIVE_PER_DINER = "uq_pairings_one_live_per_diner"
REFUSAL = "Edna already has a cook, so this pairing cannot go ahead."


@pytest.fixture
def on_postgres(database):
    """The database, when it is PostgreSQL (SQLite serialises every write: no race to test)."""
    if database.engine.dialect.name != "postgresql":
        unavailable(
            f"needs PostgreSQL (TEST_DATABASE_URL={TEST_DATABASE_URL or 'unset'}): "
            "SQLite serialises every write, so there is no race to test",
            required=REQUIRE_POSTGRES,
        )
    return database


@pytest.fixture
def proposals(app, on_postgres):
    """Eight proposals for Edna, each with its own cook; logins for everyone who must say yes."""
    db = on_postgres
    area = f.area()
    coordinator = f.user(Role.COORDINATOR)
    coordinator.areas = [area]
    carer = f.user(Role.CARER)
    diner = f.diner(area, carer=carer, first_name="Edna")
    made = [f.pairing(f.cook(area), diner, PairingStatus.PROPOSED) for _ in range(THREADS)]
    db.session.commit()
    people = {p.id: (coordinator.get_id(), p.cook.user.get_id(), carer.get_id()) for p in made}
    diner_id = diner.id
    db.session.remove()
    return people, diner_id


@pytest.fixture
def index_violations(on_postgres):
    """Every database error raised by the one-live-pairing-per-diner index, as it happens."""
    seen: list[str] = []

    def record(context) -> None:
        if ONE_LIVE_PER_DINER in str(context.original_exception):
            seen.append(ONE_LIVE_PER_DINER)

    engine = on_postgres.engine
    event.listen(engine, "handle_error", record)
    yield seen
    event.remove(engine, "handle_error", record)


def _race(app, people: dict[int, tuple[str, str, str]]) -> dict[int, tuple[int, str]]:
    """Walk every proposal to its last yes, each in its own thread; return each outcome."""
    results: dict[int, tuple[int, str]] = {}

    def walk(pid: int) -> None:
        # Each thread is its own set of people with its own requests (own app context and
        # database session, as in production).
        coordinator, cook, carer = (
            ClientAuth(FlaskClient(app, app.response_class, use_cookies=True)) for _ in range(3)
        )
        for auth, user_id in zip((coordinator, cook, carer), people[pid], strict=True):
            auth.as_user(user_id)
        try:
            for auth, step in ((coordinator, "approve"), (cook, "accept"), (carer, "accept")):
                response = auth.client.post(f"/pairings/{pid}/{step}")
                if response.status_code != 302:
                    results[pid] = (response.status_code, response.get_data(as_text=True))
                    return
            results[pid] = (302, "")
        except threading.BrokenBarrierError:
            results[pid] = (0, "the barrier broke: not every thread reached the critical point")
        except Exception as err:  # noqa: BLE001 - the test client re-raises a request's 500
            results[pid] = (500, repr(err))

    threads = [threading.Thread(target=walk, args=(pid,)) for pid in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=BARRIER_TIMEOUT_S * 2)
    assert not any(t.is_alive() for t in threads), "a request never finished"
    return results


def _hold_at(monkeypatch, where: str) -> list[int]:
    """Hold every thread's last yes at a barrier "before" or "after" the diner's lock and check.

    Only the diner side's yes (the call with lock=True) is held: the approve and the cook's
    yes run freely, so all threads arrive at the critical point together. With where="after",
    the lock is removed as well: each request checks without holding the diner.
    """
    barrier = threading.Barrier(THREADS, timeout=BARRIER_TIMEOUT_S)
    arrived: list[int] = []
    original = lifecycle._refuse_if_diner_has_a_cook

    def held(pairing, *, lock: bool = False) -> None:
        if not lock:
            return original(pairing)
        arrived.append(pairing.id)
        if where == "before":
            barrier.wait()
            return original(pairing, lock=True)
        original(pairing, lock=False)  # the lock removed
        barrier.wait()  # everyone has checked and found no live pairing; now all write
        return None

    monkeypatch.setattr(lifecycle, "_refuse_if_diner_has_a_cook", held)
    return arrived


def _live(app, diner_id: int) -> list[tuple[int, PairingStatus]]:
    from casserole.extensions import db

    with app.app_context():
        rows = db.session.execute(
            select(Pairing.id, Pairing.status).where(
                Pairing.diner_id == diner_id,
                Pairing.status.in_([PairingStatus.ACTIVE, PairingStatus.PAUSED]),
            )
        ).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def test_only_one_of_many_concurrent_acceptances_starts_a_pairing(
    app, proposals, index_violations, monkeypatch
):
    people, diner_id = proposals
    arrived = _hold_at(monkeypatch, "before")
    results = _race(app, people)

    assert sorted(arrived) == sorted(people), "every thread must reach the lock together"
    winners = [pid for pid, (code, _) in results.items() if code == 302]
    assert len(winners) == 1, results
    for pid, (code, body) in results.items():
        if pid not in winners:
            assert code == 409, (code, body[:500])
            assert REFUSAL in body
    assert _live(app, diner_id) == [(winners[0], PairingStatus.ACTIVE)]
    # The lock made the losers wait and see the winner: none got as far as the index.
    assert index_violations == []


def test_without_the_lock_the_race_reaches_the_unique_index(
    app, proposals, index_violations, monkeypatch
):
    """Proof the race is real: remove the lock and every loser passes the check at once."""
    people, diner_id = proposals
    arrived = _hold_at(monkeypatch, "after")
    results = _race(app, people)

    assert sorted(arrived) == sorted(people)
    winners = [pid for pid, (code, _) in results.items() if code == 302]
    assert len(winners) == 1, results
    # Every loser had checked and found no live pairing; only the index stopped them (and
    # not always at the commit that turns it into a 409: an autoflush can meet it first).
    assert len(index_violations) == THREADS - 1, results
    assert all(
        ONE_LIVE_PER_DINER in body or REFUSAL in body
        for pid, (_, body) in results.items()
        if pid not in winners
    ), results
    assert _live(app, diner_id) == [(winners[0], PairingStatus.ACTIVE)]
