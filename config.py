"""Casserole configuration, read from the environment (see the README's configuration table)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_base_url() -> str:
    """Where the development server listens: FLASK_RUN_HOST/PORT (or PORT), else 127.0.0.1:5000."""
    host = os.environ.get("FLASK_RUN_HOST") or "127.0.0.1"
    if host in {"0.0.0.0", "::"}:
        host = "127.0.0.1"
    port = os.environ.get("FLASK_RUN_PORT") or os.environ.get("PORT") or "5000"
    return f"http://{host}:{port}"


class Config:
    """Development defaults: embedded SQLite, offline geocoding, mail written to files."""

    ENV_NAME = "development"
    # None means "an SQLite file in the instance folder", resolved by create_app.
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL") or None
    # None means "generate one and keep it in the instance folder" (development only).
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Check the database answers at start-up so a wrong DATABASE_URL fails in one line.
    CHECK_DATABASE_ON_START = _bool("CASSEROLE_CHECK_DATABASE", True)

    # Geocoding: "offline" (postcode table + district centroids) or "nominatim" (geopy).
    GEOCODER = os.environ.get("GEOCODER", "offline")
    GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", "casserole-dev")
    GEOCODER_DOMAIN = os.environ.get("GEOCODER_DOMAIN", "nominatim.openstreetmap.org")
    GEOCODER_MIN_DELAY_SECONDS = float(os.environ.get("GEOCODER_MIN_DELAY_SECONDS", "1.0"))

    # Mail: with no MAIL_SERVER, messages are written to MAIL_OUTBOX_DIR for developers to read.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Casserole <hello@casserole.local>")
    MAIL_OUTBOX_DIR: str | None = os.environ.get("MAIL_OUTBOX_DIR") or None
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    # Deliver inside the request instead of on the background thread (tests use this).
    MAIL_SEND_SYNC = _bool("MAIL_SEND_SYNC", False)
    # GOV.UK Notify: with an API key, e-mail, texts and letters go through Notify (one
    # template per channel: see casserole/services/notify.py); the base URL is for tests.
    NOTIFY_API_KEY: str | None = os.environ.get("NOTIFY_API_KEY") or None
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", "")
    NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID", "")
    NOTIFY_LETTER_TEMPLATE_ID = os.environ.get("NOTIFY_LETTER_TEMPLATE_ID", "")
    NOTIFY_TIMEOUT = float(os.environ.get("NOTIFY_TIMEOUT", "10"))
    # Absolute links in e-mail (reset, invitations) always start with this, never with the
    # Host a request claims. Development follows the port `flask run` / `make run` serves on;
    # production has no default and refuses to start without it.
    PUBLIC_BASE_URL: str | None = os.environ.get("PUBLIC_BASE_URL") or _dev_base_url()
    # How many proxies in front of the app append X-Forwarded-For / X-Forwarded-Proto; 0
    # means none, so forwarded headers (which any client can send) are ignored.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "0")

    # Map tiles: empty means no tile server (points only, fully offline).
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
    MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

    # The council's cost of one delivered meal, used for "cost avoided" figures.
    MEAL_COST_PENCE = int(os.environ.get("MEAL_COST_PENCE", "490"))
    # A welfare check with no outcome recorded this long goes to every coordinator and admin.
    WELFARE_ESCALATION_HOURS = int(os.environ.get("WELFARE_ESCALATION_HOURS", "4"))
    # Ended pairings' notes and comments are cleared after this many days.
    RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", "730"))
    # Delivered e-mail keeps its body this long (for "I never got it" questions), then none.
    MAIL_RETENTION_DAYS = int(os.environ.get("MAIL_RETENTION_DAYS", "7"))

    # Redis, shared by every web process and host: rate limits (unless RATELIMIT_STORAGE_URI
    # says otherwise) and the job queue's broker (unless CELERY_BROKER_URL says otherwise).
    # /healthz checks every Redis configured. Empty: per-process limits, jobs in the request.
    REDIS_URL: str | None = os.environ.get("REDIS_URL") or None
    # memory:// counts per process; with several workers or hosts use Redis (REDIS_URL).
    RATELIMIT_STORAGE_URI = (
        os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"
    )
    # /metrics: with a token, only `Authorization: Bearer <token>`; production needs one.
    METRICS_TOKEN: str | None = os.environ.get("METRICS_TOKEN") or None
    # The Redis lists whose length /metrics reports (Celery's default queue is "celery").
    METRICS_QUEUES = os.environ.get("METRICS_QUEUES", "celery")
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down must not turn every login into a 500: count in this process meanwhile
    # (logged as a warning) and go back to Redis when it answers again.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)

    # Background jobs (casserole/jobs): with no broker they run in the request that starts
    # them (Celery's eager mode), so `make run` needs nothing else; give redis://host:6379/0
    # and run `celery -A casserole.jobs.worker worker` (and `beat`) for the real queue.
    # (Celery itself reads the same environment variable first, so they always agree.)
    CELERY_BROKER_URL: str | None = (
        os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or None
    )
    CELERY_QUEUE = os.environ.get("CELERY_QUEUE", "casserole")
    # A message a killed worker never acknowledged goes back on the queue after this long.
    CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
    # A job whose last progress is older than this is taken over by a redelivery.
    JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", "300"))
    # "Approve all" commits this many approvals (with their e-mail) per transaction.
    JOB_BATCH_SIZE = int(os.environ.get("JOB_BATCH_SIZE", "250"))
    # Tests only: a pause after each batch, so a test can kill a worker half-way.
    JOB_PAUSE_SECONDS = float(os.environ.get("JOB_PAUSE_SECONDS", "0"))
    # On a worker, a bulk job ("approve all") rests after each batch this many times as long
    # as the batch took (as PostgreSQL's autovacuum cost delay does), so people's pages and
    # their queries come first: 1 gives the job at most half of what it could take. 0: none.
    JOB_REST_RATIO = float(os.environ.get("JOB_REST_RATIO", "1"))
    # With a real worker, how long a request waits for the job it started (0: not at all;
    # the tests wait so that they can read the outcome straight after the request).
    JOB_WAIT_SECONDS = float(os.environ.get("JOB_WAIT_SECONDS", "0"))
    # Files made by or uploaded to jobs (CSV exports, imports) are deleted after this.
    JOB_FILE_HOURS = int(os.environ.get("JOB_FILE_HOURS", "24"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    # Flask-Login's default is a year; a shared family computer should forget sooner.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # a carer filling a long form must not lose it to a token timeout


class ProductionConfig(Config):
    """Production: SECRET_KEY and PUBLIC_BASE_URL must be given, cookies only over HTTPS."""

    ENV_NAME = "production"
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or None
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    """Tests: a database given by TEST_DATABASE_URL (else a temporary SQLite file), no CSRF."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or None
    WTF_CSRF_ENABLED = False
    CHECK_DATABASE_ON_START = False
    MAIL_SEND_SYNC = True
    NOTIFY_API_KEY = None  # tests switch Notify on against their local server
    # The limiter runs in tests, with limits the suite's hundreds of logins never reach;
    # the rate-limit tests set realistic ones.
    RATELIMIT_LOGIN_IP = RATELIMIT_LOGIN_ACCOUNT = "100000 per minute"
    # Never the shell's REDIS_URL: counts kept in a shared Redis would leak between tests.
    RATELIMIT_STORAGE_URI = os.environ.get("TEST_RATELIMIT_STORAGE_URI") or "memory://"
    # Nor as the broker: only an explicit CELERY_BROKER_URL (CI's worker pass) sends jobs out.
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or None
    RATELIMIT_RESET_IP = RATELIMIT_RESET_ACCOUNT = RATELIMIT_SIGNUP_IP = "100000 per minute"
    # The suite's jobs finish as fast as they can (the rest is tested on its own).
    JOB_REST_RATIO = float(os.environ.get("JOB_REST_RATIO", "0"))
    # With CELERY_BROKER_URL set (CI's PostgreSQL pass), a request waits for its job on the
    # worker, so a test reads the job's outcome right after the request as it does eagerly.
    JOB_WAIT_SECONDS = float(os.environ.get("JOB_WAIT_SECONDS", "120"))


CONFIGS: dict[str, type[Config]] = {
    "development": Config,
    "production": ProductionConfig,
    "testing": TestConfig,
}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by CASSEROLE_ENV (default: development)."""
    name = os.environ.get("CASSEROLE_ENV", "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        from casserole.errors import ConfigError

        raise ConfigError(
            f"CASSEROLE_ENV={name!r} is not one of {', '.join(sorted(CONFIGS))}"
        ) from None


PROJECT_ROOT = Path(__file__).resolve().parent
