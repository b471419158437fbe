"""Migrations build the schema from empty and match the models exactly."""

from __future__ import annotations

import os
import subprocess
import sys

from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import Column, Integer, Table, inspect, text

from casserole.extensions import db
from tests.support import factories as f
from tests.support.app import reset_schema


def _check(app) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["db", "check"])
    return result.exit_code, result.output + str(result.exception or "")


def test_upgrade_from_empty_then_db_check_finds_no_drift(app, database):
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables
    code, output = _check(app)
    assert code == 0, output


def test_flask_db_check_command_passes(app, database, database_url, tmp_path):
    """The real `flask db check` command, as an operator runs it, against the test database."""
    env = {**os.environ, "DATABASE_URL": database_url, "CASSEROLE_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casserole", "db", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "No new upgrade operations detected" in result.stdout


def test_db_check_fails_when_the_models_drift(app, database):
    """Proof the check can fail: a table the migrations do not know about is reported."""
    drift = Table("drift_probe", db.metadata, Column("id", Integer, primary_key=True))
    try:
        code, output = _check(app)
    finally:
        db.metadata.remove(drift)
    assert code != 0
    assert "drift_probe" in output


def test_schema_reset_is_repeatable_and_leaves_empty_tables_at_head(app, database):
    f.area("Barnet")
    database.session.commit()
    reset_schema(app)
    reset_schema(app)
    with app.app_context():
        names = set(inspect(db.engine).get_table_names())
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        areas = db.session.execute(text("SELECT count(*) FROM areas")).scalar_one()
        config = app.extensions["migrate"].migrate.get_config()
        head = ScriptDirectory.from_config(config).get_current_head()
        db.session.remove()
    assert names == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}
    assert version == head
    assert areas == 0
