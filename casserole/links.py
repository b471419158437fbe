"""Absolute links for e-mail, built from PUBLIC_BASE_URL only, never from a request's Host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from casserole.errors import ConfigError


def check_base_url(value: str | None, env_name: str) -> str:
    """The configured PUBLIC_BASE_URL without a trailing slash; a ConfigError when unusable."""
    if not value:
        if env_name == "production":
            raise ConfigError(
                "PUBLIC_BASE_URL is not set; production refuses to start without the address "
                "people use to reach the site (e.g. https://casserole.example.org)"
            )
        value = "http://127.0.0.1:5000"
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"PUBLIC_BASE_URL {value!r} is not a web address like https://casserole.example.org"
        )
    return value.rstrip("/")


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of `endpoint` for a link in an e-mail."""
    # A Host header is chosen by whoever sends the request: links built from it could point
    # a reset token at an attacker's site, so only the configured address is used.
    base = current_app.config["PUBLIC_BASE_URL"]
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{base}{path}"
