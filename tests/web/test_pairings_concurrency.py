"""Many coordinators proposing a cook for one diner at the same moment: one proposal lands.

The race is made real: every request is held at a barrier right after the service checked
the pair (and found no open proposal), then released together, so every one of them tries
to write. Only the database's partial unique index (one open proposal per diner) stops the
losers, and wherever it does (the flush or the commit) each loser gets the plain message.
Earlier, eight proposals for one diner racing to their last "yes" were tested here; the
index now makes that starting point impossible.
"""

from __future__ import annotations

import threading

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select

from casserole.models import Pairing, Role
from casserole.models.vocab import OPEN_PROPOSAL_STATUSES
from casserole.services.pairings import proposals as proposal_service
from tests.support import factories as f
from tests.support.auth import ClientAuth
from tests.support.requirements import REQUIRE_POSTGRES, TEST_DATABASE_URL, unavailable

pytestmark = pytest.mark.postgres

THREADS = 8
# Long enough for eight requests on a loaded 2-core machine; a broken barrier fails the
# thread (and so the test) instead of hanging the suite.
BARRIER_TIMEOUT_S = 60
ONE_OPEN_PER_DINER = "uq_pairings_one_open_proposal_per_diner"
REFUSAL = "Edna already has an open proposal, so a second one cannot be made."


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
def rivals(app, on_postgres):
    """Edna waiting, eight cooks near her, and eight coordinators of her area."""
    db = on_postgres
    area = f.area()
    diner = f.diner(area, first_name="Edna")
    people = []
    for _ in range(THREADS):
        coordinator = f.user(Role.COORDINATOR)
        coordinator.areas = [area]
        people.append((coordinator, f.cook(area)))
    db.session.commit()
    found = [(c.get_id(), cook.id) for c, cook in people]
    where = (area.slug, diner.id)
    db.session.remove()
    return found, where


@pytest.fixture
def index_violations(on_postgres):
    """Every database error raised by the one-open-proposal-per-diner index, as it happens."""
    seen: list[str] = []

    def record(context) -> None:
        if ONE_OPEN_PER_DINER in str(context.original_exception):
            seen.append(ONE_OPEN_PER_DINER)

    engine = on_postgres.engine
    event.listen(engine, "handle_error", record)
    yield seen
    event.remove(engine, "handle_error", record)


def _hold_after_the_check(monkeypatch) -> list[int]:
    """Hold every request after check_pair found the pair fine, until all have checked."""
    barrier = threading.Barrier(THREADS, timeout=BARRIER_TIMEOUT_S)
    arrived: list[int] = []
    original = proposal_service.check_pair

    def held(cook, diner, today):
        checks = original(cook, diner, today)
        arrived.append(cook.id)
        barrier.wait()
        return checks

    monkeypatch.setattr(proposal_service, "check_pair", held)
    return arrived


def _race(app, people, where) -> dict[int, tuple[int, str]]:
    """Each coordinator proposes their cook for Edna in their own thread; return each outcome."""
    slug, diner_id = where
    results: dict[int, tuple[int, str]] = {}

    def propose(user_id: str, cook_id: int) -> None:
        auth = ClientAuth(FlaskClient(app, app.response_class, use_cookies=True))
        auth.as_user(user_id)
        try:
            response = auth.client.post(
                f"/coordinator/{slug}/diners/{diner_id}/pair", data={"cook_id": cook_id}
            )
            results[cook_id] = (response.status_code, response.get_data(as_text=True))
        except threading.BrokenBarrierError:
            results[cook_id] = (0, "the barrier broke: not every thread reached the check")
        except Exception as err:  # noqa: BLE001 - the test client re-raises a request's 500
            results[cook_id] = (500, repr(err))

    threads = [threading.Thread(target=propose, args=pair) for pair in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=BARRIER_TIMEOUT_S * 2)
    assert not any(t.is_alive() for t in threads), "a request never finished"
    return results


def _open(app, diner_id: int) -> list[int]:
    from casserole.extensions import db

    with app.app_context():
        rows = db.session.scalars(
            select(Pairing.cook_id).where(
                Pairing.diner_id == diner_id, Pairing.status.in_(OPEN_PROPOSAL_STATUSES)
            )
        ).all()
        db.session.remove()
    return list(rows)


def test_of_many_simultaneous_proposals_for_one_diner_only_one_lands(
    app, rivals, index_violations, monkeypatch
):
    people, where = rivals
    arrived = _hold_after_the_check(monkeypatch)
    results = _race(app, people, where)

    assert sorted(arrived) == sorted(cook for _, cook in people), "all must pass the check"
    winners = [cook for cook, (code, _) in results.items() if code == 302]
    assert len(winners) == 1, {k: (c, b[:300]) for k, (c, b) in results.items()}
    # Every loser passed the check; the index stopped each one, and each read why.
    assert len(index_violations) == THREADS - 1
    for cook, (code, body) in results.items():
        if cook not in winners:
            assert code == 422, (code, body[:500])
            assert REFUSAL in body
    assert _open(app, where[1]) == winners
