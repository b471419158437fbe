"""Backup and restore of the whole database: SQLite's online backup API, or pg_dump/pg_restore."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from casserole.extensions import db


class BackupError(RuntimeError):
    """A backup or restore that could not be completed, with the reason."""


def _libpq_url() -> str:
    url = make_url(str(db.engine.url.render_as_string(hide_password=False)))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return tool


def backup(path: Path) -> None:
    """Write a consistent copy of the database to `path` while the app keeps running."""
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        raw = db.engine.raw_connection()
        try:
            target = sqlite3.connect(path)
            with target:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            target.close()
        finally:
            raw.close()
        return
    result = subprocess.run(
        [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={path}", _libpq_url()],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            result.stderr.strip().splitlines()[-1] if result.stderr else "pg_dump failed"
        )


def restore(path: Path) -> None:
    """Replace the database's contents with the backup at `path`."""
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    db.session.remove()
    if db.engine.dialect.name == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        raw = db.engine.raw_connection()
        try:
            source.backup(raw.driver_connection)  # type: ignore[arg-type]
        finally:
            source.close()
            raw.close()
        db.engine.dispose()
        return
    db.engine.dispose()
    result = subprocess.run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq_url()}",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            result.stderr.strip().splitlines()[-1] if result.stderr else "pg_restore failed"
        )
