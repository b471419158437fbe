"""Forms for logging in, password reset and e-mail change."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from casserole.auth.validators import NewPassword
from casserole.forms_common import ConfirmForm, email_field


class LoginForm(FlaskForm):
    """E-mail and password, with an optional remember-me."""

    email = email_field("E-mail address", "Enter the e-mail address you signed up with.")
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), Length(max=200)]
    )
    remember = BooleanField("Keep me logged in on this device")
    submit = SubmitField("Log in")


class ResetRequestForm(FlaskForm):
    """Ask for a password reset link by e-mail."""

    email = email_field("E-mail address", "Enter the e-mail address you signed up with.")
    submit = SubmitField("Send me a link")


class ResetPasswordForm(FlaskForm):
    """Choose a new password from a reset link."""

    password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password."), NewPassword(email_field=None)],
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired("Enter the new password again."),
            EqualTo("password", "The two passwords are different; type them again."),
        ],
    )
    submit = SubmitField("Save my new password")


class EmailChangeForm(FlaskForm):
    """Move the account to a new e-mail address (confirmed from that address)."""

    email = email_field("New e-mail address", "Enter your new e-mail address.")
    password = PasswordField(
        "Your current password",
        validators=[DataRequired("Enter your current password."), Length(max=200)],
    )
    submit = SubmitField("Send a confirmation link")


__all__ = [
    "ConfirmForm",
    "EmailChangeForm",
    "LoginForm",
    "ResetPasswordForm",
    "ResetRequestForm",
]
