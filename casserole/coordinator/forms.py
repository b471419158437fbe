"""Forms of the coordinator's console: each says what is wrong next to the field."""

from __future__ import annotations

from datetime import timedelta

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
    """Pair a diner by hand with a cook chosen from the list on their record (no number typing)."""

    cook_id = IntegerField(
        "Cook",
        validators=[
            InputRequired("Choose a cook from the list."),
            NumberRange(min=1, max=MAX_ID, message="Choose a cook from the list."),
        ],
    )
    override_reason = TextAreaField(
        "Why pair them outside the rules",
        filters=[strip],
        validators=[Optional(), Length(max=2000, message="Please keep it under 2,000 characters.")],
    )


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
