"""Start-up configuration: wrong settings end in one clear line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from casserole import create_app
from casserole.errors import ConfigError
from config import Config, ProductionConfig, TestConfig
from tests.support.app import OUR_ENV_VARS


def _flask(args: list[str], env: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in OUR_ENV_VARS}
    full.update({"CASSEROLE_INSTANCE_PATH": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casserole", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "not a url"}, "is not a database URL"),
        (
            {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nowhere"},
            "cannot connect to DATABASE_URL",
        ),
        ({"DATABASE_URL": "mysql://root@127.0.0.1/x"}, "Casserole runs on sqlite or postgresql"),
        ({"CASSEROLE_ENV": "production", "DATABASE_URL": "sqlite://"}, "SECRET_KEY is not set"),
        (
            {"CASSEROLE_ENV": "production", "DATABASE_URL": "sqlite://", "SECRET_KEY": "x" * 40},
            "PUBLIC_BASE_URL is not set",
        ),
        ({"DATABASE_URL": "sqlite://", "PUBLIC_BASE_URL": "casserole.org"}, "is not a web address"),
        ({"DATABASE_URL": "sqlite://", "TRUSTED_PROXIES": "-1"}, "TRUSTED_PROXIES='-1'"),
        ({"CASSEROLE_ENV": "staging"}, "CASSEROLE_ENV='staging' is not one of"),
    ],
)
def test_bad_settings_end_with_one_line(env, expected, tmp_path):
    result = _flask(["routes"], env, tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert lines[0].startswith("casserole: configuration error:")
    assert "Traceback" not in result.stderr


def test_password_in_url_is_not_printed(tmp_path):
    result = _flask(["routes"], {"DATABASE_URL": "postgresql://u:s3cret@127.0.0.1:1/x"}, tmp_path)
    assert result.returncode == 1
    assert "s3cret" not in result.stderr


def test_production_starts_with_a_secret_key(tmp_path):
    result = _flask(
        ["routes"],
        {
            "CASSEROLE_ENV": "production",
            "SECRET_KEY": "x" * 40,
            "DATABASE_URL": "sqlite://",
            "PUBLIC_BASE_URL": "https://casserole.example.org",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "auth.login" in result.stdout


def test_development_generates_and_keeps_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("CASSEROLE_INSTANCE_PATH", str(tmp_path))
    overrides = {
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "CHECK_DATABASE_ON_START": False,
    }
    first = create_app(type("Dev", (Config,), overrides))
    second = create_app(type("Dev", (Config,), overrides))
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_config_refuses_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("CASSEROLE_INSTANCE_PATH", str(tmp_path))
    cfg = type(
        "Prod", (ProductionConfig,), {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(cfg)


def test_postgres_urls_use_psycopg(tmp_path, monkeypatch):
    monkeypatch.setenv("CASSEROLE_INSTANCE_PATH", str(tmp_path))
    app = create_app(type("T", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": "postgres://u@h/db"}))
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
