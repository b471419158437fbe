"""Pairing views."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pairings", __name__, url_prefix="/pairings")
