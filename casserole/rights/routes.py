"""Views to download or erase personal data."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from casserole.formatting import long_date
from casserole.i18n import diet_label, role_name, status_name
from casserole.models import DinerProfile
from casserole.models.vocab import allergen_names
from casserole.profiles.forms import CONTACT_WAY_CHOICES
from casserole.rights.forms import EraseForm
from casserole.services import rights
from casserole.services.vetting import CHECK_LABELS
from casserole.services.welfare_messages import END_WORDS

bp = Blueprint("rights", __name__, url_prefix="/my-data")


def _managed_diner(diner_id: int) -> DinerProfile:
    """A diner the current carer looks after; anyone else's gives 404."""
    diner = rights.managed_diner(current_user, diner_id)
    if diner is None:
        abort(404)
    return diner


# Every key of the download, as a label in the reader's language (a key missing here would
# show as its English field name: tests/web/test_readable_data.py checks every one).
LABELS = {
    "access_notes": _l("Getting in"),
    "account": _l("Your account"),
    "address": _l("Address"),
    "allergen_note": _l("Allergen note"),
    "allergens": _l("Allergens"),
    "allergies": _l("Other allergies"),
    "area": _l("Area"),
    "at": _l("When"),
    "birth_date": _l("Date of birth"),
    "by": _l("By"),
    "can_cook": _l("Can cook"),
    "capacity": _l("How many people you can cook for"),
    "carer": _l("Carer"),
    "carer_relationship": _l("Relationship to the carer"),
    "case_log": _l("Case notes"),
    "checked_on": _l("Checked on"),
    "checks": _l("Checks"),
    "comment": _l("Comment"),
    "concern": _l("Raised as a concern"),
    "confirmed_at": _l("Confirmed on"),
    "consent": _l("Consent"),
    "contact_preference": _l("Contact notes"),
    "cook_first_name": _l("Cook"),
    "cook_profile": _l("Your cooking"),
    "created_at": _l("Account made on"),
    "date": _l("Date"),
    "days": _l("Days"),
    "days_wanted": _l("Days for meals"),
    "diner_first_name": _l("Diner"),
    "diner_profile": _l("Your meals"),
    "diners_you_look_after": _l("People you look after"),
    "dietary_needs": _l("Dietary needs"),
    "dish": _l("Dish"),
    "dislikes": _l("Dislikes"),
    "distance_km": _l("Distance (km)"),
    "email": _l("E-mail address"),
    "emergency_contact": _l("Emergency contact"),
    "end_reason": _l("Why it ended"),
    "ended_at": _l("Ended on"),
    "expires_on": _l("Expires on"),
    "exported_at": _l("Written out on"),
    "feedback": _l("Feedback"),
    "first_name": _l("First name"),
    "id": _l("Record number"),
    "introduction": _l("Introduction"),
    "keeps_out": _l("Can keep out of a meal"),
    "kind": _l("Kind"),
    "last_login_at": _l("Last logged in"),
    "last_name": _l("Last name"),
    "latitude": _l("Latitude"),
    "likes": _l("Likes"),
    "line": _l("Street address"),
    "longitude": _l("Longitude"),
    "max_km": _l("Furthest distance (km)"),
    "meals": _l("Meals"),
    "method": _l("How consent was given"),
    "name": _l("Name"),
    "note": _l("Note"),
    "pairings": _l("Pairings"),
    "paused": _l("Paused"),
    "phone": _l("Phone"),
    "postcode": _l("Postcode"),
    "precision": _l("How exact the map point is"),
    "preferred_contact": _l("Preferred way of contact"),
    "proposed_at": _l("Proposed on"),
    "rating": _l("Rating"),
    "referral": _l("Referral"),
    "referred_by": _l("Referred by"),
    "referrer_contact": _l("Referrer's contact details"),
    "referrer_name": _l("Referrer's name"),
    "referrer_organisation": _l("Referrer's organisation"),
    "role": _l("Role"),
    "started_at": _l("Started on"),
    "status": _l("Status"),
}


# Code words of the download ("moved_away", "self_online") read as words.
_CODE_WORD = re.compile(r"[a-z]+(?:_[a-z]+)+")


def readable_label(key: object) -> str:
    """A download key as a label: `end_reason` becomes "End reason"."""
    text = str(key)
    label = LABELS.get(text)
    return str(label) if label else text.replace("_", " ").capitalize()


# Code words of the download that have no owner's wording for people yet.
_CODE_NAMES = {
    "method": {
        "self_online": _l("They joined online themselves"),
        "carer_confirmed": _l("Their carer told us they agree"),
        "paper": _l("On a signed paper form"),
        "phone": _l("On the phone"),
        "in_person": _l("In person"),
        "referrer": _l("Through the person who referred them"),
    },
    "precision": {
        "district": _l("By postcode district"),
        "postcode": _l("By postcode"),
        "address": _l("By address"),
    },
    "referred_by": {
        "gp": _l("GP practice"),
        "social_worker": _l("Social worker"),
        "housing": _l("Housing"),
        "family": _l("Family"),
        "other": _l("Other"),
    },
}


def _coded(key: str) -> Callable[[str], str]:
    return lambda v: str(_CODE_NAMES[key].get(v, v.replace("_", " ")))


# Closed vocabularies of the download, named in the reader's language by their owners.
_VALUE_NAMES: dict[str, Callable[[str], str]] = {
    **{key: _coded(key) for key in _CODE_NAMES},
    "kind": lambda v: str(CHECK_LABELS.get(v, v)),
    "status": status_name,
    "role": role_name,
    "allergens": lambda v: "".join(allergen_names([v])) or v,
    "keeps_out": lambda v: "".join(allergen_names([v])) or v,
    "dietary_needs": diet_label,
    "can_cook": diet_label,
    "end_reason": lambda v: str(END_WORDS.get(v, v.replace("_", " "))),
    "preferred_contact": lambda v: str(CONTACT_WAY_CHOICES.get(v, v)),
}


def readable_value(value: object, key: object = None) -> str:
    """One value of the download in words: dates written out, yes/no, "Not given".

    `key` names the field: a code word of a closed vocabulary (a status, a role, an
    allergen) is read in the page's language.
    """
    if value is None or value == "":
        return gettext("Not given")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, str) and str(key) in _VALUE_NAMES:
        return _VALUE_NAMES[str(key)](value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        with contextlib.suppress(ValueError):
            return long_date(date.fromisoformat(value[:10]))
    if isinstance(value, str) and _CODE_WORD.fullmatch(value):
        return value.replace("_", " ")
    return str(value)


def _json_download(data: dict[str, object], filename: str) -> Response:
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/")
@login_required
def overview() -> str:
    """What we hold, and the two things a person can do about it."""
    diners = rights.cared_for(current_user)
    return render_template("rights/overview.html", diners=diners, form=EraseForm())


@bp.route("/download")
@login_required
def download_mine() -> Response:
    """All data about the logged-in person, as a JSON file."""
    data = rights.download_user(current_user, request.remote_addr)
    return _json_download(data, "casserole-my-data.json")


@bp.route("/diners/<int:diner_id>/download")
@login_required
def download_diner(diner_id: int) -> Response:
    """All data about a diner the carer looks after, as a JSON file."""
    diner = _managed_diner(diner_id)
    data = rights.download_diner(diner, current_user, request.remote_addr)
    return _json_download(data, f"casserole-diner-{diner.id}.json")


@bp.route("/view")
@login_required
def view_mine() -> str:
    """The same data as the download, as a page a person can read and print."""
    data = rights.download_user(current_user, request.remote_addr)
    return render_template(
        "rights/readable.html",
        data=data,
        heading=gettext("Everything we hold about you"),
        download=url_for("rights.download_mine"),
        label=readable_label,
        readable=readable_value,
    )


@bp.route("/diners/<int:diner_id>/view")
@login_required
def view_diner(diner_id: int) -> str:
    """A diner's data, as a page their carer can read and print."""
    diner = _managed_diner(diner_id)
    data = rights.download_diner(diner, current_user, request.remote_addr)
    return render_template(
        "rights/readable.html",
        data=data,
        heading=gettext("Everything we hold about %(name)s", name=diner.display_name),
        download=url_for("rights.download_diner", diner_id=diner.id),
        label=readable_label,
        readable=readable_value,
    )


@bp.route("/erase", methods=["POST"])
@login_required
def erase_mine() -> Response | tuple[str, int]:
    """Erase the logged-in person's data and log them out."""
    form = EraseForm()
    if not form.validate_on_submit():
        return render_template(
            "rights/overview.html", diners=rights.cared_for(current_user), form=form
        ), 422
    rights.erase_user(current_user, request.remote_addr)
    logout_user()
    flash(gettext("Your personal details have been erased and your account closed."), "success")
    return redirect(url_for("main.index"))


@bp.route("/diners/<int:diner_id>/erase", methods=["POST"])
@login_required
def erase_diner(diner_id: int) -> Response | tuple[str, int]:
    """Erase the data of a diner the carer looks after."""
    diner = _managed_diner(diner_id)
    form = EraseForm()
    if not form.validate_on_submit():
        diners = rights.cared_for(current_user)
        return render_template(
            "rights/overview.html", diners=diners, form=form, error_for=diner.id
        ), 422
    name = diner.first_name
    rights.erase_diner(diner, current_user, request.remote_addr)
    flash(gettext("%(name)s's personal details have been erased.", name=name), "success")
    return redirect(url_for("rights.overview"))
