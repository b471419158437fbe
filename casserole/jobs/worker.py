"""The entry point for the worker and the scheduler: `celery -A casserole.jobs.worker worker`."""

from __future__ import annotations

from typing import Any

from celery.signals import worker_process_init

from casserole import create_app
from casserole.extensions import db

flask_app = create_app()
celery = flask_app.extensions["celery"]

# create_app checked the database from this (parent) process: its pooled connection must
# not be inherited by the forked pool processes, or two of them talk over one socket at
# once (seen as "server closed the connection" and garbled results under load).
with flask_app.app_context():
    db.engine.dispose()


@worker_process_init.connect
def _fresh_connections(**_: Any) -> None:
    """In each forked pool process, drop any inherited pool without closing its sockets."""
    with flask_app.app_context():
        db.engine.dispose(close=False)
