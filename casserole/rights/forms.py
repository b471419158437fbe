"""The erasure confirmation form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired


class EraseForm(FlaskForm):
    """Erasure cannot be undone, so it needs an explicit tick."""

    confirm = BooleanField(
        _l("I understand this removes the personal details for good"),
        validators=[DataRequired(_l("Tick the box to confirm you want the details erased."))],
    )
    submit = SubmitField(_l("Erase the personal details"))
