"""Shared state in the database: one open proposal per diner, one matching run per area at a
time (a database lock), and waiting reasons stored with their run, the same in every process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import IntegrityError

from casserole.models import MatchingRun, Pairing, PairingStatus, Role, utcnow
from casserole.models.matching_run import KIND_PROPOSE, KIND_REASONS, RUN_DONE, RUN_FAILED
from casserole.models.vocab import OPEN_PROPOSAL_STATUSES
from casserole.services import matching_runs
from casserole.services import pairings as pairing_service
from casserole.services.pairings import proposals as proposal_service
from tests.support import factories as f
from tests.support.requirements import REQUIRE_POSTGRES, TEST_DATABASE_URL, unavailable

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60


@pytest.fixture
def area_with_people(database):
    """An area, its coordinator, three cooks and six diners near them (room for three)."""
    area = f.area("Barnet", ("N3",))
    coordinator = f.user(Role.COORDINATOR, email="co@example.org", first_name="Cora")
    coordinator.areas = [area]
    for _ in range(3):
        f.cook(area, capacity=1)
    diners = [f.diner(area) for _ in range(6)]
    database.session.commit()
    return area, coordinator, diners


def _on_postgres(database) -> None:
    if database.engine.dialect.name != "postgresql":
        unavailable(
            f"needs PostgreSQL (TEST_DATABASE_URL={TEST_DATABASE_URL or 'unset'}): SQLite "
            "serialises every write and has no advisory locks",
            required=REQUIRE_POSTGRES,
        )


# ------------------------------------------------------------- one open proposal per diner


def test_the_database_refuses_a_second_open_proposal_for_a_diner(database, area_with_people):
    area, _, diners = area_with_people
    cooks = [f.cook(area) for _ in range(3)]
    f.pairing(cooks[0], diners[0], PairingStatus.DECLINED)
    f.pairing(cooks[1], diners[0], PairingStatus.PROPOSED)  # a declined one does not count
    f.pairing(cooks[0], diners[1], PairingStatus.ACTIVE)
    f.pairing(cooks[1], diners[1], PairingStatus.APPROVED)  # nor does a live one
    database.session.commit()
    with pytest.raises(IntegrityError, match="(?i)unique"):
        f.pairing(cooks[2], diners[0], PairingStatus.COOK_ACCEPTED)
    database.session.rollback()


def test_a_second_proposal_by_hand_is_refused_in_plain_words(database, area_with_people):
    area, coordinator, diners = area_with_people
    first, second = f.cook(area), f.cook(area)
    database.session.commit()
    pairing_service.propose_by_hand(coordinator, first.id, diners[0].id)
    with pytest.raises(pairing_service.ConstraintsBroken, match="already has an open proposal"):
        pairing_service.propose_by_hand(coordinator, second.id, diners[0].id)


def test_a_lost_race_at_the_flush_is_a_409_not_a_500(database, area_with_people, monkeypatch):
    """Skip the check, as a racing request that checked before the winner wrote would."""
    area, coordinator, diners = area_with_people
    first, second = f.cook(area), f.cook(area)
    database.session.commit()
    pairing_service.propose_by_hand(coordinator, first.id, diners[0].id)
    monkeypatch.setattr(proposal_service, "check_pair", lambda *a: proposal_service.Checks())
    with pytest.raises(pairing_service.PairingError) as refused:
        pairing_service.propose_by_hand(coordinator, second.id, diners[0].id)
    assert refused.value.status == 409
    assert type(refused.value) is pairing_service.PairingError
    assert "already has" in refused.value.message
    open_ones = database.session.scalars(
        select(Pairing.cook_id).where(
            Pairing.diner_id == diners[0].id, Pairing.status.in_(OPEN_PROPOSAL_STATUSES)
        )
    ).all()
    assert open_ones == [first.id]


# ------------------------------------------------------------------ one run per area


def test_a_second_run_for_an_area_is_refused_while_the_first_holds_it(database, area_with_people):
    area, coordinator, _ = area_with_people
    held = matching_runs.claim(area, KIND_PROPOSE, coordinator)
    with pytest.raises(matching_runs.MatchingBusy) as busy:
        pairing_service.propose_for_area(area.id, coordinator)
    assert "Matching for Barnet is already running" in busy.value.message
    assert "by Cora" in busy.value.message
    # Another area is not held up.
    other = f.area("Camden", ("NW1",))
    database.session.commit()
    assert matching_runs.compute_reasons(other) is not None
    # Once the first run ends, the area is free again.
    database.session.execute(
        text("UPDATE matching_runs SET status = 'done', finished_at = :t WHERE id = :i"),
        {"t": utcnow(), "i": held.id},
    )
    database.session.commit()
    assert len(pairing_service.propose_for_area(area.id, coordinator)) == 3


def test_a_run_that_died_does_not_hold_the_area_for_ever(database, area_with_people):
    area, coordinator, _ = area_with_people
    # A claim whose process died: no advisory lock held (PostgreSQL), or old (SQLite).
    dead = MatchingRun(
        area_id=area.id,
        kind=KIND_PROPOSE,
        started_at=utcnow() - matching_runs.ABANDONED_AFTER - timedelta(minutes=1),
    )
    database.session.add(dead)
    database.session.commit()
    dead_id = dead.id
    assert len(pairing_service.propose_for_area(area.id, coordinator)) == 3
    assert database.session.get(MatchingRun, dead_id).status == RUN_FAILED


def test_a_live_run_on_another_connection_keeps_the_area_on_postgres(
    database, area_with_people, database_url
):
    """The advisory lock tells a live run (held by another connection) from a dead one."""
    _on_postgres(database)
    area, coordinator, _ = area_with_people
    old = utcnow() - timedelta(hours=1)
    run = MatchingRun(area_id=area.id, kind=KIND_PROPOSE, started_at=old)
    database.session.add(run)
    database.session.commit()
    other = create_engine(database.engine.url)
    with other.connect() as conn, conn.begin():
        conn.execute(select(func.pg_advisory_xact_lock(matching_runs._ADVISORY_CLASS, run.id)))
        with pytest.raises(matching_runs.MatchingBusy):
            pairing_service.propose_for_area(area.id, coordinator)
    other.dispose()


def test_two_runs_started_at_once_one_runs_one_is_refused(
    app, database, area_with_people, monkeypatch
):
    """Two coordinators press "Run matching" at the same moment, each in its own thread."""
    _on_postgres(database)
    area, coordinator, _ = area_with_people
    area_id, user_id = area.id, coordinator.id
    database.session.remove()
    start = threading.Barrier(2, timeout=WAIT_S)
    refused = threading.Event()
    original = proposal_service.run_matching

    def slow_run(*args, **kwargs):
        # The winner keeps the area until the other has been turned away: the runs overlap.
        refused.wait(timeout=WAIT_S)
        return original(*args, **kwargs)

    monkeypatch.setattr(proposal_service, "run_matching", slow_run)
    outcomes: list[object] = []

    def press() -> None:
        from casserole.extensions import db
        from casserole.models import User

        with app.app_context():
            actor = db.session.get(User, user_id)
            start.wait()
            try:
                outcomes.append(len(pairing_service.propose_for_area(area_id, actor)))
            except matching_runs.MatchingBusy as busy:
                outcomes.append(busy.message)
                refused.set()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=WAIT_S * 2)
    assert not any(t.is_alive() for t in threads)
    made = [o for o in outcomes if isinstance(o, int)]
    turned_away = [o for o in outcomes if isinstance(o, str)]
    assert made == [3], outcomes
    assert len(turned_away) == 1 and "already running" in turned_away[0]
    pairs = database.session.execute(select(Pairing.diner_id)).scalars().all()
    assert len(pairs) == len(set(pairs)) == 3
    runs = database.session.scalars(select(MatchingRun.status)).all()
    assert runs == [RUN_DONE]


# ----------------------------------------------------------- reasons stored in the database


def test_a_run_stores_its_reasons_with_the_run_and_the_time(database, area_with_people):
    area, coordinator, diners = area_with_people
    pairing_service.propose_for_area(area.id, coordinator)
    snap = matching_runs.latest_reasons(area)
    run = database.session.get(MatchingRun, snap.run_id)
    assert (run.kind, run.status, run.proposals, run.unmatched) == (KIND_PROPOSE, RUN_DONE, 3, 3)
    assert snap.computed_at == run.finished_at
    assert set(snap.reasons.values()) == {"cooks_full"}
    assert set(snap.reasons) <= {d.id for d in diners}
    # A later dry run replaces them; only the latest set is kept.
    again = matching_runs.compute_reasons(area)
    assert again.run_id != snap.run_id
    kept = database.session.execute(text("SELECT DISTINCT run_id FROM waiting_reasons")).all()
    assert kept == [(again.run_id,)]


def test_the_waiting_page_says_when_the_reasons_were_worked_out(client, auth, area_with_people):
    area, _, _ = area_with_people
    auth.login("co@example.org")
    page = client.get(f"/coordinator/{area.slug}/waiting").get_data(as_text=True)
    snap = matching_runs.latest_reasons(area)
    assert f"{snap.computed_at:%H:%M} (UTC)" in page
    assert "Reasons were worked out by the matcher on" in page


_READ_WAITING = """
import json, sys
from tests.support.app import make_test_app
from casserole.extensions import db
from casserole.models import Area
from casserole.services.coordinator import waiting

app = make_test_app(sys.argv[1])
with app.app_context():
    area = db.session.get(Area, int(sys.argv[2]))
    page, snap = waiting.waiting_list(area)
    print(json.dumps({
        "run": snap.run_id,
        "at": snap.computed_at.isoformat(),
        "rows": [[r.diner.id, r.reason, r.explanation] for r in page.rows],
    }))
"""


def _waiting_in_another_process(database_url: str, area_id: int, tmp_path: Path) -> dict:
    env = {**os.environ, "CASSEROLE_ENV": "testing", "CASSEROLE_INSTANCE_PATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", _READ_WAITING, database_url, str(area_id)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_S * 2,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_app_processes_show_the_same_reasons(
    database, area_with_people, database_url, tmp_path
):
    """The first process works the reasons out and stores them; the second shows the same."""
    area, _, _ = area_with_people
    f.pairing(f.cook(area, capacity=1), f.diner(area), PairingStatus.ACTIVE)
    database.session.commit()
    area_id = area.id
    database.session.remove()
    first = _waiting_in_another_process(database_url, area_id, tmp_path / "a")
    second = _waiting_in_another_process(database_url, area_id, tmp_path / "b")
    assert first == second
    assert len(first["rows"]) == 6 and all(reason for _, reason, _ in first["rows"])
    assert (
        database.session.scalar(
            select(func.count()).select_from(MatchingRun).where(MatchingRun.kind == KIND_REASONS)
        )
        == 1
    )
