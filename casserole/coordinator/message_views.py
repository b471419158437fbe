"""The console's message pages: the call list, the printable letters and failed messages."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length

from casserole.coordinator.blueprint import area_or_404, bp, coordinators_only
from casserole.formatting import plural
from casserole.forms_common import ConfirmForm, confirmed_post, strip
from casserole.params import coerce_id
from casserole.services import mail
from casserole.services.coordinator import messages


class CallOutcomeForm(FlaskForm):
    """What came of ringing someone on the call list."""

    outcome = TextAreaField(
        "What came of the call",
        filters=[strip],
        validators=[
            DataRequired("Write what came of the call."),
            Length(max=messages.MAX_OUTCOME, message="Keep it under 2,000 characters."),
        ],
    )


class PrintedForm(FlaskForm):
    """The letters of a printed batch, by number."""

    letter = SelectMultipleField("Letters", coerce=coerce_id, validate_choice=False)


def _calls_page(area: Any, failed: tuple[int, CallOutcomeForm] | None = None) -> str:
    return render_template(
        "coordinator/calls.html",
        area=area,
        calls=messages.calls_to_make(area),
        person_of=messages.person_of,
        failed=failed,
        form_for=lambda _row: CallOutcomeForm(formdata=None),
    )


@bp.route("/<slug>/calls")
@coordinators_only
def calls(slug: str) -> str:
    """People who asked to be rung: who, the number, and what about."""
    return _calls_page(area_or_404(slug))


@bp.route("/<slug>/calls/<int:message_id>", methods=["POST"])
@coordinators_only
def record_call(slug: str, message_id: int) -> Any:
    """Tick a call off with its outcome, which goes into the person's case log."""
    area = area_or_404(slug)
    if messages.call_in(area, message_id) is None:
        abort(404, description="We could not find that call waiting in this area.")
    form = CallOutcomeForm()
    if form.validate_on_submit():
        try:
            row = messages.record_call(
                area, message_id, form.outcome.data or "", current_user, request.remote_addr
            )
        except messages.MessageError as err:
            form.outcome.errors = [*form.outcome.errors, str(err)]
        else:
            if row is None:
                abort(404, description="We could not find that call waiting in this area.")
            flash("Call recorded in the case log.", "success")
            return redirect(url_for("coordinator.calls", slug=slug))
    return _calls_page(area, (message_id, form)), 422


@bp.route("/<slug>/letters")
@coordinators_only
def letters(slug: str) -> str:
    """The letters waiting to be printed, one per page, addressed for a DL window envelope."""
    area = area_or_404(slug)
    return render_template(
        "coordinator/letters.html",
        area=area,
        letters=messages.letters_to_print(area),
        form=PrintedForm(formdata=None),
    )


@bp.route("/<slug>/letters/printed", methods=["POST"])
@coordinators_only
def letters_printed(slug: str) -> Any:
    """Mark the batch just printed as printed (and, without Notify, as sent)."""
    area = area_or_404(slug)
    form = PrintedForm()
    if not form.validate_on_submit():
        abort(400, description="That batch was not one we can read; print the page again.")
    try:
        count = messages.mark_printed(
            area, form.letter.data or [], current_user, request.remote_addr
        )
    except messages.MessageError as err:
        abort(400, description=str(err))
    flash(f"Marked {plural(count, 'letter')} as printed.", "success")
    return redirect(url_for("coordinator.letters", slug=slug))


@bp.route("/<slug>/messages/<int:failed_id>/again", methods=["POST"])
@coordinators_only
@confirmed_post
def send_again(slug: str, failed_id: int) -> Any:
    """Send a failed message again, to the person's details as they are now."""
    area = area_or_404(slug)
    try:
        row = messages.send_again(area, failed_id, current_user, request.remote_addr)
    except messages.MessageError as err:
        flash(str(err), "error")
        return redirect(url_for("coordinator.failed_messages", slug=slug))
    if row is None:
        abort(404, description="We could not find that failed message in this area.")
    mail.dispatch()
    flash("Sent again. If it fails again it comes back to this list.", "success")
    return redirect(url_for("coordinator.failed_messages", slug=slug))


@bp.route("/<slug>/messages/failed")
@coordinators_only
def failed_messages(slug: str) -> str:
    """Messages that could not be sent, with who they were for and why."""
    area = area_or_404(slug)
    return render_template(
        "coordinator/failed_messages.html",
        area=area,
        rows=messages.failed(area),
        person_of=messages.person_of,
        form=ConfirmForm(formdata=None),
    )
