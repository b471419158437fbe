"""Form plumbing shared by every feature: strip, e-mail fields, confirm buttons, service errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, SubmitField
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Email, Length, StopValidation

from casserole import clock
from casserole.params import parse_date, years_after

View = TypeVar("View", bound=Callable[..., Any])

# RFC 5321's limit on a forward path, which is what a mail server will accept.
EMAIL_MAX_LENGTH = 254
# What every confirmed POST answers when its token is missing, stale or forged.
INCOMPLETE_FORM = _l("The form was incomplete; please try again.")


def strip(value: object) -> object:
    """WTForms filter: trim surrounding whitespace from text input."""
    return value.strip() if isinstance(value, str) else value


def at_most(limit: int) -> Length:
    """A length limit on free text, stated in the message people see."""
    return Length(max=limit, message=f"Keep this to {limit:,} characters or fewer.")


def email_field(label: str, required: str) -> EmailField:
    """An e-mail address: trimmed, required (saying `required` when empty), shaped like one."""
    return EmailField(
        label,
        filters=[strip],
        validators=[
            DataRequired(required),
            Email(_l("Enter an e-mail address like name@example.com.")),
            Length(
                max=EMAIL_MAX_LENGTH,
                message=f"E-mail addresses can be at most {EMAIL_MAX_LENGTH} characters.",
            ),
        ],
    )


class ConfirmForm(FlaskForm):
    """A button with nothing to fill in: approve, accept, run matching, confirm a meal or a link.

    Its only check is the CSRF token, so following a link never changes anything by itself.
    """

    submit = SubmitField(_l("Confirm"))


def confirmed_post(view: View) -> View:
    """Run `view` only for a POST carrying a valid ConfirmForm; otherwise answer 400 with why.

    Put it below the access decorators, so visitors are still sent to log in first.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not ConfirmForm().validate_on_submit():
            abort(400, description=INCOMPLETE_FORM)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def show_errors(form: Any, err: Any) -> None:
    """Put a service's field problems next to their fields (and so into the error summary)."""
    for name, message in err.errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


# The three boxes of a date typed by a person, in the order they are shown.
DATE_PARTS = ("day", "month", "year")
_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# Below this a typed year is a slip (two digits, a missing digit), not a real year.
_FIRST_YEAR = 1000
_LAST_YEAR = 9999


def _long(day: date) -> str:
    """A date without its weekday ("14 March 2025"), in the page's language."""
    from babel.dates import format_date

    from casserole.i18n import format_locale

    return format_date(day, "d MMMM y", locale=format_locale())


# Which boxes of a date were left empty, in whole sentences for each language.
_MISSING_PARTS = {
    ("day",): _l("%(name)s must include a day."),
    ("month",): _l("%(name)s must include a month."),
    ("year",): _l("%(name)s must include a year."),
    ("day", "month"): _l("%(name)s must include a day and a month."),
    ("day", "year"): _l("%(name)s must include a day and a year."),
    ("month", "year"): _l("%(name)s must include a month and a year."),
    ("day", "month", "year"): _l("%(name)s must include a day and a month and a year."),
}
# A box that holds something other than a number.
_NOT_A_NUMBER = {
    "day": _l("Enter the day as a number."),
    "month": _l("Enter a month, like 3 or March."),
    "year": _l("Enter the year as a number."),
}


class DateInputField(Field):
    """A date typed as day, month and year in three labelled boxes (the GOV.UK date input).

    Draw it with `{{ field(form.x) }}` or `{{ date_input(form.x) }}` from templates/_forms.html.
    The boxes post as `<name>-day`, `<name>-month`, `<name>-year`; `data` is a `date` or None
    (all three empty). Each problem names the box that is wrong (`wrong_parts`), so only that
    box is outlined. `required` is the message when all three are empty (else the date is
    optional); `earliest`, `years_ahead` (from today) and `not_future` bound the date. Rules of
    the record (a birth date's age range, say) stay in the services.
    """

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        *,
        required: str | None = None,
        earliest: date | None = None,
        years_ahead: int | None = None,
        not_future: bool = False,
        autocomplete: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.earliest = earliest
        self.years_ahead = years_ahead
        self.not_future = not_future
        # "bday" asks browsers to offer a saved birth date (bday-day, bday-month, bday-year).
        self.autocomplete = autocomplete
        self.parts: dict[str, str] = {}
        self.wrong_parts: set[str] = set()

    def part_name(self, part: str) -> str:
        """The posted name of one box: `birth_date-day`."""
        return f"{self.name}-{part}"

    def part_id(self, part: str) -> str:
        """The id of one box; the day box carries the field's own id (the error summary's link)."""
        return self.id if part == "day" else f"{self.id}-{part}"

    def _value(self) -> str:
        return self.data.isoformat() if isinstance(self.data, date) else ""

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """Take the stored date, then the three posted boxes when the form was sent."""
        super().process(None, data, extra_filters)
        if not isinstance(self.data, date):
            self.data = None
        self.parts = {
            "day": str(self.data.day) if self.data else "",
            "month": str(self.data.month) if self.data else "",
            "year": str(self.data.year) if self.data else "",
        }
        if formdata is None:
            self.raw_data = None
            return
        # The boxes are read only when sent: a query string without them asks for nothing
        # more than the whole date (a link's `start=2025-01-01`).
        sent = {self.part_name(p) for p in DATE_PARTS} & set(formdata.keys())
        if not sent:
            self._process_iso(formdata)
            return
        self.parts = {
            p: str(formdata.get(self.part_name(p)) or "").strip()[:20] for p in DATE_PARTS
        }
        typed = [self.parts[p] for p in DATE_PARTS]
        # raw_data lets InputRequired and Optional see whether anything was typed.
        self.raw_data = ["-".join(typed) if any(typed) else ""]
        self.data = None
        if not any(typed):
            return
        try:
            self.data = self._read()
        except ValueError as problem:
            self.data = None
            self.process_errors.append(str(problem))

    def _name(self) -> str:
        """The label as a message's subject: "Date of birth", without "(optional)"."""
        text = self.label.text if self.label else ""
        return text.replace(str(_l("(optional)")), "").replace("(optional)", "").strip() or str(
            _l("The date")
        )

    def _process_iso(self, formdata: Any) -> None:
        """A link or bookmark may carry the date whole (`start=2025-01-01`): read it too."""
        if self.name not in formdata:
            self.raw_data = None
            return
        text = str(formdata.get(self.name) or "").strip()
        self.raw_data = [text]
        self.data = None
        if not text:
            return
        value = parse_date(text, earliest=date.min)
        if value is None:
            self.wrong_parts = set(DATE_PARTS)
            self.process_errors.append(gettext("Enter a real date, with the day, month and year."))
            return
        self.parts = {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        name = self._name()
        try:
            self.data = self._bounded(name, value)
        except ValueError as problem:
            self.process_errors.append(str(problem))

    def _read(self) -> date:
        """The typed date, or ValueError saying which box is wrong and how."""
        name = self._name()
        missing = [p for p in DATE_PARTS if not self.parts[p]]
        if missing:
            self.wrong_parts = set(missing)
            raise ValueError(str(_MISSING_PARTS[tuple(missing)]) % {"name": name})
        numbers: dict[str, int] = {}
        for part in DATE_PARTS:
            text = self.parts[part]
            if part == "month" and text.casefold() in _MONTH_NAMES:
                numbers[part] = _MONTH_NAMES[text.casefold()]
            elif text.isascii() and text.isdigit():
                numbers[part] = int(text)
            else:
                self.wrong_parts = {part}
                raise ValueError(str(_NOT_A_NUMBER[part]))
        if not _FIRST_YEAR <= numbers["year"] <= _LAST_YEAR:
            self.wrong_parts = {"year"}
            raise ValueError(gettext("The year must have 4 numbers, like 1938."))
        if not 1 <= numbers["month"] <= 12:
            self.wrong_parts = {"month"}
            raise ValueError(gettext("The month must be a number from 1 to 12."))
        try:
            value = date(numbers["year"], numbers["month"], numbers["day"])
        except (ValueError, OverflowError):
            self.wrong_parts = {"day"}
            raise ValueError(
                gettext(
                    "%(name)s must be a real date: that month has no day %(day)s.",
                    name=name,
                    day=numbers["day"],
                )
            ) from None
        return self._bounded(name, value)

    def _bounded(self, name: str, value: date) -> date:
        today = clock.today()
        if self.earliest is not None and value < self.earliest:
            self.wrong_parts = {"year"}
            raise ValueError(
                gettext(
                    "%(name)s must be on or after %(date)s.", name=name, date=_long(self.earliest)
                )
            )
        if self.not_future and value > today:
            self.wrong_parts = set(DATE_PARTS)
            raise ValueError(gettext("%(name)s must be today or in the past.", name=name))
        if self.years_ahead is not None and value > years_after(today, self.years_ahead):
            self.wrong_parts = {"year"}
            raise ValueError(
                gettext(
                    "%(name)s must be at most %(years)s years ahead.",
                    name=name,
                    years=self.years_ahead,
                )
            )
        return value

    def pre_validate(self, form: Any) -> None:
        """An empty date that is needed is refused with the field's own words."""
        if self.required and self.data is None and not self.process_errors:
            self.wrong_parts = set(DATE_PARTS)
            raise StopValidation(self.required)
