"""Casework views: case logs, the concerns queue, and the helpers their partials call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2 import pass_context

from casserole import clock
from casserole.coordinator.blueprint import area_or_404, bp, coordinators_only
from casserole.coordinator.casework_forms import CaseLogForm, ConcernForm, SuspensionForm
from casserole.models import Area, CaseLogKind, ConcernStatus, Feedback, Pairing
from casserole.models.vocab import (
    CASE_LOG_LABELS,
    CONCERN_STATUS_LABELS,
    CONSENT_LABELS,
    CONTACT_WAY_LABELS,
    REFERRER_LABELS,
)
from casserole.pagination import Page
from casserole.params import query_page
from casserole.services.casework import care, case_log, concerns, feedback


@dataclass
class CaseLogPanel:
    """What `_case_log.html` draws: the subject, its entries and the add-entry form."""

    subject: case_log.Subject
    title: str
    entries: Page
    form: CaseLogForm
    action: str

    @property
    def intro_visit_due(self) -> bool:
        """A pairing with no meal yet and no introduction visit logged: the visit comes first."""
        return case_log.intro_visit_due(self.subject)


def _is_coordinator() -> bool:
    return current_user.is_authenticated and bool(current_user.role in ("coordinator", "admin"))


@pass_context
def case_log_panel(context: Any, log_subject: Any) -> CaseLogPanel | None:
    """The case log of a diner, cook, carer or pairing for the partial; None if not allowed."""
    if not _is_coordinator():
        return None
    area = context.get("area")
    subject = case_log.subject_of(log_subject, getattr(area, "id", None))
    if subject is None:
        return None
    if not case_log.can_see(subject, current_user):
        return None
    rows = case_log.entries(
        subject, current_user, client_address=request.remote_addr, page=query_page("log_page")
    )
    slug = case_log.area_slug(subject)
    action = url_for(
        "coordinator.add_case_entry", slug=slug, kind=subject.kind, subject_id=subject.id
    )
    form = context.get("failed_form") or CaseLogForm(formdata=None, next=request.path)
    return CaseLogPanel(subject, case_log.describe(subject), rows, form, action)


def pairing_concerns(pairing: Pairing) -> list[Feedback]:
    """A pairing's concerns for the coordinator's pairing page."""
    return concerns.for_pairing(pairing, current_user) if _is_coordinator() else []


def pairing_feedback(pairing: Pairing) -> list[Feedback]:
    """A pairing's ratings and comments for the coordinator's pairing page."""
    return feedback.for_pairing(pairing, current_user) if _is_coordinator() else []


@bp.app_context_processor
def casework_helpers() -> dict[str, Any]:
    """The casework partials' service calls and labels, for every template."""
    return {
        "case_log_panel": case_log_panel,
        "pairing_concerns": pairing_concerns,
        "pairing_feedback": pairing_feedback,
        "case_log_labels": CASE_LOG_LABELS,
        "consent_labels": CONSENT_LABELS,
        "contact_labels": CONTACT_WAY_LABELS,
        "referrer_labels": REFERRER_LABELS,
        "concern_labels": CONCERN_STATUS_LABELS,
        "concern_is_stale": concerns.is_stale,
        "now_utc": clock.now,
        "urgent_concerns": concerns.urgent_open,
        "diners_without_contact": care.without_contact,
        "new_suspension_form": lambda: SuspensionForm(formdata=None),
        "concern_form": lambda c: ConcernForm(
            formdata=None, status=(c.concern_status or ConcernStatus.NEW).value, urgent=c.urgent
        ),
    }


def _subject_or_404(area: Area, kind: str, subject_id: int) -> case_log.Subject:
    subject = case_log.find_subject(area, kind, subject_id)
    if subject is None:
        abort(404, description="We could not find that person or pairing in this area.")
    return subject


def _safe_next(target: str | None) -> str | None:
    """Only a path inside the console or a pairing page: never another site."""
    if target and target.startswith(("/coordinator/", "/pairings/")) and "//" not in target:
        return target
    return None


@bp.route("/<slug>/case-log/<kind>/<int:subject_id>")
@coordinators_only
def case_log_page(slug: str, kind: str, subject_id: int) -> str:
    """One person's or pairing's case log on its own page."""
    area = area_or_404(slug)
    subject = _subject_or_404(area, kind, subject_id)
    return render_template(
        "coordinator/case_log.html", area=area, log_subject=case_log.load(subject)
    )


@bp.route("/<slug>/case-log/<kind>/<int:subject_id>", methods=["POST"])
@coordinators_only
def add_case_entry(slug: str, kind: str, subject_id: int) -> Any:
    """Add a note, call or visit to a case log; mistakes are explained next to the field."""
    area = area_or_404(slug)
    subject = _subject_or_404(area, kind, subject_id)
    form = CaseLogForm()
    if form.validate_on_submit():
        try:
            case_log.add_entry(
                subject,
                CaseLogKind(form.kind.data),
                form.body.data,
                current_user,
                client_address=request.remote_addr,
            )
        except case_log.CaseLogError as err:
            form.body.errors = [*form.body.errors, str(err)]
        else:
            flash(
                f"{CASE_LOG_LABELS[CaseLogKind(form.kind.data)]} added to the case log.", "success"
            )
            back = _safe_next(form.next.data) or url_for(
                "coordinator.case_log_page", slug=slug, kind=kind, subject_id=subject_id
            )
            return redirect(back)
    return render_template(
        "coordinator/case_log.html",
        area=area,
        log_subject=case_log.load(subject),
        failed_form=form,
    ), 422


@bp.route("/<slug>/concerns")
@coordinators_only
def concerns_queue(slug: str) -> str:
    """The area's concerns: urgent first, then oldest; those waiting over two days stand out."""
    area = area_or_404(slug)
    show = request.args.get("show", "open")
    if show not in ("open", "all"):
        abort(400, description="Show either the open concerns or all of them.")
    queue = concerns.queue(area, show, query_page())
    return render_template("coordinator/concerns.html", area=area, show=show, queue=queue)


@bp.route("/<slug>/concerns/<int:concern_id>", methods=["POST"])
@coordinators_only
def update_concern(slug: str, concern_id: int) -> Any:
    """Move a concern on or resolve it with a note; whoever raised it hears when it is resolved."""
    area = area_or_404(slug)
    concern = concerns.concern_in(area, concern_id)
    if concern is None:
        abort(404, description="We could not find that concern in this area.")
    form = ConcernForm()
    if form.validate_on_submit():
        try:
            concerns.update(
                area,
                concern,
                ConcernStatus(form.status.data),
                form.note.data or "",
                bool(form.urgent.data),
                current_user,
                client_address=request.remote_addr,
            )
        except concerns.ConcernError as err:
            if err.status == 409:
                abort(409, description=str(err))
            field = getattr(form, err.field_name)
            field.errors = [*field.errors, str(err)]
        else:
            flash(f"Concern {concern.id} saved.", "success")
            return redirect(
                _safe_next(request.form.get("next"))
                or url_for("coordinator.concerns_queue", slug=slug)
            )
    return render_template(
        "coordinator/concerns.html",
        area=area,
        show="open",
        queue=concerns.queue(area, "open"),
        failed=(concern.id, form),
    ), 422
