"""Small pieces shared by the feature forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


def strip(value: object) -> object:
    """WTForms filter: trim surrounding whitespace from text input."""
    return value.strip() if isinstance(value, str) else value


class ConfirmForm(FlaskForm):
    """A button with nothing to fill in (approve, accept, run matching, confirm a meal)."""

    submit = SubmitField("Confirm")
