"""Forms for logging in, password reset and e-mail change."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from casserole.auth.validators import NewPassword
from casserole.forms_common import ConfirmForm, strip


class LoginForm(FlaskForm):
    """E-mail and password, with an optional remember-me."""

    email = EmailField(
        "E-mail address",
        filters=[strip],
        validators=[
            DataRequired("Enter the e-mail address you signed up with."),
            Email("Enter an e-mail address like name@example.com."),
            Length(max=254),
        ],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), Length(max=200)]
    )
    remember = BooleanField("Keep me logged in on this device")
    submit = SubmitField("Log in")


class ResetRequestForm(FlaskForm):
    """Ask for a password reset link by e-mail."""

    email = EmailField(
        "E-mail address",
        filters=[strip],
        validators=[
            DataRequired("Enter the e-mail address you signed up with."),
            Email("Enter an e-mail address like name@example.com."),
            Length(max=254),
        ],
    )
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

    email = EmailField(
        "New e-mail address",
        filters=[strip],
        validators=[
            DataRequired("Enter your new e-mail address."),
            Email("Enter an e-mail address like name@example.com."),
            Length(max=254, message="E-mail addresses can be at most 254 characters."),
        ],
    )
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
