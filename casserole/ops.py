"""Running Casserole on several hosts: /healthz, one JSON log line per request, /metrics.

- `GET /healthz` answers load balancers: the database answers, the schema is at the
  migrations' head, and every Redis the app is configured to use answers. 200 with
  {"status": "ok", ...}, else 503 naming the check that failed (never a password or URL).
- Every request is logged as one JSON line on the `casserole.requests` logger, with a
  request id: the caller's X-Request-ID when it is a sane token (a proxy's), else a new one;
  the response carries it back.
- `GET /metrics` is Prometheus text (prometheus_client): requests by endpoint and status,
  their durations, matching runs, job counts (where the queue reports them) and the queue's
  length in Redis. With METRICS_TOKEN set it needs `Authorization: Bearer <token>`; without
  one it is served only outside production (production without a token: 404).
"""

from __future__ import annotations

import functools
import hmac
import json
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select, text

from casserole.extensions import db, limiter

bp = Blueprint("ops", __name__)
log = logging.getLogger("casserole.requests")

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept only if it is a plain token: it goes into log lines and a header.
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Redis must answer a health check or a scrape quickly, or be reported down.
REDIS_TIMEOUT_S = 1.0

REQUESTS = Counter(
    "casserole_http_requests_total",
    "HTTP requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "casserole_http_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
JOBS = Counter(
    "casserole_jobs_total",
    "Background jobs finished in this process, by job name and outcome.",
    ["job", "outcome"],
)
JOB_SECONDS = Histogram(
    "casserole_job_duration_seconds",
    "Time a background job took, by job name.",
    ["job"],
    buckets=(0.1, 0.5, 1, 5, 10, 30, 60, 300, 900),
)

# The job queue registers a function giving its job counts by (name, state), read at every
# scrape from the shared store (the database), so every web host reports the same figures.
_job_count_sources: list[Callable[[], dict[tuple[str, str], int]]] = []


def observe_job(name: str, outcome: str, seconds: float) -> None:
    """Record a finished job (the worker calls this; outcome e.g. "done", "failed", "retry")."""
    JOBS.labels(name, outcome).inc()
    JOB_SECONDS.labels(name).observe(seconds)


def register_job_counts(source: Callable[[], dict[tuple[str, str], int]]) -> None:
    """Add a source of job counts by (job name, state) for /metrics (the queue calls this)."""
    if source not in _job_count_sources:
        _job_count_sources.append(source)


# ------------------------------------------------------------------------- Redis


def redis_urls(config: Any) -> dict[str, str]:
    """Every Redis the app is configured to use, by what it is used for."""
    found = {}
    for use, key in (
        ("redis", "REDIS_URL"),
        ("rate_limits", "RATELIMIT_STORAGE_URI"),
        ("queue", "CELERY_BROKER_URL"),
    ):
        url = str(config.get(key) or "")
        if url.startswith(("redis://", "rediss://")) and url not in found.values():
            found[use] = url
    return found


def _redis(url: str) -> Any:
    import redis

    return redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S
    )


def queue_url(config: Any) -> str | None:
    """The job queue's broker, when it is Redis (CELERY_BROKER_URL, else REDIS_URL)."""
    url = str(config.get("CELERY_BROKER_URL") or config.get("REDIS_URL") or "")
    return url if url.startswith(("redis://", "rediss://")) else None


# ------------------------------------------------------------------------- health


def _check_database() -> str:
    db.session.execute(text("SELECT 1"))
    return "ok"


@functools.cache
def _code_heads(directory: str) -> frozenset[str]:
    """The migration heads this process's code was started with.

    Read once per process: parsing every migration file cost ~30 ms of CPU per health
    check, which load balancers ask for every few seconds on every host, and files that
    change on disk under a running process are not the code it runs anyway.
    """
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _check_migrations() -> str:
    migrate = current_app.extensions["migrate"]
    heads = set(_code_heads(str(migrate.directory)))
    current = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    if current != heads:
        raise RuntimeError(f"at {sorted(current) or 'none'}, head is {sorted(heads)}")
    return "ok"


def health() -> tuple[bool, dict[str, str]]:
    """Run every check; (all fine, {check: "ok" or why it failed})."""
    checks: dict[str, Callable[[], str]] = {
        "database": _check_database,
        "migrations": _check_migrations,
    }
    for use, url in redis_urls(current_app.config).items():
        checks[use] = lambda url=url: "ok" if _redis(url).ping() else "no answer"
    results: dict[str, str] = {}
    healthy = True
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as err:  # noqa: BLE001 - any failure is "unhealthy", with its kind
            healthy = False
            # The error's class and first line, never a URL (which may hold a password).
            first = str(err).strip().splitlines()[0] if str(err).strip() else ""
            results[name] = f"failed: {type(err).__name__}" + (
                f": {first[:200]}" if name == "migrations" else ""
            )
            if name == "database":
                db.session.rollback()
    db.session.rollback()
    return healthy, results


@bp.route("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """For load balancers: 200 when this host can serve, else 503 naming the failed check."""
    healthy, checks = health()
    body = {"status": "ok" if healthy else "fail", "checks": checks}
    return jsonify(body), 200 if healthy else 503


# ------------------------------------------------------------------------- metrics


class _SharedStateCollector:
    """Figures read at scrape time from the shared stores: the same on every host."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Matching runs in progress, job counts by state, and the queue's length."""
        from casserole.models.matching_run import RUN_RUNNING, MatchingRun

        running = GaugeMetricFamily(
            "casserole_matching_runs_running", "Matching runs holding an area's lock now."
        )
        try:
            count = db.session.scalar(
                select(func.count())
                .select_from(MatchingRun)
                .where(MatchingRun.status == RUN_RUNNING)
            )
            running.add_metric([], float(count or 0))
            yield running
        except Exception:  # noqa: BLE001 - a scrape must not fail because one store is down
            db.session.rollback()
        jobs = GaugeMetricFamily(
            "casserole_jobs", "Background jobs by name and state.", labels=["job", "state"]
        )
        for source in _job_count_sources:
            try:
                for (name, state), n in source().items():
                    jobs.add_metric([name, state], float(n))
            except Exception:  # noqa: BLE001
                db.session.rollback()
        yield jobs
        url = queue_url(current_app.config)
        if url:
            length = GaugeMetricFamily(
                "casserole_queue_length", "Jobs waiting in the Redis queue.", labels=["queue"]
            )
            names = str(current_app.config.get("METRICS_QUEUES") or "celery").split(",")
            try:
                client = _redis(url)
                for name in (n.strip() for n in names if n.strip()):
                    length.add_metric([name], float(client.llen(name)))
                yield length
            except Exception:  # noqa: BLE001
                pass


def _registry() -> CollectorRegistry:
    """Per-process counters, or all gunicorn workers' when PROMETHEUS_MULTIPROC_DIR is set."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _may_scrape() -> bool:
    token = str(current_app.config.get("METRICS_TOKEN") or "")
    if not token:
        return current_app.config.get("ENV_NAME") != "production"
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@bp.route("/metrics")
@limiter.exempt
def metrics() -> Response:
    """Prometheus text format; needs METRICS_TOKEN as a bearer token when one is set."""
    if not _may_scrape():
        return Response("Not found\n", status=404, mimetype="text/plain")
    registry = _registry()
    shared = CollectorRegistry()
    shared.register(_SharedStateCollector())
    body = generate_latest(registry) + generate_latest(shared)
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


# ------------------------------------------------------------------------- request log


def _request_id() -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _SANE_ID.match(given) else uuid.uuid4().hex


def _user_id() -> str | None:
    # Only when the request already loaded its user: logging must not cost a query.
    user = g.get("_login_user")
    return user.get_id() if user is not None and user.is_authenticated else None


def register_request_log(app: Flask) -> None:
    """Give every request an id, log it as one JSON line, and count it for /metrics."""
    if not log.handlers and not app.testing:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def _start() -> None:
        g.request_id = _request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        started = g.get("request_started")
        seconds = time.perf_counter() - started if started is not None else 0.0
        request_id = g.get("request_id") or _request_id()
        response.headers[REQUEST_ID_HEADER] = request_id
        endpoint = request.endpoint or "unmatched"
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        LATENCY.labels(endpoint).observe(seconds)
        log.info(
            json.dumps(
                {
                    "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "request_id": request_id,
                    "method": request.method,
                    # The route, not the path: paths carry reset and invitation tokens.
                    "route": request.url_rule.rule if request.url_rule else "unmatched",
                    "endpoint": endpoint,
                    "status": response.status_code,
                    "ms": round(seconds * 1000, 1),
                    "client": request.remote_addr,
                    "user": _user_id(),
                },
                separators=(",", ":"),
            )
        )
        return response


def multiprocess_child_exit(pid: int) -> None:
    """gunicorn's child_exit hook: drop a dead worker's live gauges (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
