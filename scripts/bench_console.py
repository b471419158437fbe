"""Time the coordinator console at city scale: figures, lists, search and record pages.

Seeds the city-scale demo into DATABASE_URL if it is absent (migrating an empty database
first), logs in as the city's coordinator with Flask's test client (a real login form, CSRF
included), then times N requests per page and prints the median and 95th percentile, with
a static page as the reference measured in the same run.

    .venv/bin/python scripts/bench_console.py --database-url sqlite:////tmp/city.sqlite3 -n 30
    .venv/bin/python scripts/bench_console.py \
        --database-url postgresql://postgres@127.0.0.1:5432/casserole_console -n 30
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

EMAIL = "coordinator.demo-city@casserole.example"
PASSWORD = "casserole-demo"
PAGES = {
    "figures (12 months)": "/coordinator/demo-city/figures",
    "waiting list": "/coordinator/demo-city/waiting",
    "pairing monitor": "/coordinator/demo-city/pairings",
    "monitor, page 40": "/coordinator/demo-city/pairings?page=40",
    "monitor, at risk": "/coordinator/demo-city/pairings?view=at_risk",
    "vetting queue": "/coordinator/demo-city/vetting",
    "proposals": "/coordinator/demo-city/proposals",
}
SEARCH = "/coordinator/demo-city/search?q="
SEARCHES = {
    "search: part of a name": "mar",
    "search: full name": "{diner_name}",
    "search: district": "{outcode}",
    "search: e-mail": "carer1.demo-city@",
    "search: phone digits": "020 7946",
    "search: record number": "D{diner_id}",
}
REFERENCE = ("reference: static page", "/about/data")


def _records(app: object) -> dict[str, object]:
    """Ids and words of one diner, cook and carer of the city, for record pages and searches."""
    from sqlalchemy import select

    from casserole import demo as seed
    from casserole.extensions import db
    from casserole.models import Area, CookProfile, DinerProfile

    with app.app_context():  # type: ignore[attr-defined]
        area_id = db.session.scalar(select(Area.id).where(Area.slug == seed.CITY_SLUG))
        diner = db.session.scalars(
            select(DinerProfile)
            .where(DinerProfile.area_id == area_id, DinerProfile.carer_id.is_not(None))
            .order_by(DinerProfile.id.desc())
            .limit(1)
        ).one()
        cook_id = db.session.scalar(
            select(CookProfile.id).where(CookProfile.area_id == area_id).limit(1)
        )
        found = {
            "diner_id": diner.id,
            "diner_name": diner.display_name,
            "outcode": diner.outcode,
            "carer_id": diner.carer_id,
            "cook_id": cook_id,
        }
        db.session.remove()
    return found


def _record_and_search_pages(found: dict[str, object]) -> dict[str, str]:
    """The record pages and searches to time, filled in with real ids and words."""
    from urllib.parse import quote

    pages = {
        "record: diner": "/coordinator/demo-city/diners/{diner_id}",
        "record: cook": "/coordinator/demo-city/cooks/{cook_id}",
        "record: carer": "/coordinator/demo-city/carers/{carer_id}",
        "pair by hand (diner)": "/coordinator/demo-city/diners/{diner_id}/pair",
    }
    pages = {name: url.format(**found) for name, url in pages.items()}
    for name, query in SEARCHES.items():
        pages[name] = SEARCH + quote(query.format(**found))
    return pages


def _prepare(app: object) -> str:
    """Migrate and seed if needed; returns what was done."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect, select, text

    from casserole import demo as seed
    from casserole.extensions import db
    from casserole.models import Area

    done = []
    with app.app_context():  # type: ignore[attr-defined]
        if not inspect(db.engine).has_table("areas"):
            upgrade()
            done.append("migrated")
        if db.session.scalar(select(Area.id).where(Area.slug == seed.CITY_SLUG)) is None:
            started = time.perf_counter()
            print("Seeding the city-scale demo (a minute or so)...", file=sys.stderr)
            seed.seed_city()
            done.append(f"seeded in {time.perf_counter() - started:.0f} s")
        if db.engine.dialect.name == "postgresql":
            # Fresh bulk loads have no planner statistics until autovacuum gets round to them.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
            done.append("analysed")
        db.session.remove()
    return ", ".join(done) or "data present"


def _login(client: object) -> None:
    page = client.get("/auth/login").get_data(as_text=True)  # type: ignore[attr-defined]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"email": EMAIL, "password": PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post("/auth/login", data=data)  # type: ignore[attr-defined]
    if response.status_code != 302:
        raise SystemExit(f"login as {EMAIL} failed ({response.status_code})")


def _time(client: object, url: str, n: int) -> tuple[float, float, int]:
    times = []
    status = 0
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        response.get_data()
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return statistics.median(times), p95, status


def main() -> None:
    """Run the benchmark and print one line per page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("-n", type=int, default=30, help="timed requests per page")
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("give --database-url (or DATABASE_URL)")
    os.environ.setdefault("CASSEROLE_INSTANCE_PATH", tempfile.mkdtemp(prefix="bench-console-"))

    from casserole import create_app
    from casserole.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url})
    prepared = _prepare(app)
    pages = {**PAGES, **_record_and_search_pages(_records(app))}
    client = app.test_client()
    _login(client)
    with app.app_context():
        engine = db.engine.dialect.name
        shown = db.engine.url.render_as_string(hide_password=True)

    # The waiting list shows the matcher's last reasons; work them out once, as a
    # coordinator would with the button, and report how long that took.
    page = client.get(PAGES["waiting list"]).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    started = time.perf_counter()
    response = client.post(
        "/coordinator/demo-city/waiting/reasons",
        data={"csrf_token": token.group(1)} if token else {},
    )
    reasons_s = time.perf_counter() - started
    if response.status_code != 302:
        raise SystemExit(f"working out the reasons failed ({response.status_code})")

    print(f"database: {engine} ({shown}); {prepared}; {args.n} requests per page")
    print(
        f"matcher dry run for the waiting list's reasons (once, then remembered): {reasons_s:.1f} s"
    )
    ref_median, ref_p95, _ = _time(client, REFERENCE[1], args.n)
    print(f"{'page':<26} {'median ms':>10} {'p95 ms':>8} {'x ref':>6}  status")
    print(f"{REFERENCE[0]:<26} {ref_median:>10.1f} {ref_p95:>8.1f} {1:>6.1f}  200")
    for name, url in pages.items():
        client.get(url)  # one warm-up request per page (template compilation, caches)
        median, p95, status = _time(client, url, args.n)
        flag = "" if median < 300 else "  (over 300 ms)"
        print(f"{name:<26} {median:>10.1f} {p95:>8.1f} {median / ref_median:>6.1f}  {status}{flag}")


if __name__ == "__main__":
    main()
