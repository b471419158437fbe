"""A backup restores to exactly the records that were backed up, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from casserole import demo as seed
from casserole.extensions import db
from casserole.models import User
from casserole.services import backup as backup_service
from tests.support import factories as f


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


def test_a_backup_file_is_readable_by_its_owner_only(app, database, tmp_path):
    old_umask = os.umask(0o022)
    try:
        fresh, existing = tmp_path / "fresh.backup", tmp_path / "existing.backup"
        existing.write_bytes(b"an older backup")
        existing.chmod(0o644)
        runner = app.test_cli_runner()
        for archive in (fresh, existing):
            result = runner.invoke(args=["backup", str(archive)])
            assert result.exit_code == 0, result.output
            assert stat.S_IMODE(archive.stat().st_mode) == 0o600, archive.name
    finally:
        os.umask(old_umask)


def test_the_database_password_goes_through_the_environment_not_the_command_line(
    monkeypatch, tmp_path
):
    seen = {}

    def fake_run(args, **kwargs):
        seen["args"], seen["env"] = args, kwargs["env"]
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(backup_service.subprocess, "run", fake_run)
    monkeypatch.setattr(backup_service.shutil, "which", lambda name: f"/usr/bin/{name}")
    url = make_url("postgresql+psycopg://casserole:s3cr%40t@db.internal:5432/casserole")
    backup_service.run_pg_tool("pg_dump", ["--format=custom", "{url}"], url)
    assert not any("s3cr" in arg for arg in seen["args"]), seen["args"]
    assert seen["args"][-1] == "postgresql://casserole@db.internal:5432/casserole"
    assert seen["env"]["PGPASSWORD"] == "s3cr@t"


def test_restoring_a_file_that_is_not_a_backup_says_so_in_one_line(app, database, tmp_path):
    f.user()
    database.session.commit()
    runner = app.test_cli_runner()
    for content in (
        b"",
        b"name,email\nEdna,edna@example.org\n",
        b"SQLite format 3\x00" + b"x" * 200,
    ):
        junk = tmp_path / "notes.csv"
        junk.write_bytes(content)
        result = runner.invoke(args=["restore", "--yes", str(junk)])
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit), result.exception
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: Restore failed: "), lines
        assert "Traceback" not in result.output
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    result = runner.invoke(args=["restore", "--yes", str(other)])
    assert result.exit_code == 1 and result.output.startswith("Error: Restore failed: ")
    assert len(result.output.strip().splitlines()) == 1
    # Nothing was touched: the database still has its tables and rows.
    database.session.remove()
    assert database.session.scalar(select(func.count()).select_from(User)) == 1
