"""Welfare checks on the console: the open ones on top, one page each to record the outcome."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from casserole import clock
from casserole.auth.validators import FreeText
from casserole.coordinator.blueprint import area_or_404, bp, coordinators_only
from casserole.forms_common import at_most, strip
from casserole.models.welfare import (
    VISIT_REPORT_LABELS,
    WELFARE_OUTCOME_LABELS,
    WelfareOutcome,
)
from casserole.services import welfare
from casserole.services.welfare_messages import found_words


class OutcomeForm(FlaskForm):
    """How a welfare check ended."""

    outcome = RadioField(
        "What happened?",
        choices=[SelectChoice(k.value, label) for k, label in WELFARE_OUTCOME_LABELS.items()],
        validators=[InputRequired("Choose what happened.")],
    )
    note = TextAreaField(
        "Notes for the case log",
        filters=[strip],
        validators=[FreeText(), at_most(2000)],
    )
    submit = SubmitField("Record the outcome and close the check")


@bp.route("/<slug>/welfare/<int:check_id>", methods=["GET", "POST"])
@coordinators_only
def welfare_check(slug: str, check_id: int) -> Any:
    """One welfare check: what the cook found, who to call, and the outcome form."""
    area = area_or_404(slug)
    check = welfare.check_in_area(area, check_id)
    if check is None:
        abort(404, description="We could not find that welfare check in this area.")
    if request.method == "POST" and check.closed_at is not None:
        abort(409, description="This welfare check is already closed.")
    form = OutcomeForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            welfare.record_outcome(
                area,
                check,
                WelfareOutcome(form.outcome.data),
                form.note.data or "",
                current_user,
                client_address=request.remote_addr,
            )
        except welfare.WelfareError as err:
            target = form._fields.get(err.field_name) or form.outcome
            target.errors = [*target.errors, err.message]
        else:
            flash(f"Welfare check {check.id} is closed and noted in the case log.", "success")
            return redirect(url_for("coordinator.area", slug=slug))
    return (
        render_template(
            "coordinator/welfare_check.html",
            area=area,
            check=check,
            form=form,
            overdue=welfare.is_overdue(check),
            hours=welfare.escalation_hours(),
        ),
        422 if form.errors else 200,
    )


@bp.app_context_processor
def welfare_helpers() -> dict[str, Any]:
    """Welfare checks for the console, the pairing page and home pages."""
    return {
        "open_welfare_checks": welfare.open_in_area,
        "pairing_welfare_checks": welfare.for_pairing,
        "welfare_overdue": welfare.is_overdue,
        "visit_report_labels": VISIT_REPORT_LABELS,
        "welfare_outcome_labels": WELFARE_OUTCOME_LABELS,
        "welfare_found": found_words,
        "uk_time": lambda moment: clock.local_time(moment).strftime("%H:%M"),
    }
