"""Profile forms: a cook's cooking, a break, a diner's details, a carer adding someone."""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from casserole.auth.validators import (
    CheckboxesField,
    FreeText,
    MilesField,
    PersonName,
    Phone,
    WholeNumberField,
)
from casserole.formatting import day_name, miles_to_km
from casserole.forms_common import DateInputField, at_most, strip
from casserole.i18n import diet_label
from casserole.models import ConsentMethod, ContactWay
from casserole.models.vocab import ALLERGEN_LABELS, ALLERGENS, DAY_NAMES, DIET_TAGS
from casserole.services.diner_details import DinerDetails

# How a person would like to hear from us, in their words (a carer's have no letters:
# we hold no address for them).
CONTACT_WAY_CHOICES = {
    ContactWay.EMAIL: _l("E-mail"),
    ContactWay.SMS: _l("Text message to my mobile"),
    ContactWay.LETTER: _l("Letter by post"),
    ContactWay.PHONE: _l("A phone call from the coordinator"),
}


HEAR_FROM_US = _l("How would you like to hear from us?")


def contact_way(
    label: Any = HEAR_FROM_US,
    ways: tuple[ContactWay, ...] = tuple(CONTACT_WAY_CHOICES),
    names: dict[ContactWay, Any] | None = None,
) -> RadioField:
    """The preferred way of contact: e-mail unless chosen otherwise."""
    names = {**CONTACT_WAY_CHOICES, **(names or {})}
    return RadioField(
        label,
        choices=[SelectChoice(w.value, names[w]) for w in ways],
        default=ContactWay.EMAIL.value,
        invalid_choice_message=_l("Choose one of the ways shown."),
        validators=[Optional()],
    )


def contact_way_value(form: Any) -> ContactWay | None:
    """The chosen way on a form that has the field, as the vocabulary's member."""
    field = form._fields.get("preferred_contact")
    value = getattr(field, "data", None)
    return ContactWay(value) if value in set(ContactWay) else None


# Day names in the page's language (Babel's); diet labels through the catalog (i18n.diet_label).
DAY_CHOICES = [SelectChoice(i, LazyString(day_name, i)) for i in range(len(DAY_NAMES))]
DIET_CHOICES = [SelectChoice(tag, LazyString(diet_label, tag)) for tag in DIET_TAGS]
ALLERGEN_CHOICES = [SelectChoice(key, ALLERGEN_LABELS[key]) for key in ALLERGENS]
CONSENT_CHOICES = [
    SelectChoice(ConsentMethod.CARER_CONFIRMED.value, _l("They told me in person")),
    SelectChoice(ConsentMethod.PHONE.value, _l("They told me on the phone")),
    SelectChoice(ConsentMethod.PAPER.value, _l("They signed a paper form")),
]


def text(label: str, limit: int, required: str | None = None, **kw: Any) -> StringField:
    """A trimmed free-text field with a length limit, stated in the message."""
    validators: list[Any] = [DataRequired(required)] if required else [Optional()]
    validators += [
        at_most(limit),
        FreeText(),
    ]
    return StringField(label, filters=[strip], validators=validators, **kw)


def name(label: str, required: bool = True, message: str | None = None) -> StringField:
    """A person's name in any script; `message` says what to enter when it is missing."""
    missing = message or f"Enter the {str(label).lower()}."
    validators: list[Any] = [DataRequired(missing)] if required else []
    validators += [Length(max=80, message=_l("Keep names to 80 characters or fewer."))]
    validators += [PersonName()] if required else [Optional(), PersonName()]
    return StringField(label, filters=[strip], validators=validators)


def phone(label: str = _l("Phone number (optional)")) -> TelField:
    """An optional phone number."""
    return TelField(label, filters=[strip], validators=[Optional(), Length(max=40), Phone()])


def postcode(label: str = _l("Postcode")) -> StringField:
    """A postcode: checked and placed on the map by the service."""
    return StringField(
        label,
        filters=[strip],
        validators=[DataRequired(_l("Enter a postcode, like N3 1AB.")), Length(max=10)],
    )


class DinerHomeFields:
    """Where a diner lives and what they would like: shared by sign-up and profile forms."""

    postcode = postcode()
    address_line = text(
        _l("First line of the address"), 200, _l("Enter the first line of the address.")
    )
    birth_date = DateInputField(_l("Date of birth (optional)"))
    days = CheckboxesField(
        _l("Days a meal would be welcome"),
        coerce=int,
        choices=DAY_CHOICES,
        validators=[DataRequired(_l("Choose at least one day."))],
    )
    needs = CheckboxesField(_l("Every meal must be"), choices=DIET_CHOICES)
    allergens = CheckboxesField(_l("Allergic to"), choices=ALLERGEN_CHOICES)
    allergies = text(_l("Any other allergy or intolerance"), 500)
    radius_miles = MilesField(
        _l("How far away may the cook live? (miles, optional)"), validators=[Optional()]
    )
    likes = text(_l("Likes"), 500)
    dislikes = text(_l("Dislikes"), 500)
    access_notes = TextAreaField(
        _l("Getting in: access and mobility"),
        filters=[strip],
        validators=[
            Optional(),
            at_most(2000),
            FreeText(),
        ],
    )
    contact_preference = text(_l("Best way and time to get in touch"), 200)


class DinerForm(DinerHomeFields, FlaskForm):
    """A diner's details, edited by the diner or their carer."""

    first_name = name(_l("First name"), message=_l("Enter the first name."))
    last_name = name(_l("Last name"), required=False)
    phone = phone()
    preferred_contact = contact_way(
        _l("How should we get in touch about meals?"),
        names={ContactWay.EMAIL: _l("E-mail (to them, or to their carer)")},
    )
    submit = SubmitField(_l("Save"))


class CarerContactForm(FlaskForm):
    """A carer's own phone number and how they would like to hear from us."""

    phone = phone()
    # We keep no address for a carer, so no letters.
    preferred_contact = contact_way(ways=(ContactWay.EMAIL, ContactWay.SMS, ContactWay.PHONE))
    submit = SubmitField(_l("Save"))


class AddDinerForm(DinerForm):
    """A carer signing up someone they look after, with how that person agreed."""

    relationship = text(
        _l("How do you know them?"),
        80,
        _l("Say how you know them, for example daughter or neighbour."),
    )
    consent_method = RadioField(
        _l("How did they tell you they agree?"),
        choices=CONSENT_CHOICES,
        invalid_choice_message=_l("Choose one of the ways shown."),
        validators=[DataRequired(_l("Say how they told you they agree."))],
    )
    consent = BooleanField(
        _l("They have agreed to join Casserole and for us to keep these details"),
        validators=[DataRequired(_l("Please confirm they have agreed before signing them up."))],
    )
    submit = SubmitField(_l("Sign them up"))


class YearField(WholeNumberField):
    """A year, with a parse error that says what a year looks like."""

    message = _l("Enter the year as four digits, like 1968.")


class CookForm(FlaskForm):
    """A cook's days, cooking, capacity, distance and introduction."""

    days = CheckboxesField(_l("Days you can cook"), coerce=int, choices=DAY_CHOICES)
    availability_note = text(
        _l("Times that suit you"), 200, description=_l("For example: after 5pm")
    )
    can_cook = CheckboxesField(_l("You can cook meals that are"), choices=DIET_CHOICES)
    keeps_out = CheckboxesField(
        _l("Allergens you can reliably keep out of a meal"), choices=ALLERGEN_CHOICES
    )
    capacity = WholeNumberField(
        _l("How many neighbours can you cook for?"),
        validators=[
            InputRequired(_l("Enter how many neighbours you can cook for, from 1 to 12.")),
            NumberRange(1, 12, _l("Choose between 1 and 12 neighbours.")),
        ],
    )
    max_miles = MilesField(
        _l("How far will you walk or drive? (miles)"),
        validators=[
            InputRequired(_l("Enter how far you will go: more than 0 and up to 30 miles."))
        ],
    )
    introduction = TextAreaField(
        _l("A short introduction for your neighbour"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=1000, message=_l("Keep your introduction to 1000 characters or fewer.")),
            FreeText(),
        ],
    )
    postcode = postcode()
    address_line = text(
        _l("First line of your address"), 200, _l("Enter the first line of your address.")
    )
    birth_year = YearField(_l("Year you were born (optional)"), validators=[Optional()])
    phone = phone()
    preferred_contact = contact_way()
    submit = SubmitField(_l("Save"))

    def validate_max_miles(self, field: Any) -> None:
        """More than 0 and at most 30 miles (the database keeps up to 50 km)."""
        from wtforms.validators import ValidationError

        if field.data is not None and not 0 < field.data <= 30:
            raise ValidationError(_l("Enter a distance more than 0 and up to 30 miles."))


class BreakForm(FlaskForm):
    """Plan a break (first and last day away; no last day: no end) or come back."""

    action = HiddenField()
    first_day = DateInputField(_l("First day of your break"), years_ahead=2)
    last_day = DateInputField(
        _l("Last day of your break (leave empty for no end date)"), years_ahead=2
    )
    submit = SubmitField(_l("Plan the break"))


def diner_details(form: Any) -> DinerDetails:
    """The diner fields of a form (sign-up, a carer's add form or a profile edit)."""
    data = {}
    for key in DinerDetails.__dataclass_fields__:
        field = form._fields.get(key)
        if field is not None and field.data is not None:
            data[key] = field.data
    data["preferred_contact"] = contact_way_value(form)
    data["days"] = set(data.get("days") or [])
    data["needs"] = set(data.get("needs") or [])
    data["allergens"] = set(data.get("allergens") or [])
    radius = form._fields.get("radius_miles")
    if radius is not None and radius.data is not None:
        data["max_km"] = miles_to_km(float(radius.data))
    data.setdefault("first_name", "")
    data.setdefault("last_name", "")
    data.setdefault("postcode", "")
    data.setdefault("address_line", "")
    return DinerDetails(**data)
