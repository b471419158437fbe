"""Feedback: ratings and comments reach the coordinators, per pairing and per area."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casserole import clock
from casserole.models import Feedback, PairingStatus, Role
from tests.support import factories as f


@pytest.fixture
def world(database):
    """Barnet with two live pairings and their feedback; a coordinator of Barnet."""
    barnet = f.area("Barnet", ("N3",))
    carer = f.user(Role.CARER, first_name="Carol")
    one = f.pairing(f.cook(barnet), f.diner(barnet, carer=carer), PairingStatus.ACTIVE)
    two = f.pairing(f.cook(barnet), f.diner(barnet), PairingStatus.ACTIVE)
    now = clock.now()
    for pairing, rating, comment, days_ago in (
        (one, 5, "Lovely shepherd's pie", 3),
        (one, 4, "", 10),
        (two, 2, "Arrived cold", 5),
        (two, 1, "Long ago and forgotten", 800),
    ):
        f.database_add(
            Feedback(
                pairing=pairing,
                author=carer,
                rating=rating,
                comment=comment,
                created_at=now - timedelta(days=days_ago),
            )
        )
    coordinator = f.user(Role.COORDINATOR)
    coordinator.areas = [barnet]
    database.session.commit()
    return {"one": one, "two": two, "carer": carer, "coordinator": coordinator}


def test_ratings_and_comments_are_on_the_pairing_page_for_coordinators(client, auth, world):
    auth.as_user(world["coordinator"])
    page = client.get(f"/pairings/{world['one'].id}").get_data(as_text=True)
    assert "Lovely shepherd&#39;s pie" in page and "5 out of 5" in page and "4 out of 5" in page
    assert "Arrived cold" not in page


def test_figures_show_the_mean_rating_and_recent_comments_of_the_period(client, auth, world):
    auth.as_user(world["coordinator"])
    page = client.get("/coordinator/barnet/figures?period=12m").get_data(as_text=True)
    # 5, 4 and 2 fall in the last twelve months; the 800-day-old 1 does not.
    assert '<dd id="mean-rating">3.7 out of 5</dd>' in page
    assert "from 3 ratings" in page
    assert "Lovely shepherd&#39;s pie" in page and "Arrived cold" in page
    assert "Long ago and forgotten" not in page
    assert page.index("Lovely shepherd") < page.index("Arrived cold")
