"""Forms of the casework pages: case log entries, concern handling, registering diners."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from casserole.forms_common import strip
from casserole.models.vocab import (
    CASE_LOG_LABELS,
    CONCERN_STATUS_LABELS,
    CONSENT_LABELS,
    CONTACT_WAY_LABELS,
    REFERRER_LABELS,
    CaseLogKind,
    ConcernStatus,
    ContactWay,
    ReferrerKind,
)
from casserole.profiles.forms import DinerForm, name, phone, postcode
from casserole.services.casework.registration import COORDINATOR_CONSENT


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


CONSENT_BY_COORDINATOR = [
    SelectChoice("", "Not yet: keep them off matching until they agree"),
    *(SelectChoice(m.value, f"Yes, {CONSENT_LABELS[m]}") for m in COORDINATOR_CONSENT),
]


class RegisterDinerForm(DinerForm):
    """A coordinator registering a diner met by phone, on paper, in person or through a referrer."""

    preferred_contact = SelectField(
        "Best way to contact them",
        choices=[
            SelectChoice("", "Not known"),
            *(SelectChoice(w.value, CONTACT_WAY_LABELS[w]) for w in ContactWay),
        ],
        validators=[Optional()],
    )
    emergency_contact_name = StringField(
        "Emergency contact: name", filters=[strip], validators=[Optional(), Length(max=160)]
    )
    emergency_contact_phone = phone("Emergency contact: phone")
    referrer_kind = SelectField(
        "Referred by",
        choices=[
            SelectChoice("", "Nobody: they or their family called us"),
            *(SelectChoice(k.value, REFERRER_LABELS[k]) for k in ReferrerKind),
        ],
        validators=[Optional()],
    )
    referrer_name = StringField(
        "Referrer's name", filters=[strip], validators=[Optional(), Length(max=160)]
    )
    referrer_organisation = StringField(
        "Referrer's organisation", filters=[strip], validators=[Optional(), Length(max=160)]
    )
    referrer_contact = StringField(
        "Referrer's phone or e-mail", filters=[strip], validators=[Optional(), Length(max=200)]
    )
    consent_method = SelectField(
        "Have they agreed to join?", choices=CONSENT_BY_COORDINATOR, validators=[Optional()]
    )
    submit = SubmitField("Register")


class ConsentForm(FlaskForm):
    """Record how a registered diner agreed to join."""

    consent_method = SelectField(
        "How did they agree?",
        choices=CONSENT_BY_COORDINATOR[1:],
        validators=[InputRequired("Choose how they agreed.")],
    )
    submit = SubmitField("Record their consent")


class ImportForm(FlaskForm):
    """A CSV file of referrals to check, or the token of a checked file to import."""

    file = FileField("CSV file of referrals")
    token = HiddenField(validators=[Optional(), Regexp(r"^[0-9a-f]{64}$", message="Upload again.")])
    submit = SubmitField("Check the file")


class HandOverForm(FlaskForm):
    """Hand a diner to a carer who has an account."""

    carer_email = StringField(
        "The carer's e-mail address",
        filters=[strip],
        validators=[DataRequired("Enter the carer's e-mail address."), Length(max=254)],
    )
    relationship = StringField(
        "How the carer knows them",
        filters=[strip],
        validators=[
            DataRequired("Say how the carer knows them, for example son or neighbour."),
            Length(max=80, message="Keep this to 80 characters or fewer."),
        ],
    )
    submit = SubmitField("Hand them to this carer")


class SuspensionForm(FlaskForm):
    """Suspend a cook, or lift a suspension, with the reason for the case log."""

    reason = TextAreaField(
        "Reason (goes in the cook's case log)",
        filters=[strip],
        validators=[
            DataRequired("Say why; it goes in the case log."),
            Length(max=2000, message="Keep it under 2,000 characters."),
        ],
    )
    submit = SubmitField("Save")


class RegisterCookForm(FlaskForm):
    """A cook met in person; with an e-mail address they choose a password from a link."""

    first_name = name("First name")
    last_name = name("Last name", required=False)
    email = StringField(
        "E-mail address (optional)",
        filters=[strip],
        validators=[Optional(), Length(max=254)],
    )
    phone = phone()
    preferred_contact = SelectField(
        "Best way to contact them",
        choices=[SelectChoice(w.value, CONTACT_WAY_LABELS[w]) for w in ContactWay],
        default=ContactWay.EMAIL.value,
    )
    postcode = postcode()
    address_line = StringField(
        "First line of the address",
        filters=[strip],
        validators=[DataRequired("Enter the first line of the address."), Length(max=200)],
    )
    submit = SubmitField("Register the cook")
