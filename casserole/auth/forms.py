"""Forms for logging in."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    """E-mail and password, with an optional remember-me."""

    email = EmailField(
        "E-mail address",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
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
