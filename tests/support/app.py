"""Building the application and its schema for tests (shared by the fixtures and the migration tests)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from config import TestConfig


def make_test_app(url: str, **overrides: object) -> Flask:
    """An app on `url` with the test configuration and `overrides`."""
    from casserole import create_app

    attrs = {"SQLALCHEMY_DATABASE_URI": url, **overrides}
    return create_app(type("SessionTestConfig", (TestConfig,), attrs))


def reset_schema(app: Flask) -> None:
    """Drop everything in the test database, then build the schema by running the migrations."""
    from flask_migrate import upgrade

    from casserole.extensions import db

    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


def empty_tables(app: Flask) -> None:
    """Delete every row of every table (TRUNCATE on PostgreSQL), keeping the schema."""
    from casserole.extensions import db

    with app.app_context():
        db.session.remove()
        tables = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for name in reversed(tables):
                    conn.execute(text(f"DELETE FROM {name}"))


class IsolatedClient(FlaskClient):
    """A client whose every request runs in its own app context, as in production.

    The test's own session is committed first (so the request sees the test's records) and
    expired afterwards (so the test then reads what the request wrote); each request gets a
    fresh `g` and database session instead of sharing the test's.
    """

    def open(self, *args: object, **kwargs: object):  # type: ignore[override]
        """Run one request in a fresh app context."""
        from casserole.extensions import db

        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


# Settings the tests choose themselves, never inherited from the shell running them.
OUR_ENV_VARS = frozenset(
    {
        "DATABASE_URL",
        "SECRET_KEY",
        "PUBLIC_BASE_URL",
        "TRUSTED_PROXIES",
        "FLASK_DEBUG",
        "FLASK_RUN_PORT",
        "FLASK_RUN_HOST",
        "PORT",
        "CASSEROLE_ENV",
    }
)
