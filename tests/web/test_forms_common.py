"""The shared form plumbing: the strip filter, confirmed POSTs and service errors by fields."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import BadRequest

from casserole.forms_common import INCOMPLETE_FORM, confirmed_post, show_errors, strip
from casserole.pairings.forms import DeclineForm
from casserole.services.accounts import FieldError


def test_strip_trims_text_and_leaves_other_values_alone():
    assert strip("  Sunday roast \n") == "Sunday roast"
    assert strip(None) is None and strip(3) == 3


def test_a_confirmed_post_runs_the_view_only_when_the_confirm_form_validates(app):
    ran = []

    @confirmed_post
    def view(pairing_id: int) -> str:
        ran.append(pairing_id)
        return "done"

    with app.test_request_context("/", method="POST"):
        assert view(7) == "done"
    # A GET (like a POST whose token is missing or stale) never reaches the view.
    with app.test_request_context("/", method="GET"), pytest.raises(BadRequest) as refused:
        view(8)
    assert refused.value.description == INCOMPLETE_FORM
    assert ran == [7]


def test_service_problems_land_next_to_their_fields_or_above_the_form(app):
    with app.test_request_context("/", method="POST", data={"reason": "x"}):
        form = DeclineForm()
        show_errors(form, FieldError(errors={"reason": "Too vague.", "elsewhere": "Try later."}))
    assert form.reason.errors == ["Too vague."]
    assert form.form_errors == ["Try later."]


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("  edna@example.org ", None),
        ("", "Enter your e-mail."),
        ("edna at example", "Enter an e-mail address like name@example.com."),
        ("e" * 250 + "@x.org", "E-mail addresses can be at most 254 characters."),
    ],
)
def test_every_email_field_trims_and_explains_the_same_way(app, typed, error):
    from flask_wtf import FlaskForm

    from casserole.forms_common import email_field

    class Form(FlaskForm):
        email = email_field("E-mail", "Enter your e-mail.")

    with app.test_request_context("/", method="POST", data={"email": typed}):
        form = Form()
        assert form.validate() is (error is None)
    if error is None:
        assert form.email.data == "edna@example.org"
    else:
        assert error in form.email.errors


def test_length_limits_are_explained_one_way(app):
    from casserole.pairings.forms import ConcernForm

    with app.test_request_context("/", method="POST", data={"comment": "x" * 4001}):
        form = ConcernForm()
        assert not form.validate()
    assert form.comment.errors == ["Keep this to 4,000 characters or fewer."]
