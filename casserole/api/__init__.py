"""The read-only JSON API for council systems (flask-smorest: OpenAPI 3 generated from the code)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api as _SmorestApi


class Api(_SmorestApi):
    """flask-smorest's Api, without its app-wide JSON error handler.

    The rest of the app answers errors with HTML pages; the API's blueprint answers its own
    in JSON (see routes.py), so registering this handler app-wide would change other pages.
    No catch-all "default" error response either: each route lists the codes it can answer,
    so a response with any other code fails the schema tests.
    """

    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        return None


API_CONFIG: dict[str, Any] = {
    "API_TITLE": "Casserole open data API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def register_api(app: Flask) -> None:
    """Mount the API blueprint and its generated OpenAPI description at /api/openapi.json."""
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    api = Api(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An area's API token"}
    )
    from casserole.api.routes import blp

    api.register_blueprint(blp)
