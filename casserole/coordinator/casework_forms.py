"""Forms of the casework pages: case log entries and concern handling."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from casserole.forms_common import strip
from casserole.models.vocab import (
    CASE_LOG_LABELS,
    CONCERN_STATUS_LABELS,
    CaseLogKind,
    ConcernStatus,
)


class CaseLogForm(FlaskForm):
    """One note, call or visit on a case log."""

    kind = SelectField(
        "What happened",
        choices=[SelectChoice(k.value, CASE_LOG_LABELS[k]) for k in CaseLogKind],
        validators=[InputRequired("Choose what kind of entry this is.")],
    )
    body = TextAreaField(
        "Notes",
        filters=[strip],
        validators=[
            DataRequired("Write what was said or done."),
            Length(max=4000, message="Keep it under 4,000 characters."),
        ],
    )
    next = HiddenField()
    submit = SubmitField("Add to the case log")


class ConcernForm(FlaskForm):
    """Move a concern on: in progress, or resolved with a note; or mark it safeguarding."""

    status = SelectField(
        "Status",
        choices=[SelectChoice(s.value, CONCERN_STATUS_LABELS[s]) for s in ConcernStatus],
        validators=[InputRequired("Choose the concern's status.")],
    )
    note = TextAreaField(
        "How it was resolved",
        filters=[strip],
        validators=[Length(max=4000, message="Keep the note under 4,000 characters.")],
    )
    urgent = BooleanField("A safeguarding matter (urgent)")
    submit = SubmitField("Save")
