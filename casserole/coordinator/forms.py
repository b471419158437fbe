"""Forms of the coordinator's console: each says what is wrong next to the field."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from casserole import clock
from casserole.auth.validators import CheckboxesField, FreeText, MilesField
from casserole.forms_common import DateInputField, strip
from casserole.models import CheckKind
from casserole.params import EARLIEST_PLAUSIBLE, MAX_ID, coerce_id
from casserole.profiles.forms import ALLERGEN_CHOICES
from casserole.services.vetting import CHECK_LABELS, VETTING_YEARS_AHEAD

# A record number as the console writes it (K12 a cook, D12 a diner, C12 a carer) or bare.
_COOK_NUMBER = re.compile(r"([a-z])?\s*(\d{1,9})", re.IGNORECASE | re.ASCII)


class CheckForm(FlaskForm):
    """Record one vetting check of a cook."""

    kind = SelectField(
        "Which check",
        choices=[SelectChoice(k.value, CHECK_LABELS[k]) for k in CheckKind],
        validators=[InputRequired("Choose which check this is.")],
    )
    checked_on = DateInputField(
        "Date of the check",
        required="Enter the date of the check.",
        earliest=EARLIEST_PLAUSIBLE,
    )
    expires_on = DateInputField(
        "Expiry date", earliest=EARLIEST_PLAUSIBLE, years_ahead=VETTING_YEARS_AHEAD
    )
    reference = StringField(
        "Reference (certificate or document number)",
        filters=[strip],
        validators=[
            FreeText(),
            Length(max=80, message="Please keep the reference under 80 characters."),
        ],
    )
    submit = SubmitField("Record the check")


class ApproveForm(FlaskForm):
    """Approve the ticked proposals, or every open proposal of the area."""

    pairing_id = SelectMultipleField("Proposals", coerce=coerce_id, validate_choice=False)
    approve_selected = SubmitField("Approve the ticked proposals")
    approve_all = SubmitField("Approve all proposals")

    def validate_pairing_id(self, field: SelectMultipleField) -> None:
        """Approving "the ticked ones" needs at least one tick."""
        if self.approve_selected.data and not self.approve_all.data and not field.data:
            raise ValidationError("Tick at least one proposal to approve.")


# Why a coordinator turns a proposal down: the usual reasons, then "something else".
DECLINE_REASONS = [
    SelectChoice("distance", "Too far apart in practice (hills, buses, no car)"),
    SelectChoice("known", "We know they would not get on, or they already know each other"),
    SelectChoice("needs", "The cook cannot really meet the diner's needs"),
    SelectChoice("timing", "The cook or the diner is not ready yet"),
    SelectChoice("other", "Something else"),
]


class DeclineProposalForm(FlaskForm):
    """A coordinator turning down a proposal from the list, with a reason."""

    reason = RadioField(
        "Why not this pair?",
        choices=DECLINE_REASONS,
        validators=[InputRequired("Choose why you are turning this pair down.")],
    )
    note = TextAreaField(
        "More detail (needed for something else)",
        filters=[strip],
        validators=[
            FreeText(),
            Length(max=1000, message="Keep this to 1,000 characters or fewer."),
        ],
    )
    submit = SubmitField("Turn this pair down")

    def validate_note(self, field: TextAreaField) -> None:
        """Something else needs a few words, so the next coordinator knows why."""
        if self.reason.data == "other" and not field.data:
            raise ValidationError("Say briefly why you are turning this pair down.")

    def reason_text(self) -> str:
        """The reason as it is kept on the pairing: the choice, then any detail."""
        label = dict((c.value, c.label) for c in DECLINE_REASONS).get(self.reason.data or "", "")
        return f"{label}: {self.note.data}" if self.note.data else label


PERIOD_CHOICES = [
    SelectChoice("3m", "Last 3 months"),
    SelectChoice("6m", "Last 6 months"),
    SelectChoice("12m", "Last 12 months"),
    SelectChoice("24m", "Last 24 months"),
    SelectChoice("custom", "Between two dates"),
]
MAX_PERIOD = timedelta(days=366 * 5)


class PeriodForm(FlaskForm):
    """The period the figures cover (a GET form: nothing is changed)."""

    class Meta:
        """No CSRF token: the form only reads."""

        csrf = False

    period = SelectField("Period", choices=PERIOD_CHOICES, default="12m")
    start = DateInputField("From", earliest=EARLIEST_PLAUSIBLE)
    end = DateInputField("To", earliest=EARLIEST_PLAUSIBLE)

    def validate(self, extra_validators: object = None) -> bool:  # type: ignore[override]
        """Dates are needed for a custom period, in order, not in the future, within 5 years."""
        ok = super().validate(extra_validators)  # type: ignore[arg-type]
        if not ok or self.period.data != "custom":
            return ok
        today = clock.today()
        if self.start.data is None:
            self.start.errors = [*self.start.errors, "Enter the first day of the period."]
        if self.end.data is None:
            self.end.errors = [*self.end.errors, "Enter the last day of the period."]
        if self.start.data and self.end.data:
            if self.end.data < self.start.data:
                self.end.errors = [*self.end.errors, "The last day must be after the first."]
            elif self.end.data > today:
                self.end.errors = [*self.end.errors, "The last day cannot be in the future."]
            elif self.end.data - self.start.data > MAX_PERIOD:
                self.start.errors = [*self.start.errors, "Choose a period of at most five years."]
        return not (self.start.errors or self.end.errors)


class MealCostForm(FlaskForm):
    """The council's cost of one delivered meal, for the "cost avoided" figure."""

    meal_cost = DecimalField(
        "Cost of one council meal, in pounds",
        places=2,
        validators=[
            InputRequired("Enter the cost of one meal in pounds, for example 4.90."),
            NumberRange(min=0, max=50, message="Enter an amount between £0 and £50."),
        ],
    )
    submit = SubmitField("Save the meal cost")


class ByHandForm(FlaskForm):
    """Pair a diner by hand: a cook chosen from the lists, or any cook by their record number."""

    cook_id = IntegerField(
        "Cook",
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_ID, message="Choose a cook from the list."),
        ],
    )
    # A cook the lists leave out (further away than the diner's reach, or past the first
    # few): the override with a reason still works for them.
    cook_number = StringField(
        "Or a cook not listed here: their record number",
        filters=[strip],
        validators=[Optional(), Length(max=20, message="Type a record number, like K12.")],
    )
    override_reason = TextAreaField(
        "Why pair them outside the rules",
        filters=[strip],
        validators=[
            Optional(),
            FreeText(),
            Length(max=2000, message="Please keep it under 2,000 characters."),
        ],
    )

    def validate_cook_number(self, field: StringField) -> None:
        """A cook's record number, "K12" or "12"; a diner's or carer's number is refused."""
        if not field.data:
            return
        found = _COOK_NUMBER.fullmatch(field.data)
        if found is None:
            raise ValidationError("Type the cook's record number, like K12.")
        if found.group(1) and found.group(1).upper() != "K":
            raise ValidationError("That is not a cook's number: a cook's starts with K, like K12.")
        try:
            coerce_id(found.group(2))
        except ValueError:
            raise ValidationError("Type the cook's record number, like K12.") from None

    def validate(self, extra_validators: Any = None) -> bool:
        """One cook: a choice from the lists or a typed number, not neither and not both."""
        if not super().validate(extra_validators):
            return False
        if self.cook_id.data is None and not self.cook_number.data:
            self.cook_id.errors = ["Choose a cook from the list, or type a cook's record number."]
            return False
        if self.cook_id.data is not None and self.cook_number.data:
            self.cook_number.errors = [
                "Choose a cook from the list or type a record number, not both."
            ]
            return False
        return True

    @property
    def chosen_cook(self) -> int:
        """The cook's id, from the list or from the typed record number (after validate)."""
        if self.cook_id.data is not None:
            return int(self.cook_id.data)
        found = _COOK_NUMBER.fullmatch(self.cook_number.data or "")
        assert found is not None
        return int(found.group(2))


class DinerNeedsForm(FlaskForm):
    """A coordinator changes a diner's allergens, the note and how far a cook may come."""

    allergens = CheckboxesField("Allergic to", choices=ALLERGEN_CHOICES)
    allergies = StringField(
        "Any other allergy or intolerance",
        filters=[strip],
        validators=[Optional(), Length(max=500, message="Keep it to 500 characters."), FreeText()],
    )
    radius_miles = MilesField(
        "How far away may the cook live? (miles)",
        validators=[InputRequired("Enter how far a cook may come, like 2 or 1.5.")],
    )
    submit = SubmitField("Save allergies and distance")
