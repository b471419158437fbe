"""Schemathesis drives the API from its generated OpenAPI description: no 5xx, every answer
conforms to the description, and the wrong area's or an expired token is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from casserole import clock
from casserole.extensions import db
from tests.support import factories as f
from tests.support.app import empty_tables

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
OWN, EXPIRED = "cas_schema_own", "cas_schema_expired"


@pytest.fixture(scope="module")
def api_schema(app):
    """Two areas (one with enough pairings to publish figures), tokens, and the schema."""
    empty_tables(app)
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        barnet = f.area("Barnet", ("N3",), slug="barnet")
        f.area("Tower Hamlets", ("E14",), slug="tower-hamlets")
        for k in range(12):
            f.started_pairing(barnet, days=100 + 20 * k, ended=10 + k if k < 3 else None, meals=4)
        f.api_token(barnet, raw=OWN)
        f.api_token(barnet, raw=EXPIRED, expires_at=clock.now() - timedelta(days=1))
        db.session.commit()
        db.session.remove()
    # No context stays pushed: each request opens and closes its own session, so no
    # transaction is left holding locks that a later test's TRUNCATE would wait on.
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    app.config.pop("RATELIMIT_ENABLED")
    empty_tables(app)


def _exercise(case) -> None:
    """One generated request as the own area's token, then its own area, expired, another's."""
    own = {"Authorization": f"Bearer {OWN}"}
    case.call_and_validate(headers=own, checks=CHECKS)
    if "slug" not in (case.path_parameters or {}):
        return
    case.path_parameters["slug"] = "barnet"
    assert case.call_and_validate(headers=own, checks=CHECKS).status_code == 200
    expired = case.call_and_validate(headers={"Authorization": f"Bearer {EXPIRED}"}, checks=CHECKS)
    assert expired.status_code == 401
    case.path_parameters["slug"] = "tower-hamlets"
    assert case.call_and_validate(headers=own, checks=CHECKS).status_code == 403


def test_api_conforms_to_its_description(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 4
    for operation in operations:
        # Hypothesis runs the generated cases; each operation is one property.
        run = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))(
            given(case=operation.as_strategy())(_exercise)
        )
        run()


def test_the_description_is_generated_and_names_every_route(app, client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {
        "/api/v1/areas",
        "/api/v1/areas/{slug}/figures",
        "/api/v1/areas/{slug}/pairings",
        "/api/v1/areas/{slug}/waiting",
    }
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
