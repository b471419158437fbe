"""API endpoints: each needs a bearer token for the area it names; no personal data in answers."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema
from werkzeug.exceptions import HTTPException, Unauthorized

from casserole.api.schemas import (
    AreaSchema,
    FiguresSchema,
    PairingsSchema,
    WaitingSchema,
)
from casserole.extensions import limiter
from casserole.models import Area
from casserole.services import disclosure
from casserole.services.coordinator.periods import last_months
from casserole.services.outcomes import areas, opendata, public, tokens

blp = Blueprint(
    "api", __name__, url_prefix="/api/v1", description="Published figures and open data"
)
DEFAULT_LIMIT = "120 per minute"
SECURITY = [{"bearerAuth": []}]


def _token_key() -> str:
    # Each token has its own allowance; requests without one share their address's.
    raw = _bearer()
    return "api:" + (tokens.fingerprint(raw) if raw else request.remote_addr or "")


limiter.limit(
    lambda: current_app.config.get("RATELIMIT_API") or DEFAULT_LIMIT, key_func=_token_key
)(blp)


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


@blp.before_request
def _authenticate() -> None:
    """Every API request needs a usable token (401 otherwise); the area is checked per route."""
    if request.endpoint and request.endpoint.startswith("api."):
        token = tokens.find(_bearer())
        if token is None:
            raise Unauthorized("A valid, unexpired API token is needed (Authorization: Bearer).")
        g.api_token = token


def _json_error(error: HTTPException) -> ResponseReturnValue:
    """Errors in the API are JSON, like its answers."""
    response = jsonify(
        {"code": error.code, "status": error.name, "message": error.description or error.name}
    )
    response.status_code = error.code or 500
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="casserole"'
    return response


# By code, as the app's HTML error pages are registered: a blueprint's handler for a code
# comes before the app's, one for a class only after the app's for that code.
for _code in (400, 401, 403, 404, 405, 429, 500, 503):
    blp.register_error_handler(_code, _json_error)


def _area(slug: str) -> Area:
    """The named area if the token is for it: 404 if there is no such area, 403 if another's."""
    found = areas.area_by_slug(slug)
    if found is None:
        abort(404, description="No such area.")
    if found.id != g.api_token.area_id:
        abort(403, description="This token is for another area.")
    return found


_ERRORS = {401: "No usable token", 403: "Token for another area", 404: "No such area"}


def _documented(view: Any) -> Any:
    view = blp.doc(security=SECURITY)(view)
    for code, why in _ERRORS.items():
        view = blp.alt_response(code, schema=ErrorSchema, description=why)(view)
    return blp.alt_response(429, schema=ErrorSchema, description="Too many requests")(view)


@blp.route("/areas")
@_documented
@blp.response(200, AreaSchema(many=True))
def list_areas() -> list[dict[str, str]]:
    """The areas this token may read (one: the area it was issued for)."""
    area: Area = g.api_token.area
    return [{"slug": area.slug, "name": area.name}]


@blp.route("/areas/<slug>/figures")
@_documented
@blp.response(200, FiguresSchema)
def figures(slug: str) -> dict[str, Any]:
    """The area's public figures over the last 12 months (null where the rule hides one)."""
    area = _area(slug)
    out = public.compute(area, last_months(12))
    return {
        "area": area.slug,
        "period_start": out.period.start,
        "period_end": out.period.end,
        "figures": [
            {
                "key": s.key,
                "label": s.label,
                "value": s.value,
                "text": s.text,
                "explanation": s.sentence,
            }
            for s in out.figures
        ],
        "retention": [{"months": m, "share": share} for m, share in out.retention],
        "disclosure_rule": disclosure.RULE,
    }


@blp.route("/areas/<slug>/pairings")
@_documented
@blp.response(200, PairingsSchema)
def pairings(slug: str) -> dict[str, Any]:
    """The anonymised pairings, as in the public CSV."""
    area = _area(slug)
    result = opendata.release(area)
    return {
        "area": area.slug,
        "columns": result.columns,
        "levels": result.levels,
        "rows": [dict(zip(result.columns, row, strict=True)) for row in result.rows],
        "disclosure_rule": disclosure.RULE,
    }


@blp.route("/areas/<slug>/waiting")
@_documented
@blp.response(200, WaitingSchema)
def waiting(slug: str) -> dict[str, Any]:
    """Diners waiting for a cook now, in total and by the matcher's reason."""
    area = _area(slug)
    counts = areas.waiting_counts(area)
    total = counts.pop("total")
    return {"area": area.slug, "total": total, "by_reason": counts}
