"""Load test: two gunicorn "hosts" (+ a queue worker) on PostgreSQL and Redis, city-scale demo.

Usage:  .venv/bin/python scripts/load_test.py [--users 200] [--seconds 60]
Needs:  PostgreSQL reachable at --admin-url (it creates and drops --database), Redis at
        --redis (its database is emptied: give one of your own), and the `load` extra
        (`pip install -e '.[load]'`: locust, redis). Loopback only; bounded in users and time.

Two gunicorn instances on two ports stand for two web hosts behind a proxy; each simulated
user keeps to one of them and sends its own X-Forwarded-For address (TRUSTED_PROXIES=1), so
the rate limits stay ON, counted in Redis per person as in production. A Celery worker runs
the jobs when the queue (casserole.jobs) is installed; without it jobs run in the request.
During the run a coordinator starts a matching run for the city and then approves all its
proposals (thousands). Prints requests per second, p50/p95/p99, 5xx, failures, lost writes
(meals acknowledged but missing; approvals acknowledged but not stored), duplicate
proposals and messages, and each job's latency (from the click until its effect is stored).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import psutil
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


CITY = "demo-city"
COORDINATOR = "coordinator.demo-city@casserole.example"
PASSWORD = "casserole-demo"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class _Browser:
    """A coordinator's browser from its own address (X-Forwarded-For), with cookies."""

    def __init__(self, host: str, address: str):
        self.host = host
        self.address = address
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        request = urllib.request.Request(
            self.host + path, headers={"X-Forwarded-For": self.address}
        )
        with self.opener.open(request, timeout=600) as response:
            return response.status, response.read().decode()

    def post(self, path: str, form_path: str, data: dict[str, str]) -> tuple[int, float]:
        token = CSRF.search(self.get(form_path)[1])
        body = urllib.parse.urlencode({**data, "csrf_token": token.group(1) if token else ""})
        request = urllib.request.Request(
            self.host + path, data=body.encode(), headers={"X-Forwarded-For": self.address}
        )
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=600) as response:
                status = response.status
        except urllib.error.HTTPError as err:
            status = err.code
        return status, time.perf_counter() - started


def _jobs(browser: _Browser, url: str, delay: float, out: dict[str, object]) -> None:
    """Matching for the city, then "approve all", while the simulated users are busy."""
    time.sleep(delay)
    with psycopg.connect(url, autocommit=True) as conn:
        area_id = conn.execute("SELECT id FROM areas WHERE slug = %s", (CITY,)).fetchone()[0]
        clicked = time.time()
        status, seconds = browser.post(
            f"/coordinator/{CITY}/matching", f"/coordinator/{CITY}/proposals", {}
        )
        out["matching_status"], out["matching_request_s"] = status, round(seconds, 2)
        # The job's latency: from the click until its run is stored as done.
        run = None
        while run is None and time.time() - clicked < 600:
            run = conn.execute(
                """SELECT extract(epoch FROM finished_at) - %s, proposals FROM matching_runs
                   WHERE area_id = %s AND kind = 'propose' AND status = 'done'
                     AND extract(epoch FROM finished_at) >= %s
                   ORDER BY id DESC LIMIT 1""",
                (clicked, area_id, clicked),
            ).fetchone()
            if run is None:
                time.sleep(0.5)
        out["matching_latency_s"] = round(float(run[0]), 2) if run else None
        out["proposals_made"] = run[1] if run else 0
        waiting = conn.execute(
            "SELECT count(*) FROM pairings WHERE area_id = %s AND status = 'proposed'", (area_id,)
        ).fetchone()[0]
        out["proposals_to_approve"] = waiting
        clicked = time.time()
        status, seconds = browser.post(
            f"/coordinator/{CITY}/proposals/approve",
            f"/coordinator/{CITY}/proposals",
            {"approve_all": "Approve all proposals"},
        )
        out["approve_status"], out["approve_request_s"] = status, round(seconds, 2)
        left = waiting
        while left and time.time() - clicked < 600:
            left = conn.execute(
                "SELECT count(*) FROM pairings WHERE area_id = %s AND status = 'proposed'",
                (area_id,),
            ).fetchone()[0]
            if left:
                time.sleep(0.5)
        out["approve_latency_s"] = round(time.time() - clicked, 2)
        out["proposals_left"] = left


class _CpuMeter:
    """CPU seconds each part of the test used while it ran: the measured cause of latency.

    Counts the web hosts, the worker and the load generator as process trees, PostgreSQL
    by its server processes (backends that ended during the run are counted through the
    postmaster's reaped children), and everything else on the machine as the rest.
    """

    def __init__(self) -> None:
        self.groups: dict[str, list[psutil.Process]] = {}
        self.start: dict[int, float] = {}
        self.machine_start = self._machine()
        self.began = time.monotonic()

    @staticmethod
    def _machine() -> float:
        times = psutil.cpu_times()
        return times.user + times.nice + times.system + times.irq + times.softirq

    @staticmethod
    def _cpu(process: psutil.Process, reaped: bool = False) -> float:
        try:
            t = process.cpu_times()
        except psutil.Error:
            return 0.0
        return t.user + t.system + ((t.children_user + t.children_system) if reaped else 0.0)

    def watch(self, name: str, pid: int) -> None:
        """Count `pid` and its descendants (now and at the end) under `name`."""
        root = psutil.Process(pid)
        self.groups.setdefault(name, []).append(root)

    def _members(self, name: str) -> list[psutil.Process]:
        members: dict[int, psutil.Process] = {}
        if name == "PostgreSQL":
            for process in psutil.process_iter(["name"]):
                if process.info["name"] in ("postgres", "postmaster"):
                    members[process.pid] = process
            return list(members.values())
        for root in self.groups.get(name, []):
            try:
                members[root.pid] = root
                for child in root.children(recursive=True):
                    members[child.pid] = child
            except psutil.Error:
                continue
        return list(members.values())

    def mark(self) -> None:
        """Read every process's CPU time now: the start of the measured window."""
        self.machine_start = self._machine()
        self.began = time.monotonic()
        for name in [*self.groups, "PostgreSQL"]:
            for process in self._members(name):
                self.start[process.pid] = self._cpu(process, reaped=self._is_postmaster(process))

    @staticmethod
    def _is_postmaster(process: psutil.Process) -> bool:
        try:
            return process.info.get("name") in ("postgres", "postmaster") and (
                process.parent() is None or process.parent().name() not in ("postgres",)
            )
        except (psutil.Error, AttributeError):
            return False

    def report(self) -> tuple[float, dict[str, float]]:
        """Wall seconds of the window and CPU seconds per part (and 'rest of the machine')."""
        used: dict[str, float] = {}
        for name in [*self.groups, "PostgreSQL"]:
            total = 0.0
            for process in self._members(name):
                reaped = name == "PostgreSQL" and self._is_postmaster(process)
                total += self._cpu(process, reaped) - self.start.get(process.pid, 0.0)
            used[name] = max(total, 0.0)
        machine = self._machine() - self.machine_start
        used["rest of the machine"] = max(machine - sum(used.values()), 0.0)
        return time.monotonic() - self.began, used


def _lower_priority(nice: int, idle: bool) -> None:
    """In the worker's process before it starts: its CPU priority below the web's."""
    if idle:
        # As `chrt --idle 0`: the worker runs only on CPU time nothing else wants.
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    else:
        os.nice(nice)


def _handler_times(work: Path) -> dict[str, list[float]]:
    """Milliseconds inside the app per page view, from both hosts' JSON request logs.

    Beside the generator's figures (which include the wait for a free gunicorn worker and
    the network), these say how long the app itself took.
    """
    times: dict[str, list[float]] = {}
    for log in sorted(work.glob("host*.log")):
        for line in log.read_text().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("method") == "GET" and "ms" in entry:
                times.setdefault(entry["route"], []).append(float(entry["ms"]))
    return times


def _queue_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("casserole.jobs") is not None


def _locust(args: list[str], env: dict[str, str], nice: int) -> float:
    """Run the load generator to its end; the CPU seconds it used (it is a child we reap).

    The generator stands for 200 people's browsers on their own machines: at a higher CPU
    priority than the hosts (negative `nice`, as root), the time it waits for this shared
    machine's CPU is not counted as the app's latency.
    """
    print("$", " ".join(args), flush=True)
    process = subprocess.Popen(args, env=env, cwd=ROOT, preexec_fn=lambda: os.nice(nice))
    # wait4 hands back the child's own resource use; locust's exit status (1 when any
    # request failed) is not checked: the figures below say which.
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    """Seed, serve on two "hosts", load, run the jobs, verify, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="casserole_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--workers", type=int, default=4, help="gunicorn workers per host (the Procfile's 4)"
    )
    parser.add_argument("--port", type=int, default=8077, help="first host; the second is +1")
    parser.add_argument("--jobs-after", type=float, default=5.0, help="seconds into the run")
    parser.add_argument(
        "--no-jobs", action="store_true", help="Page views only: a baseline without the jobs."
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep an already seeded database (its proposals are used up: use with --no-jobs).",
    )
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=10,
        help="CPU niceness of the worker (as the Procfile runs it); 0 to run it level with web",
    )
    parser.add_argument(
        "--worker-idle",
        action="store_true",
        help="Run the worker under SCHED_IDLE (as `chrt --idle 0`) instead of at a nice level",
    )
    parser.add_argument(
        "--generator-nice",
        type=int,
        default=-10,
        help="CPU niceness of the load generator (negative needs root; 0 when not root)",
    )
    args = parser.parse_args()
    url = args.admin_url.rsplit("/", 1)[0] + f"/{args.database}"
    work = Path(tempfile.mkdtemp(prefix="casserole-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "load-test-" + "x" * 32,
        "CASSEROLE_INSTANCE_PATH": str(work),
        "MAIL_OUTBOX_DIR": str(work / "outbox"),
        # Rate limits ON, in Redis, shared by both hosts; every simulated person sends its
        # own address through the one proxy the app trusts.
        "RATELIMIT_ENABLED": "true",
        "REDIS_URL": args.redis,
        "TRUSTED_PROXIES": "1",
    }
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    if not args.reuse:
        _recreate(args.admin_url, args.database)
        _run([str(BIN / "flask"), "--app", "casserole", "db", "upgrade"], env)
        _run([str(BIN / "flask"), "--app", "casserole", "seed-demo", "--scale", "city"], env)
    plan = _plan(url, cooks=args.users * 2, proposals=args.users)
    hosts = [f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port + 1}"]
    plan.update(
        {"password": PASSWORD, "coordinator": COORDINATOR, "coordinator_pages": [], "hosts": hosts}
    )
    (work / "plan.json").write_text(json.dumps(plan))
    with psycopg.connect(url) as conn:
        mail_before = conn.execute("SELECT coalesce(max(id), 0) FROM outbound_emails").fetchone()[0]
    servers = [
        subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(args.workers),
                "--bind",
                host.removeprefix("http://"),
                # Long enough for the jobs when they run in the request (no queue yet).
                "--timeout",
                "600",
                "--log-level",
                "warning",
                "casserole:create_app()",
            ],
            env={**env, "CASSEROLE_HOST_NAME": f"host{n + 1}"},
            cwd=ROOT,
            stderr=(work / f"host{n + 1}.log").open("w"),
        )
        for n, host in enumerate(hosts)
    ]
    if _queue_installed():
        servers.append(
            subprocess.Popen(
                [
                    str(BIN / "celery"),
                    "-A",
                    "casserole.jobs.worker",
                    "worker",
                    "--loglevel=WARNING",
                ],
                env=env,
                cwd=ROOT,
                stderr=(work / "worker.log").open("w"),
                # Background work yields the CPU to page views when they share a machine.
                preexec_fn=lambda: _lower_priority(args.worker_nice, args.worker_idle),
            )
        )
    jobs: dict[str, object] = {}
    meter = _CpuMeter()
    for n, server in enumerate(servers):
        meter.watch("web hosts" if n < len(hosts) else "worker", server.pid)
    try:
        for host in hosts:
            for _ in range(120):
                try:
                    urllib.request.urlopen(host + "/healthz", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
        load_env = {
            **env,
            "CASSEROLE_LOAD_PLAN": str(work / "plan.json"),
            "CASSEROLE_LOAD_RESULTS": str(work / "results.json"),
        }
        # The coordinator logs in before the crowd arrives, so the jobs start on time.
        coordinator = _Browser(hosts[1], "10.250.0.1")
        coordinator.post("/auth/login", "/auth/login", {"email": COORDINATOR, "password": PASSWORD})
        runner = threading.Thread(target=_jobs, args=(coordinator, url, args.jobs_after, jobs))
        if not args.no_jobs:
            runner.start()
        meter.mark()
        generator_cpu = _locust(
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
                hosts[0],
                "--csv",
                str(work / "load"),
                "--only-summary",
            ],
            load_env,
            args.generator_nice if os.geteuid() == 0 else max(args.generator_nice, 0),
        )
        window, cpu = meter.report()
        cpu["load generator"] = generator_cpu
        cpu["rest of the machine"] = max(cpu["rest of the machine"] - generator_cpu, 0.0)
        if runner.is_alive():
            runner.join(timeout=900)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=60)
    with (work / "load_stats.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    pages = [r for r in rows if r["Type"] == "GET" and r["Name"] != "Aggregated"]
    results = json.loads((work / "results.json").read_text())
    five_xx = sum(n for code, n in results["statuses"].items() if int(code) >= 500)
    meals = results["meals"]
    accepted = results.get("accepted", [])
    with psycopg.connect(url) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM meal_shares WHERE dish = ANY(%s)", (meals,)
        ).fetchone()[0]
        accepted_stored = conn.execute(
            "SELECT count(*) FROM pairings WHERE id = ANY(%s) AND status <> 'approved'",
            (accepted,),
        ).fetchone()[0]
        duplicate_proposals = conn.execute(
            """SELECT count(*) FROM (SELECT diner_id FROM pairings
               WHERE status IN ('proposed', 'approved', 'cook_accepted', 'active', 'paused')
               GROUP BY diner_id HAVING count(*) > 1) d"""
        ).fetchone()[0]
        duplicate_mail = conn.execute(
            """SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM outbound_emails
               WHERE id > %s AND pairing_id IS NOT NULL
               GROUP BY kind, pairing_id, to_address) m""",
            (mail_before,),
        ).fetchone()[0]
        mail_new = conn.execute(
            "SELECT count(*) FROM outbound_emails WHERE id > %s", (mail_before,)
        ).fetchone()[0]
    page_p95 = max((float(r["95%"]) for r in pages), default=0.0)
    lost = (len(meals) - stored) + (len(accepted) - accepted_stored)
    print(
        f"\nload: {args.users} users, {args.seconds} s, 2 gunicorn hosts x {args.workers} "
        f"workers, {'Celery worker' if _queue_installed() else 'jobs in the request (no queue)'}"
        f", PostgreSQL, Redis rate limits ON, city-scale demo, {os.cpu_count()} CPUs"
    )
    print(
        f"  requests        {int(total['Request Count']):,} "
        f"({float(total['Requests/s']):.1f} per second)"
    )
    print(f"  latency ms      p50 {total['50%']}  p95 {total['95%']}  p99 {total['99%']}")
    print(f"  page views p95  worst page {page_p95:.0f} ms")
    handled = _handler_times(work)
    every = sorted(ms for values in handled.values() for ms in values)
    if every:
        print(
            f"  inside the app  page views p50 {every[len(every) // 2]:.0f} ms, "
            f"p95 {every[int(len(every) * 0.95)]:.0f} ms (request logs, {len(every):,} views)"
        )
    for r in sorted(rows, key=lambda r: r["Name"]):
        if r["Name"] != "Aggregated":
            print(
                f"    {r['Type']:4} {r['Name']:<18} n={r['Request Count']:>6}  p50 {r['50%']:>6}"
                f"  p95 {r['95%']:>6}  p99 {r['99%']:>6}  failures {r['Failure Count']}"
            )
    print(f"  5xx responses   {five_xx}   failures (any) {total['Failure Count']}")
    print(f"  statuses        {dict(sorted(results['statuses'].items()))}")
    print(
        f"  writes          {len(meals):,} meals acknowledged, {stored:,} stored; "
        f"{len(accepted)} acceptances acknowledged, {accepted_stored} stored "
        f"({'none lost' if lost == 0 else f'{lost} LOST'})"
    )
    print(
        f"  duplicates      {duplicate_proposals} diners with two open/live pairings; "
        f"{duplicate_mail} repeated messages of {mail_new:,} queued"
    )
    print(f"  jobs            {json.dumps(jobs)}")
    cores = os.cpu_count() or 1
    print(
        f"  CPU             {window:.0f} s x {cores} cores = {window * cores:.0f} CPU-s available; "
        f"used {sum(cpu.values()):.0f} ({100 * sum(cpu.values()) / (window * cores):.0f}%)"
    )
    for name, seconds in cpu.items():
        print(f"    {name:<20} {seconds:7.1f} CPU-s  ({100 * seconds / (window * cores):3.0f}%)")
    ok = (
        five_xx == 0
        and lost == 0
        and duplicate_proposals == 0
        and duplicate_mail == 0
        and page_p95 < 500
    )
    print(
        f"  targets         {'met' if ok else 'NOT met'} "
        "(0 5xx, 0 lost writes, 0 duplicates, page p95 < 500 ms)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
