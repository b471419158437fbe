"""Form plumbing shared by every feature: strip, e-mail fields, confirm buttons, service errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SubmitField
from wtforms.validators import DataRequired, Email, Length

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
