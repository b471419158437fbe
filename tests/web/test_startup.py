"""Start-up in production: links, debug mode and gunicorn's handling of a bad configuration."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from casserole import create_app
from config import Config, ProductionConfig
from tests.support.app import OUR_ENV_VARS

ROOT = Path(__file__).resolve().parents[2]
PROD = {
    "CASSEROLE_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "PUBLIC_BASE_URL": "https://casserole.example.org",
}


def _env(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in OUR_ENV_VARS}
    env.update({"CASSEROLE_INSTANCE_PATH": str(tmp_path), **extra})
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_links_never_come_from_the_request_host(client, database):
    from sqlalchemy import select

    from casserole.links import public_url
    from casserole.models import OutboundEmail, Role
    from tests.support import factories as f

    f.user(Role.CARER, email="ruth@example.org")
    client.post("/auth/reset", data={"email": "ruth@example.org"}, headers={"Host": "evil.example"})
    [row] = database.session.scalars(select(OutboundEmail)).all()
    base = client.application.config["PUBLIC_BASE_URL"]
    assert "evil.example" not in row.text_body
    assert f"{base}/auth/reset/" in row.text_body
    assert public_url("auth.login") == f"{base}/auth/login"


def test_an_empty_public_base_url_in_development_uses_the_local_server(tmp_path, monkeypatch):
    monkeypatch.setenv("CASSEROLE_INSTANCE_PATH", str(tmp_path))
    cfg = type(
        "Dev",
        (Config,),
        {"PUBLIC_BASE_URL": "", "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k"},
    )
    from casserole.links import public_url

    app = create_app(cfg)
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert public_url("auth.login") == "http://127.0.0.1:5000/auth/login"


def test_development_links_follow_the_configured_port(tmp_path):
    code = (
        "from casserole import create_app\n"
        "from casserole.links import public_url\n"
        "app = create_app()\n"
        "with app.app_context(): print(public_url('auth.login'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(tmp_path, FLASK_RUN_PORT="5101", DATABASE_URL="sqlite://"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "http://127.0.0.1:5101/auth/login", result.stderr
    # `PORT=5101 make run` hands the port to the server and the links alike.
    make = subprocess.run(
        ["make", "-n", "run", "PORT=5101"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert "FLASK_RUN_PORT=5101" in make.stdout


def test_production_forces_debug_off(tmp_path, monkeypatch):
    monkeypatch.setenv("CASSEROLE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FLASK_DEBUG", "1")
    cfg = type(
        "Prod",
        (ProductionConfig,),
        {
            **{k: v for k, v in PROD.items() if k != "CASSEROLE_ENV"},
            "DEBUG": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "CHECK_DATABASE_ON_START": False,
        },
    )
    app = create_app(cfg)
    assert app.debug is False
    assert os.environ["FLASK_DEBUG"] == "0"


def test_flask_run_debug_in_production_serves_without_the_debugger(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "casserole",
            "--debug",
            "run",
            "--port",
            str(port),
            "--no-reload",
        ],
        env=_env(tmp_path, DATABASE_URL="sqlite://", **PROD),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        for line in server.stdout:  # type: ignore[union-attr]
            output.append(line)
            if "Running on" in line or len(output) > 40:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()  # type: ignore[union-attr]
    text = "".join(output)
    assert "Debug mode: off" in text, text
    assert "Debugger is active" not in text


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nowhere"},
            "cannot connect to DATABASE_URL",
        ),
        ({"DATABASE_URL": "sqlite://", "SECRET_KEY": ""}, "SECRET_KEY is not set"),
    ],
)
def test_gunicorn_stops_on_a_configuration_error(tmp_path, env, message):
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert gunicorn, "gunicorn (the prod extra) is needed: pip install -e '.[prod]'"
    server = subprocess.Popen(
        [
            gunicorn,
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{_free_port()}",
            "casserole:create_app()",
        ],
        env=_env(tmp_path, **{**PROD, **env}),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    try:
        _, stderr = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        _, stderr = server.communicate()
        pytest.fail(f"gunicorn kept restarting workers for 30 s:\n{stderr[-2000:]}")
    assert time.monotonic() - started < 30
    assert server.returncode == 3, stderr
    ours = [line for line in stderr.splitlines() if "configuration error" in line]
    assert ours and all(re.fullmatch(r"casserole: configuration error: .+", o) for o in ours)
    assert message in ours[0]
    assert "Traceback" not in stderr
