"""The GOV.UK date input: day, month and year boxes, the error on the box that is wrong."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import render_template_string
from flask_wtf import FlaskForm

from casserole import clock
from casserole.forms_common import DateInputField
from casserole.models import PairingStatus, Role
from casserole.models.base import utcnow
from tests.support import factories as f


class _Form(FlaskForm):
    class Meta:
        csrf = False

    born = DateInputField("Date of birth (optional)")
    checked = DateInputField("Date of the check", required="Enter the date of the check.")
    expires = DateInputField("Expiry date", earliest=date(1990, 1, 1), years_ahead=10)


def _form(app, data):
    with app.test_request_context("/", method="POST", data=data):
        form = _Form()
        form.validate()
        html = render_template_string(
            '{% from "_forms.html" import field %}{{ field(form.born) }}{{ field(form.checked) }}',
            form=form,
        )
        return form, html


def test_three_boxes_make_a_date_and_month_names_are_welcome(app):
    form, _ = _form(app, {"checked-day": "14", "checked-month": "March", "checked-year": "2025"})
    assert form.checked.data == date(2025, 3, 14) and not form.checked.errors
    assert form.born.data is None and not form.born.errors


@pytest.mark.parametrize(
    ("parts", "message", "wrong"),
    [
        ({}, "Enter the date of the check.", {"day", "month", "year"}),
        ({"day": "14", "year": "2025"}, "Date of the check must include a month.", {"month"}),
        ({"month": "3"}, "Date of the check must include a day and a year.", {"day", "year"}),
        ({"day": "31", "month": "2", "year": "2025"}, "must be a real date", {"day"}),
        (
            {"day": "1", "month": "13", "year": "2025"},
            "month must be a number from 1 to 12",
            {"month"},
        ),
        ({"day": "1", "month": "3", "year": "25"}, "year must have 4 numbers", {"year"}),
        ({"day": "x", "month": "3", "year": "2025"}, "Enter the day as a number.", {"day"}),
        ({"day": "١٢", "month": "3", "year": "2025"}, "Enter the day as a number.", {"day"}),
        ({"day": "9" * 20, "month": "3", "year": "2025"}, "must be a real date", {"day"}),
    ],
)
def test_each_problem_names_the_box_that_is_wrong(app, parts, message, wrong):
    data = {f"checked-{k}": v for k, v in parts.items()} | {"checked-day": parts.get("day", "")}
    form, html = _form(app, data)
    assert form.checked.data is None
    assert any(message in e for e in form.checked.errors), form.checked.errors
    assert form.checked.wrong_parts == wrong
    for part in ("day", "month", "year"):
        box = re.search(rf'<input[^>]*name="checked-{part}"[^>]*>', html).group(0)
        assert ('aria-invalid="true"' in box) == (part in wrong), box
    # What was typed stays in the boxes.
    for value in parts.values():
        assert f'value="{value}"' in html


def test_an_optional_date_left_empty_is_no_date_and_its_message_drops_optional(app):
    form, _ = _form(app, {"born-day": "", "born-month": "", "born-year": ""})
    assert form.born.data is None and not form.born.errors
    form, _ = _form(app, {"born-day": "3", "born-month": "", "born-year": "1938"})
    assert form.born.errors == ["Date of birth must include a month."]


def test_bounds_are_said_plainly(app):
    form, _ = _form(app, {"expires-day": "1", "expires-month": "1", "expires-year": "1989"})
    assert form.expires.errors == ["Expiry date must be on or after 1 January 1990."]
    far = clock.today().year + 11
    form, _ = _form(app, {"expires-day": "1", "expires-month": "1", "expires-year": str(far)})
    assert form.expires.errors == ["Expiry date must be at most 10 years ahead."]


def test_a_whole_iso_date_from_a_link_is_read_too(app):
    form, html = _form(app, {"checked": "2025-03-14"})
    assert form.checked.data == date(2025, 3, 14)
    assert 'value="14"' in html and 'value="2025"' in html


def test_the_boxes_are_labelled_in_a_fieldset_with_the_legend(app):
    _, html = _form(app, {})
    assert "<legend>Date of the check</legend>" in html
    for part, label in (("day", "Day"), ("month", "Month"), ("year", "Year")):
        assert re.search(rf'<label for="[^"]*">{label}</label>', html)
        assert f'name="checked-{part}"' in html and 'inputmode="numeric"' in html


def test_the_meal_form_takes_three_boxes_and_keeps_them_on_an_error(client, auth, database):
    area = f.area()
    cook = f.cook(area, user=f.user(Role.COOK, email="cook@example.org"))
    diner = f.diner(area, carer=f.user(Role.CARER, email="carer@example.org"))
    pairing = f.pairing(cook, diner, status=PairingStatus.ACTIVE)
    pairing.started_at = utcnow() - timedelta(days=5)
    auth.login("cook@example.org")
    form = client.get(f"/pairings/{pairing.id}/meals/new").get_data(as_text=True)
    assert 'name="shared_on-day"' in form and "<legend>Date of the meal</legend>" in form
    page = client.post(
        f"/pairings/{pairing.id}/meals/new",
        data={
            "shared_on-day": "31",
            "shared_on-month": "2",
            "shared_on-year": "2026",
            "dish": "Soup",
        },
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "must be a real date" in html and 'value="Soup"' in html
    today = clock.today()
    page = client.post(
        f"/pairings/{pairing.id}/meals/new",
        data={
            "shared_on-day": str(today.day),
            "shared_on-month": str(today.month),
            "shared_on-year": str(today.year),
            "dish": "Soup",
        },
        follow_redirects=True,
    )
    assert "Meal logged" in page.get_data(as_text=True)
    assert [m.shared_on for m in pairing.meals] == [today]


@pytest.mark.parametrize(
    "value", ["", " ", "0", "-1", "١٢", "²", "9" * 40, "1e309", "\x00", "😀", "March", "13"]
)
def test_odd_boxes_in_a_query_string_are_a_4xx_or_a_page_never_a_5xx(client, auth, database, value):
    area = f.area("Barnet", ("N3",))
    coordinator = f.user(Role.COORDINATOR, email="coord@example.org")
    coordinator.areas = [area]
    database.session.commit()
    auth.login("coord@example.org")
    for part in ("start-day", "start-month", "start-year", "end-year"):
        query = {"period": "custom", "start-day": "1", "start-month": "1", "start-year": "2025"}
        query |= {"end-day": "1", "end-month": "6", "end-year": "2025", part: value}
        response = client.get("/coordinator/barnet/figures", query_string=query)
        assert response.status_code in (200, 422), (part, value, response.status_code)
