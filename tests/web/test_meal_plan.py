"""The printable meal plan for a diner and their carer."""

from __future__ import annotations

from datetime import timedelta

from casserole import clock
from casserole.models import MealShare, PairingStatus, Role
from tests.support import factories as f


def _world(status=PairingStatus.ACTIVE):
    area = f.area(contact_phone="020 7946 0999", contact_email="barnet@example.org")
    carer = f.user(Role.CARER, email="ruth@example.org")
    diner = f.diner(area, carer=carer, first_name="Edna", days_mask=0b0010101)  # Mon, Wed, Fri
    cook = f.cook(
        area, user=f.user(Role.COOK, first_name="Priya", phone="07700 900123"), days_mask=0b0000101
    )  # Mon, Wed
    pairing = f.pairing(cook, diner, status)
    return area, carer, diner, cook, pairing


def test_carer_prints_the_plan_with_cook_days_and_what_to_do(client, auth):
    _, _, diner, _, pairing = _world()
    monday = clock.today() - timedelta(days=clock.today().weekday() + 7)
    f.database_add(MealShare(pairing=pairing, shared_on=monday, dish="Stew"))
    auth.login("ruth@example.org")
    html = client.get(f"/my-meals/{diner.id}").get_data(as_text=True)
    assert "Your cook is <strong>Priya</strong>, telephone <strong>07700 900123</strong>" in html
    assert "usually brings a meal on Monday and Wednesday" in html
    assert "Next meal expected:" in html
    assert "020 7946 0999" in html and "barnet@example.org" in html
    assert "If a meal does not come" in html


def test_next_meal_is_the_next_usual_day(client, database):
    from casserole.services.meal_plan import meal_plan

    _, _, diner, _, _ = _world()
    plan = meal_plan(diner, clock.today())
    assert plan.next_meal is not None and plan.next_meal.weekday() in {0, 2}
    assert clock.today() <= plan.next_meal <= clock.today() + timedelta(days=7)


def test_paused_plan_says_meals_are_on_a_break(client, auth):
    _, _, diner, _, _ = _world(PairingStatus.PAUSED)
    auth.login("ruth@example.org")
    html = client.get(f"/my-meals/{diner.id}").get_data(as_text=True)
    assert "on a break" in html and "Next meal expected" not in html


def test_a_proposed_cook_is_not_shown(client, auth):
    _, _, diner, _, _ = _world(PairingStatus.PROPOSED)
    auth.login("ruth@example.org")
    html = client.get(f"/my-meals/{diner.id}").get_data(as_text=True)
    assert "still looking for a cook" in html and "Priya" not in html and "07700" not in html


def test_strangers_get_404(client, auth):
    _, _, diner, _, _ = _world()
    f.user(Role.CARER, email="other@example.org")
    auth.login("other@example.org")
    assert client.get(f"/my-meals/{diner.id}").status_code == 404
    assert client.get("/my-meals").status_code == 404


def test_self_registered_diner_sees_their_own_plan(client, auth):
    area = f.area()
    account = f.user(Role.DINER, email="edna@example.org")
    f.diner(area, user=account, first_name="Edna")
    auth.login("edna@example.org")
    page = client.get("/my-meals")
    assert page.status_code == 200 and "Meals for Edna" in page.get_data(as_text=True)
