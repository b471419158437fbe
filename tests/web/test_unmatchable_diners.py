"""Erased and deceased diners are never waiting, counted as waiting, matched or paired by hand
(nor is an erased cook ever offered).

Erasure and the death step both clear consent; each test records consent again afterwards,
so the rule (services/matching.matchable_conditions) is shown not to rest on that.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casserole import clock
from casserole.extensions import db
from casserole.models import EndReason, Pairing, PairingStatus, Role
from casserole.services import erasure, pairings
from casserole.services.coordinator import area_map, by_hand, figures, periods
from casserole.services.coordinator.waiting import waiting_count_query, waiting_list
from casserole.services.dashboard import area_summaries
from casserole.services.matching import load_inputs
from casserole.services.outcomes.areas import waiting_counts
from casserole.services.pairings.proposals import check_pair
from tests.support import factories as f

WAITING = 10  # enough for the public count to show a number rather than "fewer than 10"


@pytest.fixture
def street(database):
    """Barnet: ten diners truly waiting, one erased and one who has died (both re-consented)."""
    area = f.area("Barnet", ("N3",), slug="barnet")
    coordinator = f.user(Role.COORDINATOR, email="barnet@example.org")
    coordinator.areas = [area]
    cook = f.cook(area, capacity=5)
    waiting = [f.diner(area, first_name=f"Wanda{i}") for i in range(WAITING)]
    carer = f.user(Role.CARER, email="carer@example.org")
    erased = f.diner(area, carer=carer, first_name="Ernestine")
    died = f.diner(area, carer=carer, first_name="Dorothy")
    pairing = f.pairing(cook, died, PairingStatus.ACTIVE)
    db.session.commit()
    erasure.erase_diner(erased, carer)
    pairings.end(pairing.id, carer, EndReason.DIED)
    # A consent recorded again (by mistake, or an old form) must not bring them back.
    erased.consent_at = died.consent_at = clock.now()
    db.session.commit()
    return {"area": area, "cook": cook, "waiting": waiting, "erased": erased, "died": died}


def test_the_waiting_list_page_and_service_leave_them_out(client, auth, street):
    page, _ = waiting_list(street["area"])
    ids = {row.diner.id for row in page.rows}
    assert ids == {d.id for d in street["waiting"]}
    auth.login("barnet@example.org")
    html = client.get("/coordinator/barnet/waiting").get_data(as_text=True)
    assert "10 diners are waiting" in html
    assert "Dorothy" not in html and f"/diners/{street['died'].id}/pair" not in html
    assert f"/diners/{street['erased'].id}/pair" not in html


def test_every_waiting_count_leaves_them_out(client, auth, street):
    area = street["area"]
    assert db.session.scalar(waiting_count_query(area)) == WAITING
    assert area_summaries([area])[0].waiting == WAITING
    shown = figures.compute(area, periods.last_months(12))
    assert shown.diners_waiting == WAITING
    # Published: exactly ten, where twelve would betray the two.
    assert waiting_counts(area)["total"] == str(WAITING)
    assert sum(row.waiting for row in area_map.district_list(area)) == WAITING
    auth.login("barnet@example.org")
    html = client.get("/coordinator/barnet/").get_data(as_text=True)
    assert "<dt>Waiting for a cook</dt><dd>10</dd>" in html


def test_the_matcher_is_never_fed_them(street):
    fed = {d.id for d in load_inputs(street["area"]).diners}
    assert {d.id for d in street["waiting"]} <= fed
    assert street["erased"].id not in fed and street["died"].id not in fed


def test_pairing_by_hand_refuses_them(client, auth, street):
    auth.login("barnet@example.org")
    erased, died, cook = street["erased"], street["died"], street["cook"]
    assert client.get(f"/coordinator/barnet/diners/{erased.id}/pair").status_code == 404
    assert client.post(f"/coordinator/barnet/diners/{erased.id}/pair").status_code == 404
    response = client.get(f"/coordinator/barnet/diners/{died.id}/pair")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dorothy has died: no cook will be proposed to them." in html
    assert "Cooks who could take" not in html and 'name="cook_id"' not in html
    assert (
        by_hand.never_paired(died) is not None
        and by_hand.never_paired(street["waiting"][0]) is None
    )
    before = db.session.scalar(select(func.count()).select_from(Pairing))
    response = client.post(
        f"/coordinator/barnet/diners/{died.id}/pair",
        data={"cook_id": cook.id, "override_reason": "They asked for her"},
    )
    assert response.status_code == 422
    assert "Dorothy has died." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Pairing)) == before
    # The service's own check blocks both, whoever calls it.
    assert "Dorothy has died." in check_pair(cook, died, clock.today()).blocking
    assert any("erased" in b for b in check_pair(cook, erased, clock.today()).blocking)


def test_the_diner_record_does_not_call_them_waiting(client, auth, street):
    auth.login("barnet@example.org")
    html = client.get(f"/coordinator/barnet/diners/{street['died'].id}").get_data(as_text=True)
    assert "Waiting for a cook" not in html and "by hand" not in html
    assert client.get(f"/coordinator/barnet/diners/{street['erased'].id}").status_code == 404


def test_an_erased_cook_is_never_offered_nor_fed_to_the_matcher(client, auth, street):
    area = street["area"]
    gone = f.cook(area, user=f.user(Role.COOK, first_name="Gwendolyn", last_name="Gone"))
    db.session.commit()
    erasure.erase_user(gone.user)
    diner = street["waiting"][0]
    options = by_hand.cook_options(diner)
    offered = {o.cook_id for o in [*options.feasible, *options.others]}
    assert street["cook"].id in offered and gone.id not in offered
    assert gone.id not in {c.id for c in load_inputs(area).cooks}
    auth.login("barnet@example.org")
    html = client.get(f"/coordinator/barnet/diners/{diner.id}/pair").get_data(as_text=True)
    assert f'value="{gone.id}"' not in html and "Erased" not in html
    response = client.post(
        f"/coordinator/barnet/diners/{diner.id}/pair",
        data={"cook_id": gone.id, "override_reason": "Old friends"},
    )
    assert response.status_code == 422
    assert "This cook&#39;s details were erased" in response.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count()).select_from(Pairing).where(Pairing.cook_id == gone.id)
        )
        == 0
    )
