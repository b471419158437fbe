"""A cook never sees a diner's address, phone or notes before their pairing is live, by any URL."""

from __future__ import annotations

import pytest

from casserole.models import PairingStatus, Role, utcnow
from tests.support import factories as f

SECRET_BITS = (
    "27 Secret Gardens",
    "N3 9ZZ",
    "07700 900123",
    "Knock loudly",
    "Hates liver",
    "Ó Súilleabháin",
)


@pytest.fixture
def pair(database):
    area = f.area("Barnet", outcodes=("N3",))
    cook = f.cook(area, introduction="I bake bread on Fridays.")
    cook.user.first_name, cook.user.last_name, cook.user.phone = (
        "Ravi",
        "Surname-Hidden",
        "020 7946 0999",
    )
    diner = f.diner(
        area,
        first_name="Máire",
        last_name="Ó Súilleabháin",
        address_line="27 Secret Gardens",
        postcode="N3 9ZZ",
        phone="07700 900123",
        access_notes="Knock loudly, door takes a while.",
        dislikes="Hates liver",
        days_mask=0b0000101,
        needs_mask=0b1,
        allergies="Sesame",
    )
    return cook, diner


def _pairing(cook, diner, status, **kw):
    now = utcnow()
    if status != PairingStatus.PROPOSED:
        kw.setdefault("approved_at", now)
    if status not in (PairingStatus.PROPOSED, PairingStatus.APPROVED, PairingStatus.DECLINED):
        kw.setdefault("cook_accepted_at", now)
    return f.pairing(cook, diner, status=status, distance_km=1.2, **kw)


def _diner_urls(app, diner_id):
    """Every GET route that takes a diner id, filled with this diner's id."""
    urls = []
    for rule in app.url_map.iter_rules():
        if (
            "GET" in rule.methods
            and "diner_id" in rule.arguments
            and rule.arguments <= {"diner_id"}
        ):
            urls.append(rule.rule.replace("<int:diner_id>", str(diner_id)))
    return urls


def test_there_are_diner_urls_to_check(app):
    assert "/profile/diners/1" in _diner_urls(app, 1)
    assert "/profile/neighbours/1" in _diner_urls(app, 1)


@pytest.mark.parametrize(
    "status",
    [
        None,
        PairingStatus.PROPOSED,
        PairingStatus.APPROVED,
        PairingStatus.COOK_ACCEPTED,
        PairingStatus.ENDED,
        PairingStatus.DECLINED,
    ],
)
def test_no_diner_url_shows_a_cook_the_address_before_the_pairing_is_live(
    app, client, pair, status, auth
):
    cook, diner = pair
    if status is not None:
        _pairing(
            cook,
            diner,
            status,
            **(
                {"started_at": utcnow(), "ended_at": utcnow()}
                if status == PairingStatus.ENDED
                else {}
            ),
        )
    auth.login(cook.user)
    for url in _diner_urls(app, diner.id):
        page = client.get(url)
        body = page.get_data(as_text=True)
        leaked = [bit for bit in SECRET_BITS if bit in body]
        assert not leaked, f"{url} ({page.status_code}) shows {leaked}"


@pytest.mark.parametrize("status", [PairingStatus.APPROVED, PairingStatus.COOK_ACCEPTED])
def test_proposal_view_shows_first_name_distance_days_and_needs_only(client, pair, status, auth):
    cook, diner = pair
    _pairing(cook, diner, status)
    auth.login(cook.user)
    page = client.get(f"/profile/neighbours/{diner.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Máire" in html and "0.7 miles" in html and "Monday and Wednesday" in html
    assert "vegetarian" in html and "Sesame" in html
    assert "once you have both said yes" in html
    assert not [bit for bit in SECRET_BITS if bit in html]


def test_an_unapproved_or_ended_pairing_shows_the_cook_nothing(client, pair, auth):
    cook, diner = pair
    _pairing(cook, diner, PairingStatus.PROPOSED)
    auth.login(cook.user)
    assert client.get(f"/profile/neighbours/{diner.id}").status_code == 404


@pytest.mark.parametrize("status", [PairingStatus.ACTIVE, PairingStatus.PAUSED])
def test_a_live_pairing_shows_the_cook_how_to_get_there(client, pair, status, auth):
    cook, diner = pair
    _pairing(cook, diner, status, started_at=utcnow())
    auth.login(cook.user)
    html = client.get(f"/profile/neighbours/{diner.id}").get_data(as_text=True)
    assert "27 Secret Gardens, N3 9ZZ" in html and "07700 900123" in html
    assert "Knock loudly, door takes a while." in html
    # The diner's own page stays the diner's and carer's only.
    assert client.get(f"/profile/diners/{diner.id}").status_code == 404


def test_every_diner_url_with_another_id_is_a_404_for_a_cook(client, pair, database, auth):
    cook, diner = pair
    _pairing(cook, diner, PairingStatus.ACTIVE, started_at=utcnow())
    other = f.diner(diner.area, first_name="Other")
    auth.login(cook.user)
    for diner_id in (other.id, other.id + 1000):
        assert client.get(f"/profile/neighbours/{diner_id}").status_code == 404
        assert client.get(f"/profile/diners/{diner_id}").status_code == 404
        assert client.post(f"/profile/diners/{diner_id}", data={}).status_code == 404


def test_another_cook_cannot_see_the_pairing(client, pair, auth):
    cook, diner = pair
    _pairing(cook, diner, PairingStatus.ACTIVE, started_at=utcnow())
    intruder = f.cook(diner.area)
    auth.login(intruder.user)
    assert client.get(f"/profile/neighbours/{diner.id}").status_code == 404


def test_the_diner_side_sees_the_cooks_first_name_and_introduction_only(client, pair, auth):
    cook, diner = pair
    auth.login(diner.carer)
    assert client.get(f"/profile/cooks/{cook.id}").status_code == 404  # nothing proposed
    pairing = _pairing(cook, diner, PairingStatus.APPROVED)
    assert client.get(f"/profile/cooks/{cook.id}").status_code == 404  # cook has not said yes
    pairing.status, pairing.cook_accepted_at = PairingStatus.COOK_ACCEPTED, utcnow()
    html = client.get(f"/profile/cooks/{cook.id}").get_data(as_text=True)
    assert "Ravi" in html and "I bake bread on Fridays." in html
    assert "Surname-Hidden" not in html and "020 7946 0999" not in html
    assert cook.postcode not in html and cook.address_line not in html
    pairing.status, pairing.started_at = PairingStatus.ACTIVE, utcnow()
    assert "020 7946 0999" in client.get(f"/profile/cooks/{cook.id}").get_data(as_text=True)


def test_someone_elses_carer_cannot_see_the_cook(client, pair, database, auth):
    cook, diner = pair
    _pairing(cook, diner, PairingStatus.ACTIVE, started_at=utcnow())
    auth.login(f.user(Role.CARER))
    assert client.get(f"/profile/cooks/{cook.id}").status_code == 404
