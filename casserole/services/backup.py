"""Backup and restore of the whole database: SQLite's online backup API, or pg_dump/pg_restore.

A backup holds everyone's personal data: the file is created readable by its owner only
(0600), and the database password reaches pg_dump and pg_restore through their environment
(PGPASSWORD), never their command line, which any user on the machine can read in `ps`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from casserole.extensions import db


class BackupError(RuntimeError):
    """A backup or restore that could not be completed, with the reason."""


SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


def run_pg_tool(name: str, args: list[str], url: URL) -> None:
    """Run pg_dump or pg_restore against `url`; its password goes in the environment only.

    `args` may contain "{url}", replaced by the libpq URL without its password.
    """
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    bare = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    ).render_as_string(hide_password=False)
    result = subprocess.run(
        [_pg_tool(name), *(a.replace("{url}", bare) for a in args)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if result.returncode != 0:
        stderr = result.stderr.strip()
        raise BackupError(stderr.splitlines()[-1] if stderr else f"{name} failed")


def _url() -> URL:
    return make_url(db.engine.url.render_as_string(hide_password=False))


def _private_file(path: Path) -> None:
    """Create `path` (or narrow an existing file) so only its owner can read or write it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _kind_of(path: Path) -> str:
    """ "sqlite" or "pg_dump" from the file's first bytes; BackupError for anything else."""
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "pg_dump"
    raise BackupError(
        f"{path} is not a Casserole backup (neither a SQLite database nor a pg_dump archive)"
    )


def _check_sqlite_backup(source: sqlite3.Connection, path: Path) -> None:
    """Refuse a damaged file, or a SQLite file that is not Casserole's, before touching data."""
    try:
        ok = source.execute("PRAGMA quick_check").fetchone()
        tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as err:
        raise BackupError(f"{path} could not be read as a backup: {err}") from None
    if not ok or ok[0] != "ok":
        raise BackupError(f"{path} is damaged: {ok[0] if ok else 'no answer'}")
    if "alembic_version" not in tables or "users" not in tables:
        raise BackupError(f"{path} is a SQLite database, but not a Casserole backup")


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return tool


def backup(path: Path) -> None:
    """Write a consistent copy of the database to `path` while the app keeps running."""
    db.session.commit()
    _private_file(path)
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
    try:
        run_pg_tool("pg_dump", ["--format=custom", "--no-owner", f"--file={path}", "{url}"], _url())
    finally:
        os.chmod(path, 0o600)


def restore(path: Path) -> None:
    """Replace the database's contents with the backup at `path`."""
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    kind = _kind_of(path)
    engine = db.engine.dialect.name
    if (kind == "sqlite") != (engine == "sqlite"):
        raise BackupError(f"{path} is a {kind} backup, but this database is {engine}")
    db.session.remove()
    if engine == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            _check_sqlite_backup(source, path)
            raw = db.engine.raw_connection()
            try:
                source.backup(raw.driver_connection)  # type: ignore[arg-type]
            finally:
                raw.close()
        finally:
            source.close()
        db.engine.dispose()
        return
    db.engine.dispose()
    run_pg_tool(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname={url}",
            str(path),
        ],
        _url(),
    )
