"""Form validators shared by sign-up, profiles and accounts (rules live in the service)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, FloatField, IntegerField, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from casserole import clock
from casserole.params import EARLIEST_PLAUSIBLE, parse_date, years_after
from casserole.services.accounts import (
    name_problem,
    normalise_phone,
    password_problem,
    phone_problem,
    text_problem,
    tidy_text,
)


class PersonName:
    """A name in any script: letters, spaces, hyphens, apostrophes; no control characters."""

    def __call__(self, form: Any, field: Field) -> None:
        """Raise the accounts service's reason, if any."""
        if problem := name_problem(tidy_text(field.data)):
            raise ValidationError(problem)


class FreeText:
    """Free text (emoji welcome) without control characters."""

    def __call__(self, form: Any, field: Field) -> None:
        """Raise when the text holds a control character."""
        if problem := text_problem(field.data or ""):
            raise ValidationError(problem)


class Phone:
    """An optional phone number."""

    def __call__(self, form: Any, field: Field) -> None:
        """Raise when the number does not look like one."""
        if problem := phone_problem(tidy_text(field.data)):
            raise ValidationError(problem)
        # Stored in one written form, whoever typed it how ("02079460000", "+44 20 ...").
        field.data = normalise_phone(tidy_text(field.data))


class NewPassword:
    """At least 10 characters and not a common password (or the e-mail address)."""

    def __init__(self, email_field: str | None = "email") -> None:
        self.email_field = email_field

    def __call__(self, form: Any, field: Field) -> None:
        """Raise the password rule that is broken."""
        email = ""
        if self.email_field and self.email_field in form:
            email = form[self.email_field].data or ""
        if problem := password_problem(field.data or "", email):
            raise ValidationError(problem)


class _FriendlyNumber:
    """Replace WTForms' "Not a valid ... value" with a message written for people."""

    message = _l("Enter a number.")

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the number, keeping our message when it is not one."""
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError:
            self.data = None
            raise ValueError(self.message) from None


class WholeNumberField(_FriendlyNumber, IntegerField):
    """An integer input with a plain-English parse error."""

    message = _l("Enter a whole number, like 2.")


class MilesField(_FriendlyNumber, FloatField):
    """A distance in miles with a plain-English parse error."""

    message = _l("Enter a number of miles, like 2 or 1.5.")


class OptionalDateField(_FriendlyNumber, DateField):
    """An optional date with a plain-English parse error."""

    message = _l("Enter a real date, like 14 March 1938.")

    def process_formdata(self, valuelist: list[Any]) -> None:
        """An empty date is no date, not an error."""
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes (days, dietary tags); unknown values are refused plainly."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", _l("Choose from the options shown."))
        kwargs.setdefault("invalid_value_message", _l("Choose from the options shown."))
        super().__init__(*args, **kwargs)


def _day(value: date) -> str:
    return f"{value.day} {value.strftime('%B %Y')}"


class BoundedDateField(DateField):
    """A YYYY-MM-DD date within plausible bounds, read by casserole.params.parse_date.

    `earliest` is the first date accepted; `years_ahead` (from today) the last, when given;
    the form or service says "not in the future" where that is the rule. An empty box is
    no date (InputRequired or Optional decide whether that is allowed).
    """

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        *,
        earliest: date = EARLIEST_PLAUSIBLE,
        years_ahead: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.earliest = earliest
        self.years_ahead = years_ahead

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse strictly; out-of-range and impossible dates say what is allowed."""
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        self.data = parse_date(str(valuelist[0]), earliest=date.min)
        if self.data is None:
            raise ValueError(self.gettext("Not a valid date value."))
        if self.data < self.earliest:
            self.data = None
            raise ValueError(
                gettext("Enter a date from %(date)s onwards.", date=_day(self.earliest))
            )
        if self.years_ahead is not None:
            latest = years_after(clock.today(), self.years_ahead)
            if self.data > latest:
                self.data = None
                raise ValueError(
                    gettext("Enter a date at most %(years)s years ahead.", years=self.years_ahead)
                )
