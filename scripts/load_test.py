"""Load test: gunicorn (4 workers) on PostgreSQL with the city-scale demo, 200 simulated users.

Usage:  .venv/bin/python scripts/load_test.py [--users 200] [--seconds 60]
Needs:  PostgreSQL reachable at --admin-url (it creates and drops --database), and the
        `load` extra (`pip install -e '.[load]'`: locust). Loopback only; bounded in users
        and time. Prints requests per second, p50/p95/p99 latency, 5xx count and whether
        every meal the simulated cooks were told was logged is in the database.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(args: list[str], env: dict[str, str], check: bool = True) -> None:
    print("$", " ".join(args), flush=True)
    subprocess.run(args, env=env, cwd=ROOT, check=check)


def _recreate(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _plan(url: str, cooks: int, proposals: int) -> dict[str, object]:
    """Pick cooks with an active pairing, and create approved proposals for others to accept."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            """SELECT DISTINCT ON (c.id) u.email, p.id FROM pairings p
               JOIN cook_profiles c ON c.id = p.cook_id JOIN users u ON u.id = c.user_id
               WHERE p.status = 'active' ORDER BY c.id, p.id LIMIT %s""",
            (cooks,),
        ).fetchall()
        busy = {email for email, _ in rows}
        free_cooks = conn.execute(
            """SELECT c.id, u.email, c.area_id FROM cook_profiles c JOIN users u ON u.id = c.user_id
               WHERE c.id IN (SELECT cook_id FROM vetting_checks GROUP BY cook_id
                              HAVING count(DISTINCT kind) = 3)
                 AND c.capacity > (SELECT count(*) FROM pairings p WHERE p.cook_id = c.id
                                   AND p.status IN ('active','paused','proposed','approved',
                                                    'cook_accepted','diner_accepted'))
               ORDER BY c.id"""
        ).fetchall()
        free_cooks = [row for row in free_cooks if row[1] not in busy][:proposals]
        diners = conn.execute(
            """SELECT d.id FROM diner_profiles d WHERE NOT EXISTS
               (SELECT 1 FROM pairings p WHERE p.diner_id = d.id) ORDER BY d.id LIMIT %s""",
            (len(free_cooks),),
        ).fetchall()
        made = []
        for (cook_id, email, area_id), (diner_id,) in zip(free_cooks, diners, strict=False):
            pid = conn.execute(
                """INSERT INTO pairings (cook_id, diner_id, area_id, status, source, distance_km,
                   override_reason, proposed_at, approved_at, end_note, decline_reason)
                   VALUES (%s, %s, %s, 'approved', 'matcher', 1.0, '', now(), now(), '', '')
                   RETURNING id""",
                (cook_id, diner_id, area_id),
            ).fetchone()[0]
            made.append({"email": email, "pairing_id": pid})
        conn.commit()
    return {"cooks": [{"email": e, "pairing_id": p} for e, p in rows], "proposals": made}


def main() -> int:
    """Seed, serve, load, verify, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="casserole_load")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--reuse", action="store_true", help="Keep an already seeded database.")
    args = parser.parse_args()
    url = args.admin_url.rsplit("/", 1)[0] + f"/{args.database}"
    work = Path(tempfile.mkdtemp(prefix="casserole-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "load-test-" + "x" * 32,
        "CASSEROLE_INSTANCE_PATH": str(work),
        "MAIL_OUTBOX_DIR": str(work / "outbox"),
        # Every simulated user comes from 127.0.0.1: a per-IP login limit would only
        # measure the limiter. Real traffic has one address per person.
        "RATELIMIT_ENABLED": "false",
    }
    if not args.reuse:
        _recreate(args.admin_url, args.database)
        _run([str(BIN / "flask"), "--app", "casserole", "db", "upgrade"], env)
        _run([str(BIN / "flask"), "--app", "casserole", "seed-demo", "--scale", "city"], env)
    plan = _plan(url, cooks=args.users * 2, proposals=args.users)
    plan.update(
        {
            "password": "casserole-demo",
            "coordinator": "coordinator.demo-city@casserole.example",
            "coordinator_pages": [],
        }
    )
    (work / "plan.json").write_text(json.dumps(plan))
    host = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "casserole:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(host + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        load_env = {
            **env,
            "CASSEROLE_LOAD_PLAN": str(work / "plan.json"),
            "CASSEROLE_LOAD_RESULTS": str(work / "results.json"),
        }
        _run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "scripts" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{args.seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                host,
                "--csv",
                str(work / "load"),
                "--only-summary",
            ],
            load_env,
            # locust exits 1 when any request failed; the figures below say which.
            check=False,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    with (work / "load_stats.csv").open() as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    results = json.loads((work / "results.json").read_text())
    five_xx = sum(n for code, n in results["statuses"].items() if int(code) >= 500)
    meals = results["meals"]
    with psycopg.connect(url) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM meal_shares WHERE dish = ANY(%s)", (meals,)
        ).fetchone()[0]
    p95 = float(total["95%"])
    print(
        f"\nload: {args.users} users, {args.seconds} s, gunicorn {args.workers} workers, "
        f"PostgreSQL, city-scale demo"
    )
    print(
        f"  requests        {int(total['Request Count']):,} "
        f"({float(total['Requests/s']):.1f} per second)"
    )
    print(f"  latency ms      p50 {total['50%']}  p95 {total['95%']}  p99 {total['99%']}")
    print(f"  5xx responses   {five_xx}   failures (any) {total['Failure Count']}")
    print(
        f"  meals logged    {len(meals):,} acknowledged, {stored:,} in the database "
        f"({'none lost' if stored == len(meals) else f'{len(meals) - stored} LOST'})"
    )
    ok = five_xx == 0 and stored == len(meals) and p95 < 500
    print(f"  targets         {'met' if ok else 'NOT met'} (0 5xx, 0 lost writes, p95 < 500 ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
