"""The cook's meal-day report: could not come, nobody answered, the diner seemed unwell."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from casserole import clock
from casserole.auth.validators import FreeText
from casserole.forms_common import at_most, strip
from casserole.models.welfare import VISIT_REPORT_LABELS, VisitReport
from casserole.pairings.blueprint import bp, refusals
from casserole.services import pairings, welfare
from casserole.services.pairings.states import Action, authorise


class VisitReportForm(FlaskForm):
    """What happened on a meal day, when it was not a meal."""

    kind = RadioField(
        _l("What happened?"),
        choices=[SelectChoice(k.value, label) for k, label in VISIT_REPORT_LABELS.items()],
        validators=[InputRequired(_l("Choose what happened."))],
    )
    day = DateField(
        _l("Which day?"),
        default=clock.today,
        validators=[InputRequired(_l("Enter the date, like 2025-03-14."))],
    )
    note = TextAreaField(
        _l("Anything else we should know? (optional)"),
        filters=[strip],
        validators=[FreeText(), at_most(500)],
    )
    submit = SubmitField(_l("Send the report"))


_TOLD_SIDE = _l("Thank you. We have told %(name)s's side that you could not come.")
_TOLD_CARER = _l(
    "Thank you. We have told %(name)s's carer and the coordinator, who will check on %(name)s now."
)
DONE = {
    VisitReport.COULD_NOT_COME: _TOLD_SIDE,
    VisitReport.NOBODY_ANSWERED: _TOLD_CARER,
    VisitReport.SEEMED_UNWELL: _TOLD_CARER,
}


@bp.route("/<int:pairing_id>/report", methods=["GET", "POST"])
@login_required
@refusals
def report_visit(pairing_id: int) -> Any:
    """The cook reports a meal day that did not go as planned."""
    page = pairings.page_for(pairing_id, current_user, client_address=request.remote_addr)
    authorise(Action.REPORT_VISIT, page.pairing.status, page.sides)
    form = VisitReportForm()
    if form.validate_on_submit():
        kind = VisitReport(form.kind.data)
        try:
            welfare.report_visit(
                pairing_id,
                current_user,
                kind,
                form.day.data,
                form.note.data or "",
                client_address=request.remote_addr,
            )
        except pairings.PairingError as err:
            if err.field is None or err.field not in form:
                raise
            form[err.field].errors = [*form[err.field].errors, err.message]
        else:
            flash(str(DONE[kind]) % {"name": page.pairing.diner.first_name}, "success")
            return redirect(url_for("pairings.show", pairing_id=pairing_id))
    return (
        render_template("pairings/report_visit.html", page=page, form=form),
        422 if form.errors else 200,
    )
