"""Published outcomes: the public page, its open data and the quarterly report follow the one
disclosure rule, and show the coordinator's own figures where the rule allows."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from datetime import UTC, datetime
from itertools import combinations

import pytest

from casserole import clock
from casserole.models import EndReason
from casserole.services.coordinator import figures
from casserole.services.coordinator.periods import last_months
from casserole.services.outcomes import public, quarters
from casserole.services.outcomes.quarters import Quarter
from tests.support import factories as f

NOW = clock.now()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _figure(html: str, key: str) -> str:
    found = re.search(rf'id="figure-{key}">(.*?)</div>', html, re.S)
    assert found, key
    return _text(re.search(r'class="value">(.*?)</dd>', found.group(1), re.S).group(1)).strip()


@pytest.fixture
def rare_area(database):
    """Twelve ordinary pairings in N3, and rare ones: the only pairing in N12, which ended
    after four days because the diner died, and three others that ended."""
    area = f.area("Rareton", ("N3", "N12"), slug="rareton")
    for k in range(12):
        f.started_pairing(area, days=150 + 10 * k, meals=6)
    f.started_pairing(
        area, outcode="N12", days=40, ended=36, reason=EndReason.DIED, meals=1, km=0.3
    )
    for k in range(3):
        f.started_pairing(area, days=300, ended=100 + k, reason=EndReason.MOVED_AWAY, meals=4)
    return area


def test_no_public_figure_or_row_reveals_a_rare_pairing(client, rare_area):
    html = client.get("/outcomes/rareton").get_data(as_text=True)
    # Four pairings ended (four diners): the count itself rests on fewer than 10 people.
    assert _figure(html, "pairings_ended") == "fewer than 10"
    assert _figure(html, "pairings_running") == "12"
    assert "N12" not in html and "died" not in _text(html).lower()
    # The curve and retention stop where fewer than 10 pairings were still being followed:
    # 16 started, 4 ended before 5 months, 12 followed beyond: 3 and 6 months may show,
    # 12 months (no pairing followed that long) may not.
    table = _text(html.split('id="retention"')[1].split("</table>")[0])
    assert "12 months not published or too early to say" in table

    text = client.get("/outcomes/rareton/pairings.csv").get_data(as_text=True)
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert "N12" not in text and "died" not in text
    values = [tuple(r[1:]) for r in rows]
    width = len(header) - 1
    distinct = Counter(values)
    for size in range(1, width + 1):
        for combo in combinations(range(width), size):
            groups: Counter[tuple[str, ...]] = Counter()
            for row, n in distinct.items():
                groups[tuple(row[i] for i in combo)] += n
            assert min(groups.values()) >= 10, [header[1 + i] for i in combo]


def test_a_figure_on_enough_people_is_published(client, database):
    area = f.area("Plenty", ("N3",), slug="plenty")
    for k in range(11):
        f.started_pairing(area, days=100 + k, ended=5 + k, reason=EndReason.MOVED_AWAY, meals=3)
    for k in range(10):
        f.started_pairing(area, days=90 + k, meals=3)
    html = client.get("/outcomes/plenty").get_data(as_text=True)
    assert _figure(html, "pairings_ended") == "11"
    assert _figure(html, "pairings_running") == "10"


def test_public_figures_are_the_coordinators_figures(database, rare_area):
    """Same period, same numbers: the public page only hides, never recomputes differently."""
    period = last_months(12)
    mine = figures.compute(rare_area, period, NOW)
    shown = public.compute(rare_area, period, NOW).by_key
    assert shown["meals_shared"].value == mine.meals_total
    assert shown["cost_avoided_pounds"].value == mine.cost_avoided_pence / 100
    assert shown["weeks_between_meals"].value == pytest.approx(mine.avg_interval_weeks)
    assert shown["pairings_running"].value == mine.survival.ongoing


def test_too_few_pairings_hide_the_measures(client, database):
    area = f.area("Tiny", ("N3",), slug="tiny")
    for k in range(4):
        f.started_pairing(area, days=60 + k, meals=5)
    html = client.get("/outcomes/tiny").get_data(as_text=True)
    for key in (
        "meals_shared",
        "average_distance_miles",
        "weeks_between_meals",
        "cost_avoided_pounds",
    ):
        assert _figure(html, key).startswith("not published"), key
    assert "How we keep people from being identified" in html


def test_csv_comes_with_csvw_metadata_and_the_licence(client, rare_area):
    response = client.get("/outcomes/rareton/pairings.csv")
    assert response.mimetype == "text/csv"
    assert "pairings.csv-metadata.json" in response.headers["Link"]
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True))))
    meta = json.loads(client.get("/outcomes/rareton/pairings.csv-metadata.json").data)
    assert meta["@context"] == "http://www.w3.org/ns/csvw"
    assert [c["name"] for c in meta["tableSchema"]["columns"]] == header
    assert "open-government-licence" in meta["dc:license"]["@id"]
    page = client.get("/outcomes/rareton").get_data(as_text=True)
    assert "/outcomes/rareton/pairings.csv" in page and "Open Government Licence" in page


def test_index_lists_every_area_and_unknown_areas_are_404(client, rare_area):
    f.area("Other Place", ("E14",), slug="other-place")
    html = client.get("/outcomes/").get_data(as_text=True)
    assert "Rareton" in html and "Other Place" in html
    assert client.get("/outcomes/nowhere").status_code == 404


def test_quarterly_report_compares_quarters_and_refuses_bad_quarters(client, rare_area):
    quarter = Quarter.of(clock.today()).shift(-1)
    html = client.get(f"/outcomes/rareton/report?quarter={quarter.name}").get_data(as_text=True)
    for q in (quarter, quarter.shift(-1), quarter.shift(-4)):
        assert q.title in html
    assert html.count('class="report-page"') == 1
    response = client.get("/outcomes/rareton/report?quarter=2026-Q9")
    assert response.status_code == 400 and b"2026-Q3" in response.data


def test_quarters():
    assert Quarter.parse("2026-Q1").period.end.isoformat() == "2026-03-31"
    assert Quarter.parse("2026-Q4").period.end.isoformat() == "2026-12-31"
    assert Quarter(2026, 1).shift(-1) == Quarter(2025, 4)
    assert Quarter.parse("2026-Q5") is None


KNOWN_NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
# Every pairing shares the district and the meals band of its kind: the search first takes
# durations away (each kind ran for ten different lengths), then coarsens start dates to the
# year and end dates to the quarter, leaving two groups of ten diners and ten cooks.
KNOWN_ROWS = Counter(
    {
        (
            "N3",
            "N3",
            "active",
            "2026",
            "",
            "withheld",
            "1 to 9",
            "1 to 2",
            "",
            "unknown",
            "matcher",
        ): 10,
        (
            "N3",
            "N3",
            "ended",
            "2026",
            "2026-Q2",
            "withheld",
            "none",
            "1 to 2",
            "moved_away",
            "unknown",
            "matcher",
        ): 10,
    }
)
KNOWN_LEVELS = {
    "cook_district": "postcode district",
    "diner_district": "postcode district",
    "status": "status",
    "started": "year",
    "ended": "quarter",
    "duration": "withheld",
    "meals_shared": "band of 5",
    "distance_miles": "band of 5",
    "end_reason": "reason",
    "diner_age_band": "80 or over, under 80, unknown",
    "proposed_by": "matcher or coordinator",
}


@pytest.fixture
def known_area(database, monkeypatch):
    """Twenty pairings whose figures are worked out by hand below: ten running for 110 to 200
    days with four weekly meals each, and ten that started 300 days ago and ended after 91 to
    100 days, without meals; every cook lives 3.2 km from their diner. The clock stands still
    at KNOWN_NOW (months and durations in the CSV depend on it)."""
    monkeypatch.setattr(clock, "now", lambda: KNOWN_NOW)
    area = f.area("Knownham", ("N3",), slug="knownham")
    for k in range(10):
        f.started_pairing(area, days=110 + 10 * k, meals=4, km=3.2)
    for k in range(10):
        f.started_pairing(
            area, days=300, ended=200 + k, reason=EndReason.MOVED_AWAY, meals=0, km=3.2
        )
    return area


def test_public_figures_are_pinned_on_a_known_data_set(client, known_area):
    """Exact figures (speed-ups of the page must not move one of them)."""
    html = client.get("/outcomes/knownham").get_data(as_text=True)
    expected = {
        "pairings_running": "10",
        "pairings_ended": "10",
        "meals_shared": "40",
        # Every pairing 3.2 km: 3.2 / 1.609344 = 1.99 miles.
        "average_distance_miles": "2.0 miles",
        # Days the pairings ran in the period: running 110 + ... + 200 = 1,550, ended
        # 100 + ... + 91 = 955; 2,505 days / 40 meals = 62.6 days = 8.9 weeks.
        "weeks_between_meals": "8.9 weeks",
        "cost_avoided_pounds": "£196.00",
        # Kaplan–Meier: the ten endings (91 to 100 days) come before any running pairing is
        # censored (110 days on), so half have ended at 100 days = 3.3 months.
        "median_months": "3.3 months",
    }
    assert {key: _figure(html, key) for key in expected} == expected
    table = _text(html.split('id="retention"')[1].split("</table>")[0])
    # 19 of 20 still running at 3 months (91.3 days: only the 91-day pairing had ended); six
    # and twelve months are beyond the 110 days that ten pairings were followed.
    assert "3 months 95%" in table
    assert "6 months not published or too early to say" in table
    assert "12 months not published or too early to say" in table


def test_page_figures_and_trend_from_one_read_equal_each_on_its_own(database, known_area):
    """The page reads the pairings once for the year and four quarters: same figures as the
    year, and each quarter, worked out alone."""
    period = last_months(12)
    together, trend = public.with_trend(known_area, period, KNOWN_NOW)
    alone = public.compute(known_area, period, KNOWN_NOW)
    assert together.figures == alone.figures
    assert together.retention == alone.retention and together.curve == alone.curve
    shown = [q.quarter for q in trend]
    assert shown == [Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3), Quarter(2026, 4)]
    assert trend == [quarters.quarter_figures(known_area, q, KNOWN_NOW) for q in shown]
    year = figures.compute(known_area, period, KNOWN_NOW)
    assert together.by_key["meals_shared"].value == year.meals_total == 40
    assert year.diners_matched == year.cooks_active == 20
    assert (year.survival.ended, year.survival.ongoing) == (10, 10)


def test_anonymised_csv_is_pinned_on_a_known_data_set(client, known_area):
    """The released rows and levels of the known data set, as a multiset (rows are shuffled)."""
    text = client.get("/outcomes/knownham/pairings.csv").get_data(as_text=True)
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert sorted(int(r[0]) for r in rows) == list(range(1, len(rows) + 1))
    assert Counter(tuple(r[1:]) for r in rows) == KNOWN_ROWS
    meta = json.loads(client.get("/outcomes/knownham/pairings.csv-metadata.json").data)
    levels = {
        c["name"]: c["dc:description"].split("Released as: ")[1].rstrip(".")
        for c in meta["tableSchema"]["columns"][1:]
    }
    assert levels == KNOWN_LEVELS
