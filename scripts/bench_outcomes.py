"""Time the published outcomes at city scale: the public page, its open data and the report.

Seeds the city-scale demo into DATABASE_URL if it is absent (migrating an empty database
first; the same preparation as scripts/bench_console.py), then times N anonymous requests per
page with Flask's test client and prints the median and 95th percentile, with a static page
as the reference measured in the same run (the machine is shared: compare ratios).

Nothing is cached between requests: every time is that of working the figures out.
On PostgreSQL the database is vacuumed and analysed first (as autovacuum would have done
after the bulk load: planner statistics and the visibility map for index-only scans).

--save FILE writes what each page publishes (the figures, the trend, the CSV's rows as a
sorted multiset and its levels) as JSON; --compare FILE checks the same against a saved run,
so a speed-up can be shown to change no published number.

    .venv/bin/python scripts/bench_outcomes.py --database-url sqlite:////tmp/city.sqlite3 -n 5
    .venv/bin/python scripts/bench_outcomes.py \
        --database-url postgresql://postgres@127.0.0.1:5432/casserole_city -n 5 --save before.json
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_console import _prepare  # noqa: E402  (scripts/ is on the path when run)

CITY = "demo-city"
PAGES = {
    "outcomes page (12 months)": f"/outcomes/{CITY}",
    "anonymised CSV": f"/outcomes/{CITY}/pairings.csv",
    "CSV metadata (CSVW)": f"/outcomes/{CITY}/pairings.csv-metadata.json",
    "quarterly report": f"/outcomes/{CITY}/report",
    "outcomes index": "/outcomes/",
}
REFERENCE = ("reference: static page", "/about/data")


def _vacuum(app: object) -> None:
    """VACUUM ANALYZE on PostgreSQL, as autovacuum would have done after the bulk load."""
    from sqlalchemy import text

    from casserole.extensions import db

    with app.app_context():  # type: ignore[attr-defined]
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        db.session.remove()


def _time(client: object, url: str, n: int) -> tuple[float, float, float, int]:
    """Median and 95th percentile wall time, median CPU time of this process (ms), status."""
    times, cpu = [], []
    status = 0
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)  # type: ignore[attr-defined]
        response.get_data()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        status = response.status_code
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return statistics.median(times), p95, statistics.median(cpu), status


def _published(client: object) -> dict[str, object]:
    """What the city's pages publish, in a form that compares equal when nothing changed."""
    html = client.get(PAGES["outcomes page (12 months)"]).get_data(as_text=True)  # type: ignore[attr-defined]
    # The figures, retention table, trend and chart: every text between tags, in order.
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    texts = [t for t in (re.sub(r"\s+", " ", s).strip() for s in re.split(r"<[^>]+>", main)) if t]
    chart = re.findall(r'<(?:path|polyline)[^>]*\b(?:d|points)="([^"]+)"', main)
    text = client.get(PAGES["anonymised CSV"]).get_data(as_text=True)  # type: ignore[attr-defined]
    header, *rows = list(csv.reader(io.StringIO(text)))
    counted = Counter(tuple(r[1:]) for r in rows)
    meta = json.loads(client.get(PAGES["CSV metadata (CSVW)"]).data)  # type: ignore[attr-defined]
    report = client.get(PAGES["quarterly report"]).get_data(as_text=True)  # type: ignore[attr-defined]
    report_main = report.split("<main", 1)[-1].split("</main>", 1)[0]
    report_texts = [
        t for t in (re.sub(r"\s+", " ", s).strip() for s in re.split(r"<[^>]+>", report_main)) if t
    ]
    return {
        "page_texts": texts,
        "page_chart": chart,
        "csv_header": header,
        "csv_rows": sorted([list(k), n] for k, n in counted.items()),
        "csv_numbers": sorted(int(r[0]) for r in rows),
        "csv_metadata": meta,
        "report_texts": report_texts,
    }


def _compare(saved: dict[str, object], now: dict[str, object]) -> list[str]:
    differences = []
    for key, before in saved.items():
        after = now.get(key)
        if before != after:
            if isinstance(before, list) and isinstance(after, list):
                diff = [
                    (i, b, a) for i, (b, a) in enumerate(zip(before, after, strict=False)) if b != a
                ][:5]
                differences.append(f"{key}: {len(before)} vs {len(after)} items; first: {diff}")
            else:
                differences.append(f"{key}: differs")
    return differences


def main() -> None:
    """Run the benchmark and print one line per page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("-n", type=int, default=5, help="timed requests per page")
    parser.add_argument("--save", help="write what the pages publish to this JSON file")
    parser.add_argument("--compare", help="check what the pages publish against this JSON file")
    parser.add_argument(
        "--now",
        help="freeze the clock at this ISO instant (durations and the curve move with time: "
        "give the same one to --save and --compare)",
    )
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("give --database-url (or DATABASE_URL)")
    os.environ.setdefault("CASSEROLE_INSTANCE_PATH", tempfile.mkdtemp(prefix="bench-outcomes-"))

    from casserole import clock, create_app
    from casserole.extensions import db

    if args.now:
        frozen = datetime.fromisoformat(args.now)
        clock.now = lambda: frozen  # every "now" in the app goes through clock.now

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "RATELIMIT_ENABLED": False})
    prepared = _prepare(app)
    _vacuum(app)
    client = app.test_client()
    with app.app_context():
        engine = db.engine.dialect.name
        shown = db.engine.url.render_as_string(hide_password=True)

    frozen_note = f"; clock frozen at {args.now}" if args.now else ""
    print(f"database: {engine} ({shown}); {prepared}; {args.n} requests per page{frozen_note}")
    if args.save or args.compare:
        published = _published(client)
        if args.save:
            Path(args.save).write_text(json.dumps(published, indent=1))
            print(f"published figures and rows saved to {args.save}")
        if args.compare:
            differences = _compare(json.loads(Path(args.compare).read_text()), published)
            print(
                f"published figures and rows against {args.compare}: "
                + ("identical" if not differences else "DIFFERENT")
            )
            for line in differences:
                print("  " + line)
    client.get(REFERENCE[1])
    ref_median, ref_p95, ref_cpu, _ = _time(client, REFERENCE[1], max(args.n, 10))
    # CPU ms is this process's own (not the database server's): steadier than wall time on a
    # shared machine.
    print(f"{'page':<28} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>7} {'x ref':>7}  status")
    print(f"{REFERENCE[0]:<28} {ref_median:>10.1f} {ref_p95:>8.1f} {ref_cpu:>7.1f} {1:>7.1f}  200")
    for name, url in PAGES.items():
        client.get(url)  # one warm-up request per page (template compilation, imports)
        median, p95, cpu, status = _time(client, url, args.n)
        print(
            f"{name:<28} {median:>10.1f} {p95:>8.1f} {cpu:>7.1f} {median / ref_median:>7.1f}"
            f"  {status}"
        )


if __name__ == "__main__":
    main()
