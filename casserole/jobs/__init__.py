"""Background jobs on Celery: the app bound to Flask, the tasks, the periodic schedule.

With CELERY_BROKER_URL (Redis) jobs go to a worker (`celery -A casserole.jobs.worker worker`)
and the periodic ones come from `celery -A casserole.jobs.worker beat`; with none, every job
runs at once in the process that asks for it (Celery's eager mode), so a fresh checkout needs
nothing but Python. The pattern is the Flask docs' "Background Tasks with Celery".
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask


def init_app(app: Flask) -> Celery:
    """Make the Celery app for `app`: every task runs inside an app context."""

    class FlaskTask(Task):
        """A task that runs inside the Flask app's context (database, config, templates)."""

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    from casserole.jobs.schedule import beat_schedule

    broker = app.config.get("CELERY_BROKER_URL")
    queue = app.config.get("CELERY_QUEUE") or "casserole"
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker or "memory://localhost/",
        # No result backend: a job's outcome lives in its `jobs` row, which every host sees.
        result_backend=None,
        task_ignore_result=True,
        task_always_eager=not broker,
        task_eager_propagates=True,
        task_default_queue=queue,
        # Acknowledge after the job, and put it back if the worker dies: a job is delivered
        # at least once, and the handlers make a second delivery harmless.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={
            "visibility_timeout": int(app.config.get("CELERY_VISIBILITY_TIMEOUT") or 3600),
            # An unreachable Redis fails the enqueue quickly instead of hanging the request.
            "socket_connect_timeout": 2,
        },
        broker_connection_retry_on_startup=True,
        timezone="Europe/London",
        beat_schedule=beat_schedule(),
    )
    celery.set_default()
    app.extensions["celery"] = celery
    # Registering the tasks on this Celery app.
    from casserole.jobs import tasks

    tasks.register(celery)
    return celery
