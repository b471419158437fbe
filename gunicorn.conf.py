"""gunicorn settings read from the checkout (gunicorn loads ./gunicorn.conf.py by default).

The master builds the app once before forking workers, so a configuration error (no
SECRET_KEY, an unreachable database) stops gunicorn at once with its one-line message and
status 3, instead of workers failing one by one (and racing each other) while clients wait.
"""

from __future__ import annotations

from typing import Any


def on_starting(server: Any) -> None:
    """Check the configuration in the master; create_app exits with status 3 on a problem."""
    from casserole import create_app
    from casserole.extensions import db

    app = create_app()
    # Workers build their own app and engine; none of the master's connections may leak
    # into the forks.
    with app.app_context():
        db.engine.dispose()


def child_exit(server: Any, worker: Any) -> None:
    """A worker has gone: with PROMETHEUS_MULTIPROC_DIR set, drop its live gauges."""
    from casserole.ops import multiprocess_child_exit

    multiprocess_child_exit(worker.pid)
