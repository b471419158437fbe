"""The Celery tasks: one runs a recorded job by id, one runs a periodic function by name."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import Any

from celery import Celery
from flask import current_app


def call_periodic(name: str) -> Any:
    """Run the schedule's function `name` (in the app context) and return its result."""
    from casserole.jobs.schedule import SCHEDULE

    path, _when = SCHEDULE[name]
    module, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module), attr)()


@contextlib.contextmanager
def _only_one(name: str, seconds: int) -> Iterator[bool]:
    """Hold a Redis lock named after the periodic job, so two runs never overlap.

    Beat sends each job once, but a slow run (mail to a slow relay) can still be going when
    the next minute's one arrives on another worker; that one then has nothing to do.
    """
    broker = current_app.config.get("CELERY_BROKER_URL")
    if not broker or not str(broker).startswith(("redis://", "rediss://")):
        yield True
        return
    import redis

    client = redis.Redis.from_url(broker, socket_connect_timeout=2, socket_timeout=5)
    lock = client.lock(f"casserole:periodic:{name}", timeout=seconds)
    got = lock.acquire(blocking=False)
    try:
        yield bool(got)
    finally:
        if got:
            with contextlib.suppress(redis.RedisError):
                lock.release()


def register(celery: Celery) -> None:
    """Define the tasks on `celery` (one Celery app per Flask app)."""
    from casserole.jobs import runner

    @celery.task(name="casserole.run_job", bind=True, max_retries=None, shared=False)
    def run_job(self: Any, job_id: int) -> str:
        """Run the recorded job `job_id` (a second delivery finds it done and does nothing)."""
        try:
            return runner.run(job_id)
        except runner.JobBusy as busy:
            # Another worker is still on it: look again once its lease could have run out.
            lease = int(current_app.config.get("JOB_LEASE_SECONDS") or 300)
            raise self.retry(countdown=min(60, lease), exc=busy) from None

    @celery.task(name="casserole.periodic", shared=False)
    def periodic(name: str) -> Any:
        """Run one line of the schedule table, unless the previous run is still going."""
        from casserole.jobs.schedule import LOCK_SECONDS

        with _only_one(name, seconds=LOCK_SECONDS.get(name, 3600)) as mine:
            if not mine:
                return None
            return call_periodic(name)
