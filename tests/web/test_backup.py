"""A backup restores to exactly the records that were backed up, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

from sqlalchemy import select, text

from casserole import demo as seed
from casserole.extensions import db


def _fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row, per table, in primary-key order."""
    result = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
        result[table.name] = (len(rows), digest)
    return result


def test_backup_then_restore_finds_every_record(app, database, tmp_path):
    seed.seed_boroughs()
    database.session.commit()
    before = _fingerprint()
    assert before["meal_shares"][0] > 1000
    archive = tmp_path / "casserole.backup"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Backed up to" in result.output

    # Lose data after the backup: a deleted pairing history and a new stray row.
    database.session.execute(text("DELETE FROM meal_shares"))
    database.session.execute(text("DELETE FROM feedback"))
    database.session.commit()
    assert _fingerprint() != before

    result = runner.invoke(args=["restore", "--yes", str(archive)])
    assert result.exit_code == 0, result.output
    database.session.remove()
    assert _fingerprint() == before


def test_restore_of_a_missing_file_is_refused_clearly(app, database, tmp_path):
    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "does not exist" in result.output
