"""A carer's own phone number and way of contact (cooks' and diners' are on their own forms)."""

from __future__ import annotations

from casserole.extensions import db
from casserole.models import ContactWay, User
from casserole.services.accounts import FieldError, normalise_phone, phone_problem
from casserole.services.channels import contact_way_problem


def set_carer_contact(carer: User, phone: str, way: ContactWay) -> User:
    """Check, then save a carer's phone and way of contact in one commit (FieldError if not).

    Carers have no address with us, so letters are refused.
    """
    phone = (phone or "").strip()
    problems: dict[str, str] = {}
    if problem := phone_problem(phone):
        problems["phone"] = problem
    elif problem := contact_way_problem(way, phone, has_address=False):
        problems["preferred_contact"] = problem
    if problems:
        raise FieldError(errors=problems)
    carer.phone = normalise_phone(phone) or None
    carer.preferred_contact = way
    db.session.commit()
    return carer
