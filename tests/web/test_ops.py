"""Operations on several hosts: /healthz for load balancers, request logs with ids, /metrics."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import text

from casserole.extensions import db
from casserole.models import Role
from tests.support import factories as f
from tests.support.app import make_test_app
from tests.support.requirements import unavailable

# Nothing listens on port 1: a connection there is refused at once.
CLOSED_DB = "postgresql://postgres@127.0.0.1:1/casserole"
CLOSED_REDIS = "redis://127.0.0.1:1/0"
# Helper G's Redis database number on the shared machine.
LIVE_REDIS = "redis://127.0.0.1:6379/7"


@pytest.fixture
def live_redis():
    """A reachable Redis (db 7), emptied afterwards; unavailable without one."""
    import redis

    client = redis.Redis.from_url(LIVE_REDIS, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as err:
        unavailable(f"needs Redis at {LIVE_REDIS}: {err}")
    yield client
    client.delete("casserole-test-queue")


@pytest.fixture
def other_app():
    """Build extra apps with their own settings; their connection pools are closed after."""
    made = []

    def build(url: str, **overrides: object):
        made.append(make_test_app(url, **overrides))
        return made[-1]

    yield build
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


def _health(app) -> tuple[int, dict]:
    response = app.test_client().get("/healthz")
    return response.status_code, json.loads(response.get_data(as_text=True))


def test_healthz_is_green_when_everything_answers(app, client, database):
    response = client.get("/healthz")
    assert response.status_code == 200
    # The queue's Redis is checked too where one is configured (CI's worker pass).
    queue = {"queue": "ok"} if app.config.get("CELERY_BROKER_URL") else {}
    assert response.json == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", **queue},
    }


def test_healthz_is_red_when_the_database_is_down(app, tmp_path, other_app):
    down = other_app(CLOSED_DB)
    code, body = _health(down)
    assert code == 503
    assert body["status"] == "fail"
    assert body["checks"]["database"].startswith("failed: OperationalError")
    assert "127.0.0.1:1" not in json.dumps(body)  # where the database is stays private


def test_healthz_checks_redis_when_configured(app, database_url, live_redis, other_app):
    up = other_app(database_url, REDIS_URL=LIVE_REDIS)
    code, body = _health(up)
    assert (code, body["checks"]["redis"]) == (200, "ok")


def test_healthz_is_red_when_redis_is_down(app, database_url, other_app):
    down = other_app(database_url, REDIS_URL=CLOSED_REDIS, RATELIMIT_STORAGE_URI="memory://")
    code, body = _health(down)
    assert code == 503
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("failed: ")


def test_healthz_is_red_when_the_schema_is_behind_the_migrations(app, database):
    version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    db.session.execute(text("UPDATE alembic_version SET version_num = '1a3546125469'"))
    db.session.commit()
    try:
        code, body = _health(app)
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": version})
        db.session.commit()
    assert code == 503
    assert body["checks"]["migrations"].startswith("failed: RuntimeError: at ['1a3546125469']")


def test_every_request_is_one_json_log_line_with_its_id(client, database, caplog):
    f.user(Role.CARER, email="sam@example.org")
    with caplog.at_level(logging.INFO, logger="casserole.requests"):
        given = client.get("/auth/reset/some-secret-token", headers={"X-Request-ID": "lb-42.a"})
        fresh = client.get("/", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert given.headers["X-Request-ID"] == "lb-42.a"
    assert len(fresh.headers["X-Request-ID"]) == 32  # a new id: the given one was not sane
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "casserole.requests"]
    assert [line["request_id"] for line in lines] == ["lb-42.a", fresh.headers["X-Request-ID"]]
    first = lines[0]
    assert first["route"] == "/auth/reset/<token>"
    assert "some-secret-token" not in json.dumps(lines)  # tokens in paths never reach logs
    assert first["status"] == given.status_code and first["method"] == "GET"
    assert first["ms"] >= 0


def test_metrics_count_requests_and_matching_runs(client, database):
    client.get("/healthz")
    body = client.get("/metrics").get_data(as_text=True)
    assert 'casserole_http_requests_total{endpoint="ops.healthz",method="GET",status="200"}' in body
    assert "casserole_http_request_duration_seconds_bucket" in body
    assert "casserole_matching_runs_running 0.0" in body


def test_metrics_report_the_queue_length_from_redis(app, database_url, live_redis, other_app):
    live_redis.rpush("casserole-test-queue", "a", "b", "c")
    with_queue = other_app(
        database_url, CELERY_BROKER_URL=LIVE_REDIS, METRICS_QUEUES="casserole-test-queue"
    )
    body = with_queue.test_client().get("/metrics").get_data(as_text=True)
    assert 'casserole_queue_length{queue="casserole-test-queue"} 3.0' in body


def test_metrics_need_the_token_when_one_is_set(app, database_url, other_app):
    guarded = other_app(database_url, METRICS_TOKEN="s3cret-scrape")
    web = guarded.test_client()
    assert web.get("/metrics").status_code == 404
    assert web.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    ok = web.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"})
    assert ok.status_code == 200 and b"casserole_http_requests_total" in ok.data


def test_production_without_a_token_serves_no_metrics(app, database_url, monkeypatch, other_app):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)  # production resets it; put it back after
    prod = other_app(database_url, ENV_NAME="production", PUBLIC_BASE_URL="https://x.org")
    assert prod.test_client().get("/metrics").status_code == 404
