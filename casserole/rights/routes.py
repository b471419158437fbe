"""Views to download or erase personal data."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from casserole.formatting import long_date
from casserole.models import DinerProfile
from casserole.rights.forms import EraseForm
from casserole.services import rights

bp = Blueprint("rights", __name__, url_prefix="/my-data")


def _managed_diner(diner_id: int) -> DinerProfile:
    """A diner the current carer looks after; anyone else's gives 404."""
    diner = rights.managed_diner(current_user, diner_id)
    if diner is None:
        abort(404)
    return diner


# Keys of the download whose plain label would read oddly; the rest are "Some key".
_LABELS = {
    "max_km": _l("Furthest distance (km)"),
    "distance_km": _l("Distance (km)"),
    "exported_at": _l("Written out on"),
    "at": _l("When"),
    "by": _l("By"),
    "diners_you_look_after": _l("People you look after"),
    "id": _l("Record number"),
}


# Code words of the download ("moved_away", "self_online") read as words.
_CODE_WORD = re.compile(r"[a-z]+(?:_[a-z]+)+")


def readable_label(key: object) -> str:
    """A download key as a label: `end_reason` becomes "End reason"."""
    text = str(key)
    label = _LABELS.get(text)
    return str(label) if label else text.replace("_", " ").capitalize()


def readable_value(value: object) -> str:
    """One value of the download in words: dates written out, yes/no, "Not given"."""
    if value is None or value == "":
        return gettext("Not given")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
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
