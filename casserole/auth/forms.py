"""Forms for logging in, password reset and e-mail change."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from casserole.auth.validators import NewPassword
from casserole.forms_common import ConfirmForm, email_field


class LoginForm(FlaskForm):
    """E-mail and password, with an optional remember-me."""

    email = email_field(_l("E-mail address"), _l("Enter the e-mail address you signed up with."))
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)]
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class ResetRequestForm(FlaskForm):
    """Ask for a password reset link by e-mail."""

    email = email_field(_l("E-mail address"), _l("Enter the e-mail address you signed up with."))
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(FlaskForm):
    """Choose a new password from a reset link."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), NewPassword(email_field=None)],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password again.")),
            EqualTo("password", _l("The two passwords are different; type them again.")),
        ],
    )
    submit = SubmitField(_l("Save my new password"))


class EmailChangeForm(FlaskForm):
    """Move the account to a new e-mail address (confirmed from that address)."""

    email = email_field(_l("New e-mail address"), _l("Enter your new e-mail address."))
    password = PasswordField(
        _l("Your current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=200)],
    )
    submit = SubmitField(_l("Send a confirmation link"))


__all__ = [
    "ConfirmForm",
    "EmailChangeForm",
    "LoginForm",
    "ResetPasswordForm",
    "ResetRequestForm",
]
