"""Setting up a scheme: areas, coordinators (invite, areas) and deactivating accounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casserole.access import roles_required
from casserole.admin.forms import AreaForm, CoordinatorAreasForm, InviteForm
from casserole.admin.routes import bp
from casserole.forms_common import confirmed_post, show_errors
from casserole.models import Role
from casserole.services.accounts import FieldError
from casserole.services.admin import areas as area_admin
from casserole.services.admin import people

admins_only = roles_required(Role.ADMIN)


def _choices(form: Any) -> None:
    form.areas.choices = [(a.id, a.name) for a in area_admin.all_areas()]


@bp.route("/areas")
@admins_only
def areas() -> str:
    """Every area with its districts, and a link to make a new one."""
    return render_template("admin/areas.html", areas=area_admin.all_areas())


@bp.route("/areas/new", methods=["GET", "POST"])
@bp.route("/areas/<int:area_id>", methods=["GET", "POST"])
@admins_only
def edit_area(area_id: int | None = None) -> Any:
    """Create or edit an area; new districts open at once (their waiting list is e-mailed)."""
    area = area_admin.area(area_id) if area_id is not None else None
    if area_id is not None and area is None:
        abort(404, description="There is no such area.")
    form = AreaForm()
    if area is not None and not form.is_submitted():
        form.process(
            data={
                "name": area.name,
                "meal_cost": Decimal(area.meal_cost_pence) / 100,
                "contact_email": area.contact_email or "",
                "contact_phone": area.contact_phone or "",
            }
        )
    if form.validate_on_submit():
        details = area_admin.AreaDetails(
            name=form.name.data or "",
            districts=form.districts.data or "",
            meal_cost_pence=int(round(form.meal_cost.data * 100)),
            contact_email=form.contact_email.data or "",
            contact_phone=form.contact_phone.data or "",
        )
        try:
            saved = area_admin.save_area(current_user, details, area, request.remote_addr)
        except FieldError as err:
            show_errors(form, err)
        else:
            flash(f"{saved.name} saved.", "success")
            return redirect(url_for("admin.edit_area", area_id=saved.id))
    status = 422 if form.errors else 200
    return render_template("admin/area_form.html", form=form, area=area), status


@bp.route("/coordinators", methods=["GET", "POST"])
@admins_only
def coordinators() -> Any:
    """Coordinators and their areas; invite a new one by e-mail (a signed, single-use link)."""
    form = InviteForm()
    _choices(form)
    if form.validate_on_submit():
        try:
            invited = people.invite_coordinator(
                current_user,
                form.email.data or "",
                form.first_name.data or "",
                form.last_name.data or "",
                list(form.areas.data or []),
                request.remote_addr,
            )
        except FieldError as err:
            show_errors(form, err)
        else:
            flash(f"We have e-mailed {invited.user.email} a link to start.", "success")
            return redirect(url_for("admin.coordinators"))
    status = 422 if form.errors else 200
    return render_template(
        "admin/coordinators.html", form=form, people=people.coordinators()
    ), status


@bp.route("/coordinators/<int:user_id>/areas", methods=["GET", "POST"])
@admins_only
def coordinator_areas(user_id: int) -> Any:
    """Give a coordinator areas or take them away."""
    user = people.account(user_id)
    if user is None or user.role != Role.COORDINATOR:
        abort(404, description="There is no such coordinator.")
    form = CoordinatorAreasForm()
    _choices(form)
    if not form.is_submitted():
        form.areas.data = [a.id for a in user.areas]
    if form.validate_on_submit():
        try:
            people.set_areas(current_user, user, list(form.areas.data or []), request.remote_addr)
        except FieldError as err:
            show_errors(form, err)
        else:
            flash(f"{user.display_name}'s areas saved.", "success")
            return redirect(url_for("admin.coordinators"))
    status = 422 if form.errors else 200
    return render_template("admin/coordinator_areas.html", form=form, user=user), status


@bp.route("/accounts")
@admins_only
def accounts() -> str:
    """Find any account by e-mail or name, to deactivate or reactivate it."""
    query = request.args.get("q", "").strip()[:100]
    return render_template("admin/accounts.html", query=query, found=people.find_accounts(query))


@bp.route("/accounts/<int:user_id>/active", methods=["POST"])
@admins_only
@confirmed_post
def set_active(user_id: int) -> Any:
    """Deactivate or reactivate an account; the last admin cannot be deactivated."""
    user = people.account(user_id)
    if user is None:
        abort(404, description="There is no such account.")
    active = request.form.get("active") == "1"
    try:
        people.set_active(current_user, user, active, request.remote_addr)
    except people.LastAdmin as err:
        abort(409, description=str(err))
    flash(f"{user.email} is {'active again' if active else 'deactivated'}.", "success")
    return redirect(url_for("admin.accounts", q=user.email))
