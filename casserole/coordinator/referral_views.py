"""Casework views for people: registering diners directly, consent, referrals and their import."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casserole.coordinator.blueprint import area_or_404, bp, coordinators_only
from casserole.coordinator.casework_forms import (
    ConsentForm,
    HandOverForm,
    ImportForm,
    RegisterCookForm,
    RegisterDinerForm,
)
from casserole.jobs import kinds, runner
from casserole.models import Area, ConsentMethod, ContactWay, DinerProfile, ReferrerKind
from casserole.profiles.forms import diner_details
from casserole.services.accounts import FieldError
from casserole.services.casework import imports, registration


def _or_none(enum_cls: Any, value: str | None) -> Any:
    return enum_cls(value) if value else None


def _referral(form: RegisterDinerForm) -> registration.Referral:
    return registration.Referral(
        details=diner_details(form),
        consent_method=_or_none(ConsentMethod, form.consent_method.data),
        preferred_contact=_or_none(ContactWay, form.preferred_contact.data),
        emergency_contact_name=form.emergency_contact_name.data or "",
        emergency_contact_phone=form.emergency_contact_phone.data or "",
        referrer_kind=_or_none(ReferrerKind, form.referrer_kind.data),
        referrer_name=form.referrer_name.data or "",
        referrer_organisation=form.referrer_organisation.data or "",
        referrer_contact=form.referrer_contact.data or "",
    )


def put_errors(form: Any, err: FieldError) -> None:
    """Show each of a service's field problems next to its field (else by the first field)."""
    for name, message in err.errors.items():
        target = form._fields.get(name) or next(iter(form._fields.values()))
        target.errors = [*target.errors, message]


@bp.route("/<slug>/diners/new", methods=["GET", "POST"])
@coordinators_only
def register_diner(slug: str) -> Any:
    """Register a diner met by phone, on paper or through a referrer: no e-mail, no password."""
    area = area_or_404(slug)
    form = RegisterDinerForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                diner = registration.register_diner(
                    area, _referral(form), current_user, client_address=request.remote_addr
                )
            except FieldError as err:
                put_errors(form, err)
            else:
                flash(f"{diner.display_name} is registered.", "success")
                return redirect(url_for("coordinator.diner_referral", slug=slug, diner_id=diner.id))
    return render_template("coordinator/register_diner.html", area=area, form=form), status


@bp.route("/<slug>/cooks/new", methods=["GET", "POST"])
@coordinators_only
def register_cook(slug: str) -> Any:
    """Register a cook met in person; with an e-mail address they choose a password from a link."""
    area = area_or_404(slug)
    form = RegisterCookForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            met = registration.CookInPerson(
                **{k: form[k].data or "" for k in registration.CookInPerson.__dataclass_fields__}
            )
            try:
                cook = registration.register_cook(
                    area, met, current_user, client_address=request.remote_addr
                )
            except FieldError as err:
                put_errors(form, err)
            else:
                flash(
                    f"{cook.user.display_name} is registered; "
                    + (
                        "we have e-mailed them a link to choose a password. "
                        if cook.user.email
                        else "they have no e-mail address, so they will not log in: "
                        "we reach them by the way you chose. "
                    )
                    + "Record their checks below.",
                    "success",
                )
                return redirect(url_for("coordinator.cook", slug=slug, cook_id=cook.id))
    return render_template("coordinator/register_cook.html", area=area, form=form), status


def diner_or_404(area: Area, diner_id: int) -> DinerProfile:
    """A diner of this area, or 404 (never one of another area)."""
    diner = registration.diner_in(area, diner_id)
    if diner is None:
        abort(404, description="We could not find that diner in this area.")
    return diner


def referral_page(area: Area, diner: DinerProfile, **forms: Any) -> str:
    """The diner's referral page, with any form that failed in place of a blank one."""
    return render_template(
        "coordinator/diner_referral.html",
        area=area,
        diner=diner,
        consent_form=forms.get("consent_form") or ConsentForm(formdata=None),
        hand_form=forms.get("hand_form") or HandOverForm(formdata=None),
    )


@bp.route("/<slug>/diners/<int:diner_id>/referral")
@coordinators_only
def diner_referral(slug: str, diner_id: int) -> str:
    """A diner's referral, consent, contacts and case log."""
    area = area_or_404(slug)
    return referral_page(area, diner_or_404(area, diner_id))


@bp.route("/<slug>/diners/<int:diner_id>/consent", methods=["POST"])
@coordinators_only
def record_consent(slug: str, diner_id: int) -> Any:
    """Record how a diner agreed to join; from now on they can be matched."""
    area = area_or_404(slug)
    diner = diner_or_404(area, diner_id)
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            method = ConsentMethod(form.consent_method.data)
            registration.record_consent(
                diner, method, current_user, client_address=request.remote_addr
            )
        except FieldError as err:
            put_errors(form, err)
        else:
            flash("Consent recorded: they can now be matched.", "success")
            return redirect(url_for("coordinator.diner_referral", slug=slug, diner_id=diner_id))
    return referral_page(area, diner, consent_form=form), 422


@bp.route("/<slug>/referrals/import", methods=["GET", "POST"])
@coordinators_only
def import_referrals(slug: str) -> Any:
    """Upload a CSV of referrals: a preview listing each row's problems, then import all or none."""
    area = area_or_404(slug)
    form = ImportForm()
    if not form.is_submitted():
        return render_template(
            "coordinator/import.html", area=area, form=form, columns=imports.COLUMNS
        )
    if not form.validate():
        return render_template(
            "coordinator/import.html", area=area, form=form, columns=imports.COLUMNS
        ), 422
    if form.token.data:
        data = imports.unstash(form.token.data)
        if data is None:
            abort(404, description="That upload has expired; please upload the file again.")
        # The import is a job: the upload travels in its row (any host's worker reads it),
        # every row is checked again there, and its page says what was added.
        params = {"ip": request.remote_addr} if request.remote_addr else {}
        job = runner.start(
            kinds.IMPORT_REFERRALS, area, current_user, params=params, input_data=data
        )
        imports.forget(form.token.data)
        return redirect(url_for("coordinator.job", slug=slug, job_id=job.id))
    if form.file.data is None:
        form.file.errors = ["Choose a CSV file to upload."]
        return render_template(
            "coordinator/import.html", area=area, form=form, columns=imports.COLUMNS
        ), 422
    data = form.file.data.read()
    result = imports.preview(area, data)
    token = imports.stash(data) if result.ok and result.new_rows else ""
    return render_template(
        "coordinator/import.html",
        area=area,
        form=form,
        columns=imports.COLUMNS,
        result=result,
        problems=imports.problem_lines(result),
        token=token if result.ok else "",
        summary=None if result.ok else imports.summary(result, None),
    ), (200 if result.ok else 422)
