"""A real worker on Redis and PostgreSQL, killed half-way through a job: nothing twice.

Starts `celery -A casserole.jobs.worker worker` as its own process group on a queue of
its own, gives it an "approve all" of 40 proposals in batches of 5 (slowed so the kill
lands half-way), SIGKILLs the whole worker once some batches are committed, starts
another, and checks every proposal was approved once and every cook asked once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from sqlalchemy import func, select

from casserole.jobs import kinds
from casserole.models import EmailStatus, Job, JobState, OutboundEmail, Pairing, PairingStatus, Role
from tests.support import factories as f
from tests.support.app import make_test_app
from tests.support.requirements import REQUIRE_POSTGRES, TEST_DATABASE_URL, unavailable

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REDIS_URL = os.environ.get("CASSEROLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
ROOT = Path(__file__).resolve().parents[2]
PROPOSALS = 40
BATCH = 5


@pytest.fixture
def redis_and_postgres(database):
    """PostgreSQL under test and a Redis to use as the broker, else unavailable."""
    if database.engine.dialect.name != "postgresql":
        unavailable(
            f"needs PostgreSQL (TEST_DATABASE_URL={TEST_DATABASE_URL or 'unset'}) that a "
            "separate worker process can share",
            required=REQUIRE_POSTGRES,
        )
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as err:
        unavailable(f"needs Redis at {REDIS_URL} as the job broker ({err})")
    return database


def _worker(queue: str, tmp_path: Path, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "CASSEROLE_ENV": "testing",
        "TEST_DATABASE_URL": TEST_DATABASE_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": queue,
        # A message a killed worker took comes back after 2 s instead of an hour.
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "JOB_LEASE_SECONDS": "2",
        "JOB_BATCH_SIZE": str(BATCH),
        "JOB_PAUSE_SECONDS": "0.4",
        "CASSEROLE_INSTANCE_PATH": str(tmp_path / "instance"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    with (tmp_path / f"{name}.log").open("w") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "casserole.jobs.worker",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--queues",
                queue,
                "--hostname",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _kill(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool processes: nothing gets to clean up."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def _job_state(database, job_id):
    database.session.rollback()
    return database.session.execute(
        select(Job.state, Job.done, Job.total, Job.attempts).where(Job.id == job_id)
    ).one()


def _pending(database) -> int:
    count = database.session.scalar(
        select(func.count())
        .select_from(OutboundEmail)
        .where(OutboundEmail.status == EmailStatus.PENDING)
    )
    database.session.rollback()
    return count


def _wait(database, job_id, until, seconds, what, tmp_path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = _job_state(database, job_id)
        if until(row):
            return row
        time.sleep(0.1)
    logs = "\n".join(p.read_text()[-3000:] for p in sorted(tmp_path.glob("*.log")))
    pytest.fail(f"{what} within {seconds} s; last state {row}\n{logs}")


def test_a_killed_worker_leaves_nothing_done_twice(redis_and_postgres, tmp_path, monkeypatch):
    database = redis_and_postgres
    # Celery reads CELERY_BROKER_URL (CI's own worker's broker) before its arguments.
    monkeypatch.setenv("CELERY_BROKER_URL", REDIS_URL)
    area = f.area("Barnet", ("N3",), slug="barnet")
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    for i in range(PROPOSALS):
        cook = f.cook(area, latitude=51.60 + i * 0.0005)
        diner = f.diner(area, first_name=f"Diner{i}", latitude=51.60 + i * 0.0005)
        f.pairing(cook, diner, PairingStatus.PROPOSED, distance_km=0.2)
    job = f.job(area, requested_by=coordinator, kind=kinds.APPROVE_ALL, state=JobState.QUEUED)
    database.session.commit()
    queue = f"casserole-test-{uuid.uuid4().hex[:8]}"

    first = _worker(queue, tmp_path, "first")
    second = None
    try:
        sender = Celery(broker=REDIS_URL)
        sender.send_task("casserole.run_job", args=(job.id,), queue=queue)
        # Some batches committed and their e-mail handed over, others not yet: kill it
        # there (between batches; a kill inside one SMTP hand-over is mail's claim's case).
        row = _wait(
            database,
            job.id,
            lambda r: r.done >= 2 * BATCH and _pending(database) == 0,
            120,
            "the first worker made no progress",
            tmp_path,
        )
        _kill(first)
        row = _job_state(database, job.id)
        assert row.state == JobState.RUNNING and 0 < row.done < PROPOSALS, row
        approved_at_kill = database.session.scalar(
            select(func.count())
            .select_from(Pairing)
            .where(Pairing.status == PairingStatus.APPROVED)
        )
        assert approved_at_kill == row.done

        second = _worker(queue, tmp_path, "second")
        row = _wait(
            database,
            job.id,
            lambda r: r.state == JobState.DONE,
            120,
            "the job was not finished by the second worker",
            tmp_path,
        )
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                _kill(worker)

    assert (row.done, row.total) == (PROPOSALS, PROPOSALS)
    assert row.attempts == 2
    statuses = database.session.scalars(select(Pairing.status)).all()
    assert statuses == [PairingStatus.APPROVED] * PROPOSALS
    per_pairing = dict(
        database.session.execute(
            select(OutboundEmail.pairing_id, func.count())
            .where(OutboundEmail.kind == "pairing_proposal_to_cook")
            .group_by(OutboundEmail.pairing_id)
        ).all()
    )
    assert sorted(per_pairing.values()) == [1] * PROPOSALS
    sent = database.session.scalar(
        select(func.count())
        .select_from(OutboundEmail)
        .where(OutboundEmail.status == EmailStatus.SENT)
    )
    # Delivered to the development outbox: one file per message, none twice.
    files = sorted(p.name for p in (tmp_path / "outbox").glob("*.eml"))
    addresses = database.session.scalars(
        select(OutboundEmail.to_address).where(OutboundEmail.status == EmailStatus.SENT)
    ).all()
    assert (len(files), sent) == (PROPOSALS, PROPOSALS), (files, sorted(addresses))


def test_a_web_process_hands_its_mail_to_the_worker(redis_and_postgres, tmp_path, monkeypatch):
    database = redis_and_postgres
    monkeypatch.setenv("CELERY_BROKER_URL", REDIS_URL)
    queue = f"casserole-test-{uuid.uuid4().hex[:8]}"
    # A web host configured with the queue, as production is: an app of its own, so its
    # broker and queue are this test's whatever the suite's own app was given.
    web = make_test_app(
        TEST_DATABASE_URL,
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_QUEUE=queue,
        MAIL_SEND_SYNC=False,
        MAIL_SERVER=None,
        MAIL_OUTBOX_DIR=str(tmp_path / "web-outbox"),
    )
    import redis

    from casserole.extensions import db
    from casserole.services import mail

    broker = redis.Redis.from_url(REDIS_URL)
    with web.app_context():
        assert not web.extensions["celery"].conf.task_always_eager
        # A change that queued no message asks the worker for nothing.
        assert mail.dispatch() is None and broker.llen(queue) == 0
        for n in range(3):
            mail.queue_email(f"person{n}@example.org", "Hi", "test_message", kind="test", name="Al")
        db.session.commit()
        assert mail.dispatch() is None  # queued for the worker, no thread of ours
        assert broker.llen(queue) == 1
        db.session.remove()
        db.engine.dispose()
    worker = _worker(queue, tmp_path, "mail")
    try:
        deadline = time.monotonic() + 120
        while _pending(database) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        _kill(worker)
    assert _pending(database) == 0, (tmp_path / "mail.log").read_text()[-3000:]
    # Written by the worker, into its own outbox (the web process's stays empty).
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3
    assert not list((tmp_path / "web-outbox").glob("*.eml"))
