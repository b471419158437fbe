"""Sign-up forms: the account every role needs, plus a cook's or a diner's first details."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired

from casserole.auth.validators import NewPassword
from casserole.forms_common import email_field
from casserole.models import ContactWay
from casserole.profiles.forms import DinerHomeFields, contact_way, name, phone, postcode, text


class AccountForm(FlaskForm):
    """Name, e-mail, password and an optional phone number."""

    first_name = name(_l("First name"), message=_l("Enter the first name."))
    last_name = name(_l("Last name"), required=False)
    email = email_field(_l("E-mail address"), _l("Enter your e-mail address."))
    password = PasswordField(
        _l("Choose a password"), validators=[DataRequired(_l("Choose a password.")), NewPassword()]
    )
    phone = phone()
    preferred_contact = contact_way()


class CookSignupForm(AccountForm):
    """A new cook: their account and where they live."""

    postcode = postcode(_l("Your postcode"))
    address_line = text(
        _l("First line of your address"), 200, _l("Enter the first line of your address.")
    )
    submit = SubmitField(_l("Join as a cook"))


class DinerSignupForm(DinerHomeFields, AccountForm):
    """A diner signing up themselves, agreeing to us keeping their details."""

    consent = BooleanField(
        _l("I agree to Casserole keeping these details so it can find me a cook"),
        validators=[DataRequired(_l("Please agree so that we can find you a cook."))],
    )
    submit = SubmitField(_l("Sign me up"))


class CarerSignupForm(AccountForm):
    """A carer's own account; the people they look after come next."""

    # We keep no address for a carer, so no letters.
    preferred_contact = contact_way(ways=(ContactWay.EMAIL, ContactWay.SMS, ContactWay.PHONE))

    submit = SubmitField(_l("Continue"))
