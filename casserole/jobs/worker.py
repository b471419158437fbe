"""The entry point for the worker and the scheduler: `celery -A casserole.jobs.worker worker`."""

from __future__ import annotations

from casserole import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
