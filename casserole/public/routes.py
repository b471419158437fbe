"""The public outcomes pages, the open-data downloads and the committee's quarterly report."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request, url_for

from casserole.coordinator.charts import survival_chart
from casserole.models import Area
from casserole.services import disclosure
from casserole.services.coordinator.periods import last_months
from casserole.services.outcomes import areas, opendata, public, quarters

bp = Blueprint("public", __name__, url_prefix="/outcomes")
PERIOD_MONTHS = 12


def _area(slug: str) -> Area:
    area = areas.area_by_slug(slug)
    if area is None:
        abort(404)
    return area


def _public(response: Response) -> Response:
    # Aggregates only, no personal data: a short shared cache is fine.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/")
def index() -> str:
    """The areas whose outcomes are published."""
    return render_template("public/index.html", areas=areas.all_areas())


@bp.route("/<slug>")
def area(slug: str) -> str:
    """An area's outcomes over the last 12 months, with the trend by quarter."""
    found = _area(slug)
    outcomes, trend = public.with_trend(found, last_months(PERIOD_MONTHS))
    return render_template(
        "public/area.html",
        area=found,
        out=outcomes,
        chart=survival_chart(outcomes.curve),
        trend=trend,
        rule=disclosure.RULE,
        min_people=disclosure.MIN_PEOPLE,
        report_quarter=quarters.latest_complete(),
    )


@bp.route("/<slug>/pairings.csv")
def pairings_csv(slug: str) -> Response:
    """The anonymised pairings (Open Government Licence), described by the metadata file."""
    found = _area(slug)
    text, _ = opendata.pairings_csv(found)
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{opendata.csv_name(found)}"'
    response.headers["Link"] = (
        f'<{url_for("public.csv_metadata", slug=slug)}>; rel="describedby"; '
        'type="application/csvm+json"'
    )
    return _public(response)


@bp.route("/<slug>/pairings.csv-metadata.json")
def csv_metadata(slug: str) -> Response:
    """The CSV's data dictionary as CSV on the Web metadata."""
    found = _area(slug)
    body = opendata.metadata(found, opendata.csv_name(found))
    response = Response(json.dumps(body, indent=2), mimetype="application/csvm+json")
    return _public(response)


def _quarter() -> quarters.Quarter:
    text = request.args.get("quarter")
    if not text:
        return quarters.latest_complete()
    found = quarters.Quarter.parse(text)
    if found is None or not 2000 <= found.year <= 2100:
        abort(400, description="quarter must look like 2026-Q3.")
    return found


@bp.route("/report")
def report_all() -> str:
    """The committee's quarterly report for every area, one printed page each."""
    quarter = _quarter()
    reports = [quarters.report(a, quarter) for a in areas.all_areas()]
    return render_template("public/report.html", reports=reports, quarter=quarter)


@bp.route("/<slug>/report")
def report(slug: str) -> str:
    """The committee's quarterly report for one area (print it to get the PDF)."""
    found = _area(slug)
    quarter = _quarter()
    return render_template(
        "public/report.html", reports=[quarters.report(found, quarter)], quarter=quarter
    )
