"""Profile views: a cook's cooking, checks and breaks; diners' details; who sees whom."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from casserole.access import roles_required
from casserole.formatting import km_to_miles
from casserole.forms_common import show_errors
from casserole.models import ConsentMethod, ContactWay, CookProfile, Role
from casserole.profiles.forms import (
    AddDinerForm,
    BreakForm,
    CarerContactForm,
    CookForm,
    DinerForm,
    contact_way_value,
    diner_details,
)
from casserole.services import profiles, signup
from casserole.services.accounts import FieldError
from casserole.services.pairings import breaks
from casserole.services.profiles import NotFound
from casserole.services.profiles.contact import set_carer_contact
from casserole.services.waiting_list import Waitlisted
from casserole.signup.routes import TYPED_KEY, show_waiting, typed_back

bp = Blueprint("profiles", __name__, url_prefix="/profile")

# The diner a carer last opened (where /profile/diner leads); checked against their list on use.
SELECTED_KEY = "selected_diner_id"


def _rendered(template: str, form: Any, **context: Any) -> tuple[str, int]:
    return render_template(template, form=form, **context), 422 if form.errors else 200


def _my_cook() -> CookProfile:
    cook = current_user.cook_profile
    if cook is None:
        abort(404)
    return cook


@bp.route("/cook", methods=["GET", "POST"])
@roles_required(Role.COOK)
def cook() -> str | Response | tuple[str, int]:
    """A cook's days, cooking, capacity, distance and introduction."""
    cook = _my_cook()
    form = CookForm()
    if not form.is_submitted():
        form = CookForm(
            data={
                "days": sorted(cook.days),
                "availability_note": cook.availability_note,
                "can_cook": sorted(cook.can_cook),
                "keeps_out": sorted(cook.keeps_out),
                "capacity": cook.capacity,
                "max_miles": round(km_to_miles(cook.max_km), 1),
                "introduction": cook.introduction,
                "postcode": cook.postcode,
                "address_line": cook.address_line,
                "birth_year": cook.birth_year,
                "phone": cook.user.phone or "",
                "preferred_contact": (cook.user.preferred_contact or ContactWay.EMAIL).value,
            }
        )
    elif form.validate():
        try:
            profiles.update_cook(
                cook,
                profiles.CookDetails(
                    days=set(form.days.data or []),
                    availability_note=form.availability_note.data or "",
                    can_cook=set(form.can_cook.data or []),
                    keeps_out=set(form.keeps_out.data or []),
                    capacity=form.capacity.data,
                    max_miles=form.max_miles.data,
                    introduction=form.introduction.data or "",
                    postcode=form.postcode.data or "",
                    address_line=form.address_line.data or "",
                    birth_year=form.birth_year.data,
                    phone=form.phone.data or "",
                    preferred_contact=contact_way_value(form),
                ),
            )
        except FieldError as err:
            show_errors(form, err)
        else:
            flash(gettext("Your cooking details are saved."), "success")
            return redirect(url_for("profiles.checks"))
    return _rendered("profiles/cook.html", form, cook=cook)


@bp.route("/cook/checks")
@roles_required(Role.COOK)
def checks() -> str:
    """Where the cook stands with their checks, and what they still need to do (read-only)."""
    cook = _my_cook()
    return render_template(
        "profiles/checks.html",
        cook=cook,
        status=profiles.vetting_status(cook),
        form=BreakForm(),
        planned=breaks.current_break(cook),
        covers=breaks.current_covers(cook),
        no_end_note=breaks.NO_END_NOTE,
    )


@bp.route("/cook/break", methods=["POST"])
@roles_required(Role.COOK)
def take_break() -> str | Response | tuple[str, int]:
    """Plan a break (the diners are told, stand-ins sought) or come back."""
    cook = _my_cook()
    form = BreakForm()
    if form.validate_on_submit():
        try:
            if form.action.data == "resume":
                breaks.cancel_break(cook, actor=current_user, client_address=request.remote_addr)
                flash(
                    gettext("Welcome back: your meals and introductions go on as usual."),
                    "success",
                )
            else:
                breaks.plan_break(
                    cook,
                    form.first_day.data,
                    form.last_day.data,
                    actor=current_user,
                    client_address=request.remote_addr,
                )
                flash(
                    gettext("Your break is planned: the neighbours you cook for have been told."),
                    "success",
                )
            return redirect(url_for("profiles.checks"))
        except FieldError as err:
            show_errors(form, err)
    return _rendered(
        "profiles/checks.html",
        form,
        cook=cook,
        status=profiles.vetting_status(cook),
        planned=breaks.current_break(cook),
        covers=breaks.current_covers(cook),
        no_end_note=breaks.NO_END_NOTE,
    )


@bp.route("/contact", methods=["GET", "POST"])
@roles_required(Role.CARER)
def carer_contact() -> str | Response | tuple[str, int]:
    """A carer's own phone number and way of contact (diners' and cooks' are on their forms)."""
    form = CarerContactForm()
    if not form.is_submitted():
        way = (current_user.preferred_contact or ContactWay.EMAIL).value
        form = CarerContactForm(data={"phone": current_user.phone or "", "preferred_contact": way})
    elif form.validate():
        try:
            set_carer_contact(
                current_user, form.phone.data or "", contact_way_value(form) or ContactWay.EMAIL
            )
        except FieldError as err:
            show_errors(form, err)
        else:
            flash(gettext("How we get in touch with you is saved."), "success")
            return redirect(url_for("main.index"))
    return _rendered("profiles/carer_contact.html", form)


@bp.route("/diner")
@login_required
def diner() -> Response:
    """The diner's own details, or those of the person a carer is looking after right now."""
    chosen = profiles.selected_diner(current_user, session.get(SELECTED_KEY))
    if chosen is None:
        if current_user.role == Role.CARER:
            return redirect(url_for("profiles.add_diner"))
        abort(404)
    return redirect(url_for("profiles.diner_details_page", diner_id=chosen.id))


@bp.route("/diners/new", methods=["GET", "POST"])
@roles_required(Role.CARER)
def add_diner() -> str | Response | tuple[str, int]:
    """A carer signs up someone they look after."""
    form = AddDinerForm(**typed_back("profiles.add_diner"))
    if form.validate_on_submit():
        try:
            result = signup.add_managed_diner(
                current_user,
                diner_details(form),
                form.relationship.data or "",
                ConsentMethod(form.consent_method.data),
            )
        except FieldError as err:
            show_errors(form, err)
        else:
            if isinstance(result, Waitlisted):
                return show_waiting(result)
            session.pop(TYPED_KEY, None)
            session[SELECTED_KEY] = result.id
            flash(
                gettext(
                    "%(name)s is signed up. We will look for a cook nearby.", name=result.first_name
                ),
                "success",
            )
            return redirect(url_for("profiles.diner_details_page", diner_id=result.id))
    return _rendered("profiles/add_diner.html", form)


@bp.route("/diners/<int:diner_id>", methods=["GET", "POST"])
@login_required
def diner_details_page(diner_id: int) -> str | Response | tuple[str, int]:
    """A diner's details: the diner's own or a carer's; everyone else gets a 404."""
    try:
        diner = profiles.own_diner(current_user, diner_id)
    except NotFound:
        abort(404)
    if current_user.role == Role.CARER:
        session[SELECTED_KEY] = diner.id
    form = DinerForm()
    if not form.is_submitted():
        way = (diner.preferred_contact or ContactWay.EMAIL).value
        form = DinerForm(
            obj=diner,
            data={
                "days": sorted(diner.days),
                "needs": sorted(diner.needs),
                "allergens": sorted(diner.allergens),
                "radius_miles": round(km_to_miles(diner.max_km), 1),
                "preferred_contact": way,
            },
        )
    elif form.validate():
        try:
            profiles.update_diner(diner, diner_details(form))
        except FieldError as err:
            show_errors(form, err)
        else:
            flash(gettext("Saved."), "success")
            return redirect(url_for("profiles.diner_details_page", diner_id=diner.id))
    return _rendered("profiles/diner.html", form, diner=diner)


@bp.route("/neighbours/<int:diner_id>")
@roles_required(Role.COOK)
def neighbour(diner_id: int) -> str:
    """A diner as their cook sees them: the address and notes only once the pairing is live."""
    try:
        view = profiles.neighbour_for_cook(current_user, diner_id, request.remote_addr)
    except NotFound:
        abort(404)
    return render_template("profiles/neighbour.html", view=view)


@bp.route("/cooks/<int:cook_id>")
@roles_required(Role.DINER, Role.CARER)
def cook_for_diner(cook_id: int) -> str:
    """A cook as the diner's side sees them: first name and introduction."""
    try:
        view = profiles.cook_for_diner_side(current_user, cook_id)
    except NotFound:
        abort(404)
    return render_template("profiles/cook_card.html", view=view)
