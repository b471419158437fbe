"""Pairing views for the people in a pairing: one page per pairing, one small form per step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from casserole import clock
from casserole.formatting import word_list
from casserole.forms_common import confirmed_post
from casserole.models import EndReason

# The coordinators' views register on the same blueprint when their module is imported.
from casserole.pairings import coordination, welfare_views  # noqa: F401
from casserole.pairings.blueprint import bp, refusals
from casserole.pairings.forms import (
    ConcernForm,
    ConfirmForm,
    DeathForm,
    DeclineForm,
    EndForm,
    FeedbackForm,
    MealForm,
    PauseForm,
)
from casserole.services import pairings
from casserole.services.pairings.allergens import allergen_clash
from casserole.services.pairings.meals import default_meal_day
from casserole.services.pairings.reach import sides_of
from casserole.services.pairings.states import Action, Side, authorise

__all__ = ["bp"]


def _page_allowing(pairing_id: int, action: Action) -> pairings.PairingPage:
    """The pairing page, refusing at once (with the reason) if `action` is not possible now."""
    page = pairings.page_for(pairing_id, current_user, client_address=request.remote_addr)
    authorise(action, page.pairing.status, page.sides)
    return page


def _form_step(
    pairing_id: int,
    action: Action,
    form: FlaskForm,
    template: str,
    run: Callable[[], object],
    done: str | Callable[[Any], tuple[str, str]],
    prepare: Callable[[pairings.PairingPage], None] | None = None,
) -> Any:
    """Show a step's form; on a valid post run the service, or put its reason by the field.

    `done` is the message for success, or a function of the service's result giving the
    message and its category (a meal with the diner's allergen is a warning, not thanks).
    `prepare` fills the form from the pairing (a default that depends on it) before checking.
    """
    page = _page_allowing(pairing_id, action)
    if prepare is not None:
        prepare(page)
    if form.validate_on_submit():
        try:
            result = run()
        except pairings.PairingError as err:
            if err.field is None or err.field not in form:
                raise
            form[err.field].errors = [*form[err.field].errors, err.message]
        else:
            message, category = done(result) if callable(done) else (done, "success")
            flash(str(message), category)
            return redirect(url_for("pairings.show", pairing_id=pairing_id))
    return render_template(template, page=page, form=form), 422 if form.errors else 200


@bp.route("/")
@login_required
def index() -> str:
    """Everything a person has to do with pairings, what is going and what is over."""
    return render_template("pairings/index.html", view=pairings.overview_for(current_user))


@bp.route("/<int:pairing_id>")
@login_required
@refusals
def show(pairing_id: int) -> str:
    """One pairing as this person may see it."""
    page = pairings.page_for(pairing_id, current_user, client_address=request.remote_addr)
    return render_template("pairings/show.html", page=page, form=ConfirmForm())


@bp.route("/<int:pairing_id>/accept", methods=["POST"])
@login_required
@refusals
@confirmed_post
def accept(pairing_id: int) -> Response:
    """The cook, then the diner or their carer, say yes."""
    pairing = pairings.accept(pairing_id, current_user, client_address=request.remote_addr)
    flash(
        gettext("Thank you. Meals can start: you will find the contact details below.")
        if pairing.started_at
        else gettext("Thank you. We have asked them to say yes too."),
        "success",
    )
    return redirect(url_for("pairings.show", pairing_id=pairing_id))


@bp.route("/<int:pairing_id>/decline", methods=["GET", "POST"])
@login_required
@refusals
def decline(pairing_id: int) -> Any:
    """Say no to a proposal, with a reason."""
    form = DeclineForm()
    return _form_step(
        pairing_id,
        Action.DECLINE,
        form,
        "pairings/decline.html",
        lambda: pairings.decline(
            pairing_id, current_user, form.reason.data or "", client_address=request.remote_addr
        ),
        _l("Thank you for letting us know. We will not suggest this pairing again."),
    )


@bp.route("/<int:pairing_id>/pause", methods=["GET", "POST"])
@login_required
@refusals
def pause(pairing_id: int) -> Any:
    """Pause meals for a while."""
    form = PauseForm()
    return _form_step(
        pairing_id,
        Action.PAUSE,
        form,
        "pairings/pause.html",
        lambda: pairings.pause(
            pairing_id, current_user, form.reason.data or "", client_address=request.remote_addr
        ),
        _l("Meals are paused. Restart them here whenever you are ready."),
    )


@bp.route("/<int:pairing_id>/resume", methods=["POST"])
@login_required
@refusals
@confirmed_post
def resume(pairing_id: int) -> Response:
    """Restart meals after a pause."""
    pairings.resume(pairing_id, current_user, client_address=request.remote_addr)
    flash(gettext("Meals have restarted."), "success")
    return redirect(url_for("pairings.show", pairing_id=pairing_id))


@bp.route("/<int:pairing_id>/end", methods=["GET", "POST"])
@login_required
@refusals
def end(pairing_id: int) -> Any:
    """End a pairing (the page first offers to tell the coordinator what is wrong)."""
    form = EndForm()
    return _form_step(
        pairing_id,
        Action.END,
        form,
        "pairings/end.html",
        lambda: pairings.end(
            pairing_id,
            current_user,
            EndReason(form.reason.data),
            form.note.data or "",
            client_address=request.remote_addr,
        ),
        _l("The pairing has ended. Thank you for everything you shared."),
    )


@bp.route("/<int:pairing_id>/died", methods=["GET", "POST"])
@login_required
@refusals
def died(pairing_id: int) -> Any:
    """A diner has died: a gentle step of its own (no reasons list, no feedback asked)."""
    form = DeathForm()
    return _form_step(
        pairing_id,
        Action.END,
        form,
        "pairings/died.html",
        lambda: pairings.end(
            pairing_id,
            current_user,
            EndReason.DIED,
            form.note.data or "",
            client_address=request.remote_addr,
        ),
        _death_recorded,
    )


def _death_recorded(pairing: Any) -> tuple[str, str]:
    """Condolence for those who knew the diner; the plain record for a coordinator."""
    if Side.COORDINATOR in sides_of(current_user, pairing):
        return (
            f"Recorded: {pairing.diner.first_name} has died. The pairing has ended and "
            "the cook has been told.",
            "success",
        )
    return gettext("Thank you for telling us. We are very sorry for your loss."), "success"


@bp.route("/<int:pairing_id>/meals/new", methods=["GET", "POST"])
@login_required
@refusals
def log_meal(pairing_id: int) -> Any:
    """The cook logs a meal (a stand-in, only on the days of the break it covers)."""
    form = MealForm()

    def start_date(page: pairings.PairingPage) -> None:
        if not form.is_submitted():
            form.shared_on.process(None, default_meal_day(page.pairing, clock.today()))

    return _form_step(
        pairing_id,
        Action.LOG_MEAL,
        form,
        "pairings/meal.html",
        lambda: pairings.log_meal(
            pairing_id,
            current_user,
            form.shared_on.data,
            form.dish.data or "",
            form.allergen_note.data or "",
            client_address=request.remote_addr,
            allergens=form.allergens.data or [],
        ),
        _meal_logged,
        start_date,
    )


def _meal_logged(meal: Any) -> tuple[str, str]:
    """Thanks for a safe meal; a clear warning when it contained the diner's allergen."""
    clash = allergen_clash(meal, meal.pairing)
    if not clash:
        return gettext("Meal logged. Thank you!"), "success"
    return (
        gettext(
            "Warning: %(diner)s is allergic to %(words)s, and this meal contained %(words)s. "
            "Make sure %(diner)s does not eat it. If there is swelling, difficulty breathing or "
            "feeling faint, call 999 at once. The meal is recorded and the coordinator and "
            "%(diner)s's carer have been told.",
            diner=meal.pairing.diner.first_name,
            words=word_list(clash),
        ),
        "error",
    )


@bp.route("/<int:pairing_id>/meals/<int:meal_id>/confirm", methods=["POST"])
@login_required
@refusals
@confirmed_post
def confirm_meal(pairing_id: int, meal_id: int) -> Response:
    """The diner or carer confirms a meal arrived."""
    pairings.confirm_meal(pairing_id, meal_id, current_user, client_address=request.remote_addr)
    flash(gettext("Thank you for confirming the meal."), "success")
    return redirect(url_for("pairings.show", pairing_id=pairing_id))


@bp.route("/<int:pairing_id>/feedback", methods=["GET", "POST"])
@login_required
@refusals
def feedback(pairing_id: int) -> Any:
    """A rating and a comment."""
    form = FeedbackForm()
    return _form_step(
        pairing_id,
        Action.FEEDBACK,
        form,
        "pairings/feedback.html",
        lambda: pairings.leave_feedback(
            pairing_id,
            current_user,
            int(form.rating.data or 0),
            form.comment.data or "",
            client_address=request.remote_addr,
        ),
        _l("Thank you for telling us how it is going."),
    )


@bp.route("/<int:pairing_id>/concern", methods=["GET", "POST"])
@login_required
@refusals
def concern(pairing_id: int) -> Any:
    """Tell the area's coordinators something is wrong."""
    form = ConcernForm()
    return _form_step(
        pairing_id,
        Action.CONCERN,
        form,
        "pairings/concern.html",
        lambda: pairings.raise_concern(
            pairing_id,
            current_user,
            form.comment.data or "",
            client_address=request.remote_addr,
            urgent=bool(form.safeguarding.data),
        ),
        _l("Thank you. The coordinator has been told and will be in touch."),
    )
