"""Absolute links for e-mails, from a request or from the command line."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for

# Where `flask run` serves, for links made by commands when PUBLIC_BASE_URL is not set.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def link_to(endpoint: str, **values: Any) -> str:
    """An absolute link for e-mail: PUBLIC_BASE_URL when set, else this request's host."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not base and has_request_context():
        return url_for(endpoint, _external=True, **values)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{base or DEVELOPMENT_BASE_URL}{path}"
