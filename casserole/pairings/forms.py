"""Forms for pairing steps: each says what is wrong next to the field."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from casserole.forms_common import ConfirmForm, strip
from casserole.models import EndReason


class DeclineForm(FlaskForm):
    """Saying no, with a reason."""

    reason = TextAreaField(
        "Why not?",
        filters=[strip],
        validators=[
            DataRequired("Tell us why, so we can find a better match."),
            Length(max=1000, message="Please keep it under 1,000 characters."),
        ],
    )
    submit = SubmitField("Say no")


class PauseForm(FlaskForm):
    """Pausing for a while."""

    reason = StringField(
        "What is happening? (optional)",
        filters=[strip],
        validators=[Length(max=200, message="Please keep it under 200 characters.")],
    )
    submit = SubmitField("Pause meals")


END_CHOICES = [
    SelectChoice(EndReason.MOVED_AWAY.value, "Moved away"),
    SelectChoice(EndReason.HEALTH.value, "Health"),
    SelectChoice(EndReason.COOK_UNAVAILABLE.value, "The cook can no longer cook"),
    SelectChoice(EndReason.DIFFERENT_COOK.value, "The diner would like a different cook"),
    SelectChoice(EndReason.DIED.value, "The diner has died"),
    SelectChoice(EndReason.OTHER.value, "Something else"),
]


class EndForm(FlaskForm):
    """Ending a pairing, with a reason."""

    reason = RadioField(
        "Why is it ending?",
        choices=END_CHOICES,
        validators=[InputRequired("Choose why the pairing is ending.")],
    )
    note = TextAreaField(
        "Anything else we should know?",
        filters=[strip],
        validators=[Length(max=2000, message="Please keep it under 2,000 characters.")],
    )
    submit = SubmitField("End the pairing")


class MealForm(FlaskForm):
    """One meal a cook took round."""

    shared_on = DateField(
        "Date of the meal",
        default=date.today,
        validators=[InputRequired("Enter the date of the meal, like 2025-03-14.")],
    )
    dish = StringField(
        "What did you cook?",
        filters=[strip],
        validators=[
            DataRequired("Say what you cooked."),
            Length(max=200, message="Please keep it under 200 characters."),
        ],
    )
    allergen_note = StringField(
        "Allergens in it (optional)",
        filters=[strip],
        validators=[Length(max=300, message="Please keep it under 300 characters.")],
    )
    submit = SubmitField("Log the meal")


class FeedbackForm(FlaskForm):
    """A rating and a comment."""

    rating = RadioField(
        "How is it going?",
        choices=[
            SelectChoice("5", "5: Very well"),
            SelectChoice("4", "4: Well"),
            SelectChoice("3", "3: All right"),
            SelectChoice("2", "2: Not very well"),
            SelectChoice("1", "1: Badly"),
        ],
        validators=[InputRequired("Choose how it is going, from 1 to 5.")],
    )
    comment = TextAreaField(
        "Anything you would like to tell us? (optional)",
        filters=[strip],
        validators=[Length(max=2000, message="Please keep it under 2,000 characters.")],
    )
    submit = SubmitField("Send")


class ConcernForm(FlaskForm):
    """Telling the coordinator something is wrong."""

    comment = TextAreaField(
        "What is wrong?",
        filters=[strip],
        validators=[
            DataRequired("Tell us what is wrong."),
            Length(max=4000, message="Please keep it under 4,000 characters."),
        ],
    )
    safeguarding = BooleanField("Someone may be at risk of harm (a safeguarding matter)")
    submit = SubmitField("Tell the coordinator")


class HandPairForm(FlaskForm):
    """A coordinator choosing a cook and a diner by hand."""

    cook_id = IntegerField(
        "Cook number",
        validators=[
            InputRequired("Enter the cook's number."),
            NumberRange(min=1, message="Enter the cook's number."),
        ],
    )
    diner_id = IntegerField(
        "Diner number",
        validators=[
            InputRequired("Enter the diner's number."),
            NumberRange(min=1, message="Enter the diner's number."),
        ],
    )
    override_reason = TextAreaField(
        "Reason for pairing them despite the rules (only if needed)",
        filters=[strip],
        validators=[Optional(), Length(max=2000, message="Please keep it under 2,000 characters.")],
    )
    submit = SubmitField("Propose this pair")


__all__ = [
    "END_CHOICES",
    "ConcernForm",
    "ConfirmForm",
    "DeclineForm",
    "EndForm",
    "FeedbackForm",
    "HandPairForm",
    "MealForm",
    "PauseForm",
]
