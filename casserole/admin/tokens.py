"""Admin pages for API tokens: issue one per area with an expiry (shown once), list, revoke."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from casserole import clock
from casserole.access import roles_required
from casserole.admin.routes import bp
from casserole.forms_common import ConfirmForm, confirmed_post, strip
from casserole.models import Role
from casserole.services.outcomes import areas, tokens


class TokenForm(FlaskForm):
    """A new token: which area, a name to recognise it by, and how many days it lasts."""

    area = SelectField("Area", coerce=int, validators=[InputRequired("Choose an area.")])
    label = StringField(
        "Name (who uses it)",
        filters=[strip],
        validators=[DataRequired("Give the token a name."), Length(max=80)],
    )
    days = IntegerField(
        "Days until it expires",
        default=90,
        validators=[
            InputRequired("Say how many days the token lasts."),
            NumberRange(1, tokens.MAX_DAYS, f"Between 1 and {tokens.MAX_DAYS} days."),
        ],
    )


def _form() -> TokenForm:
    form = TokenForm()
    form.area.choices = [(a.id, a.name) for a in areas.all_areas()]
    return form


@bp.route("/api-tokens", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def api_tokens() -> Any:
    """Every token; the form issues a new one and shows its value once."""
    form = _form()
    if request.method == "POST" and form.validate_on_submit():
        chosen = areas.area_by_id(form.area.data)
        if chosen is None:
            form.area.errors = ["Choose an area."]
        else:
            issued = tokens.issue(
                chosen, form.label.data, form.days.data, current_user, request.remote_addr
            )
            return render_template(
                "admin/api_tokens.html",
                form=_form(),
                tokens=tokens.all_tokens(),
                issued=issued,
                revoke_form=ConfirmForm(),
                now=clock.now(),
            )
    code = 422 if form.errors else 200
    return render_template(
        "admin/api_tokens.html",
        form=form,
        tokens=tokens.all_tokens(),
        issued=None,
        revoke_form=ConfirmForm(),
        now=clock.now(),
    ), code


@bp.route("/api-tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN)
@confirmed_post
def revoke_api_token(token_id: int) -> Any:
    """Revoke a token: the API refuses it from now on."""
    token = tokens.revoke(token_id, current_user, request.remote_addr)
    if token is None:
        abort(404)
    flash(f"The token “{token.label}” is revoked.", "success")
    return redirect(url_for("admin.api_tokens"))
