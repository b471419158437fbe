"""Forms for pairing steps: each says what is wrong next to the field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from casserole import clock
from casserole.auth.validators import CheckboxesField, FreeText
from casserole.forms_common import ConfirmForm, DateInputField, at_most, strip
from casserole.models import EndReason
from casserole.models.vocab import ALLERGEN_LABELS, ALLERGENS


class DeclineForm(FlaskForm):
    """Saying no, with a reason."""

    reason = TextAreaField(
        _l("Why not?"),
        filters=[strip],
        validators=[
            FreeText(),
            DataRequired(_l("Tell us why, so we can find a better match.")),
            at_most(1000),
        ],
    )
    submit = SubmitField(_l("Say no"))


class PauseForm(FlaskForm):
    """Pausing for a while."""

    reason = StringField(
        _l("What is happening? (optional)"),
        filters=[strip],
        validators=[FreeText(), at_most(200)],
    )
    submit = SubmitField(_l("Pause meals"))


END_CHOICES = [
    SelectChoice(EndReason.MOVED_AWAY.value, _l("Moved away")),
    SelectChoice(EndReason.HEALTH.value, _l("Health")),
    SelectChoice(EndReason.COOK_UNAVAILABLE.value, _l("The cook can no longer cook")),
    SelectChoice(EndReason.DIFFERENT_COOK.value, _l("The diner would like a different cook")),
    SelectChoice(EndReason.OTHER.value, _l("Something else")),
]


class EndForm(FlaskForm):
    """Ending a pairing, with a reason."""

    reason = RadioField(
        _l("Why is it ending?"),
        choices=END_CHOICES,
        validators=[InputRequired(_l("Choose why the pairing is ending."))],
    )
    note = TextAreaField(
        _l("Anything else we should know?"),
        filters=[strip],
        validators=[FreeText(), at_most(2000)],
    )
    submit = SubmitField(_l("End the pairing"))


class DeathForm(FlaskForm):
    """Telling us a diner has died: its own gentle step, apart from the other reasons."""

    note = TextAreaField(
        _l("Anything you would like us to know (optional)"),
        filters=[strip],
        validators=[FreeText(), at_most(2000)],
    )
    submit = SubmitField(_l("Tell the coordinator"))


class MealForm(FlaskForm):
    """One meal a cook took round."""

    shared_on = DateInputField(
        _l("Date of the meal"), default=clock.today, required=_l("Enter the date of the meal.")
    )
    dish = StringField(
        _l("What did you cook?"),
        filters=[strip],
        validators=[
            FreeText(),
            DataRequired(_l("Say what you cooked.")),
            at_most(200),
        ],
    )
    allergens = CheckboxesField(
        _l("Which of these allergens did the meal contain?"),
        choices=[SelectChoice(key, ALLERGEN_LABELS[key]) for key in ALLERGENS],
    )
    allergen_note = StringField(
        _l("Anything else in it someone might be allergic to (optional)"),
        filters=[strip],
        validators=[FreeText(), at_most(300)],
    )
    submit = SubmitField(_l("Log the meal"))


class FeedbackForm(FlaskForm):
    """A rating and a comment."""

    rating = RadioField(
        _l("How is it going?"),
        choices=[
            SelectChoice("5", _l("5: Very well")),
            SelectChoice("4", _l("4: Well")),
            SelectChoice("3", _l("3: All right")),
            SelectChoice("2", _l("2: Not very well")),
            SelectChoice("1", _l("1: Badly")),
        ],
        validators=[InputRequired(_l("Choose how it is going, from 1 to 5."))],
    )
    comment = TextAreaField(
        _l("Anything you would like to tell us? (optional)"),
        filters=[strip],
        validators=[FreeText(), at_most(2000)],
    )
    submit = SubmitField(_l("Send"))


class ConcernForm(FlaskForm):
    """Telling the coordinator something is wrong."""

    comment = TextAreaField(
        _l("What is wrong?"),
        filters=[strip],
        validators=[
            FreeText(),
            DataRequired(_l("Tell us what is wrong.")),
            at_most(4000),
        ],
    )
    safeguarding = BooleanField(_l("Someone may be at risk of harm (a safeguarding matter)"))
    submit = SubmitField(_l("Tell the coordinator"))


__all__ = [
    "END_CHOICES",
    "ConcernForm",
    "ConfirmForm",
    "DeclineForm",
    "EndForm",
    "FeedbackForm",
    "MealForm",
    "PauseForm",
]
