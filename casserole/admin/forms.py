"""Admin forms: areas, inviting coordinators, their areas; mistakes shown next to the field."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, EmailField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from casserole.forms_common import strip
from casserole.params import coerce_id


class AreaForm(FlaskForm):
    """Create or edit an area."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[InputRequired("Enter the area's name."), Length(max=120)],
    )
    districts = StringField(
        "Postcode districts to add",
        filters=[strip],
        validators=[Optional(), Length(max=500, message="Add at most a few dozen at a time.")],
    )
    meal_cost = DecimalField(
        "Cost of a meal (£)",
        places=2,
        validators=[
            InputRequired("Enter the cost of a meal in pounds, like 4.90."),
            NumberRange(min=0, max=100, message="Enter an amount between £0 and £100."),
        ],
    )
    contact_email = StringField(
        "Coordinators' e-mail shown to users",
        filters=[strip],
        validators=[Optional(), Length(max=254)],
    )
    contact_phone = StringField(
        "Coordinators' phone shown to users",
        filters=[strip],
        validators=[Optional(), Length(max=40)],
    )


class InviteForm(FlaskForm):
    """Invite a coordinator by e-mail for some areas."""

    email = EmailField(
        "E-mail", filters=[strip], validators=[InputRequired("Enter their e-mail address.")]
    )
    first_name = StringField("First name", filters=[strip], validators=[Length(max=80)])
    last_name = StringField("Last name", filters=[strip], validators=[Length(max=80)])
    areas = SelectMultipleField("Areas", coerce=coerce_id, validate_choice=False)


class CoordinatorAreasForm(FlaskForm):
    """Give a coordinator areas or take them away."""

    areas = SelectMultipleField("Areas", coerce=coerce_id, validate_choice=False)
