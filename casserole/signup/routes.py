"""Sign-up views."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("signup", __name__, url_prefix="/join")
