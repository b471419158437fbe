"""Counts agree with their nouns everywhere, through the one `plural` helper."""

from __future__ import annotations

from sqlalchemy import select

from casserole import clock
from casserole.models import OutboundEmail, PairingStatus
from casserole.services import notifications
from casserole.services.pairings import check_pair
from tests.support import factories as f


def test_templates_share_the_plural_helper(app):
    template = app.jinja_env.from_string(
        "{{ n|plural('cook') }}; {{ n|plural('person', 'people') }}"
    )
    assert template.render(n=1) == "1 cook; 1 person"
    assert template.render(n=2) == "2 cooks; 2 people"
    assert template.render(n=1200) == "1,200 cooks; 1,200 people"


def test_an_at_risk_reminder_after_one_quiet_day_says_one_day(database):
    area = f.area()
    pairing = f.pairing(f.cook(area), f.diner(area))
    notifications.at_risk_reminder(pairing, 1)
    mails = database.session.scalars(select(OutboundEmail)).all()
    assert mails, "the cook and the diner's side should be written to"
    for mail in mails:
        assert "for 1 day" in mail.text_body + mail.subject
        assert "1 days" not in mail.text_body + mail.html_body + mail.subject


def test_a_full_cook_with_one_place_is_described_in_the_singular(database):
    area = f.area()
    cook = f.cook(area, capacity=1)
    f.pairing(cook, f.diner(area), PairingStatus.ACTIVE)
    checks = check_pair(cook, f.diner(area), clock.today())
    assert "The cook already has 1 pairing or proposal, their limit of 1." in checks.broken
