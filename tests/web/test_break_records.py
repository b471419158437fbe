"""Where a cook's breaks are found: the coordinator's cook record and the cook's own pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from casserole import clock
from casserole.extensions import db
from casserole.formatting import long_date
from casserole.models import (
    BreakCover,
    CookBreak,
    EndReason,
    Pairing,
    PairingStatus,
    Role,
    utcnow,
)
from casserole.services import pairings
from casserole.services.pairings import breaks
from tests.support import factories as f

P = PairingStatus


@pytest.fixture
def world(database):
    """Maya cooks for Edna and Olive in Barnet; Ravi has room for one of them only."""
    area = f.area()
    coordinator = f.user(Role.COORDINATOR, first_name="Cora")
    coordinator.areas = [area]
    other_area = f.area("Camden", outcodes=("NW1",))
    stranger = f.user(Role.COORDINATOR, first_name="Stan")
    stranger.areas = [other_area]
    maya = f.cook(area, user=f.user(Role.COOK, first_name="Maya", last_name="Khan"))
    ravi = f.cook(area, capacity=1, user=f.user(Role.COOK, first_name="Ravi", last_name="Shah"))
    carer = f.user(Role.CARER, first_name="Sam")
    edna = f.diner(area, carer=carer, first_name="Edna", last_name="Jones")
    olive = f.diner(area, first_name="Olive", last_name="Brown")
    regular = {d.id: f.pairing(maya, d, P.ACTIVE, distance_km=0.5) for d in (edna, olive)}
    database.session.commit()
    return type(
        "World",
        (),
        dict(
            area=area,
            other_area=other_area,
            coordinator=coordinator,
            stranger=stranger,
            maya=maya,
            ravi=ravi,
            carer=carer,
            edna=edna,
            olive=olive,
            regular=regular,
        ),
    )


def _plan(world, first_in=1, days=5):
    today = clock.today()
    first, last = today + timedelta(days=first_in), today + timedelta(days=first_in + days - 1)
    cook_break = breaks.plan_break(world.maya, first, last, actor=world.maya.user, today=today)
    return cook_break, first, last


def _stand_in(world):
    [stand_in] = db.session.scalars(select(Pairing).where(Pairing.covers_id.is_not(None)))
    return stand_in


def _agree(world, stand_in):
    pairings.approve(stand_in.id, world.coordinator)
    pairings.accept(stand_in.id, world.ravi.user)
    side = stand_in.diner.carer or stand_in.diner.user
    pairings.accept(stand_in.id, side)


def _past_break(world, days_ago, length=3):
    """A break over `days_ago` days ago (its last day), with a cover for Edna."""
    today = clock.today()
    last = today - timedelta(days=days_ago)
    old = CookBreak(
        cook_id=world.maya.id,
        first_day=last - timedelta(days=length - 1),
        last_day=last,
        started_at=utcnow() - timedelta(days=days_ago + length),
        ended_at=utcnow() - timedelta(days=days_ago - 1),
    )
    old.covers.append(
        BreakCover(
            pairing_id=world.regular[world.edna.id].id,
            reason_code="no_cook_in_range",
            reason="No vetted cook within 3 km.",
        )
    )
    db.session.add(old)
    db.session.commit()
    return old


def _section(html):
    """The Breaks section of the cook's record (up to the next h2)."""
    match = re.search(r'<h2 id="breaks">Breaks</h2>(.*?)<h2', html, re.S)
    assert match, "no Breaks section"
    return match.group(1)


def test_the_cook_record_lists_breaks_with_each_diners_cover(world, client, auth):
    cook_break, first, last = _plan(world)
    stand_in = _stand_in(world)
    covered = stand_in.diner
    uncovered = world.olive if covered.id == world.edna.id else world.edna
    _agree(world, stand_in)
    old = _past_break(world, days_ago=20)
    ancient = _past_break(world, days_ago=200)
    auth.login(world.coordinator)
    html = client.get(f"/coordinator/{world.area.slug}/cooks/{world.maya.id}").get_data(
        as_text=True
    )
    part = _section(html)
    planned = part[part.index(f'id="break-{cook_break.id}"') : part.index(f'id="break-{old.id}"')]
    assert f"Planned: {long_date(first)} to {long_date(last)} (5 days)" in planned
    # The covered diner: the stand-in cook linked to their record, and the stand-in's state.
    ravi_link = f'href="/coordinator/{world.area.slug}/cooks/{world.ravi.id}">Ravi Shah</a>'
    assert ravi_link in planned and "covering" in planned
    assert f'href="/pairings/{stand_in.id}">active' in planned
    assert covered.display_name in planned
    # The other one is uncovered, with the matcher's reason as stored.
    [cover] = [c for c in cook_break.covers if c.pairing.diner_id == uncovered.id]
    assert cover.reason and "full" in cover.reason
    row = planned[planned.index(uncovered.display_name) :]
    assert "<strong>Uncovered</strong>: " + cover.reason in row
    # A recent past break is listed after it; one long over is not.
    past = part[part.index(f'id="break-{old.id}"') :]
    assert "Over: " in past and "(3 days)" in past
    assert "<strong>Uncovered</strong>: No vetted cook within 3 km." in past
    assert f'id="break-{ancient.id}"' not in part


def test_a_cook_with_no_breaks_says_so(world, client, auth):
    auth.login(world.coordinator)
    html = client.get(f"/coordinator/{world.area.slug}/cooks/{world.ravi.id}").get_data(
        as_text=True
    )
    assert "No breaks planned, now or in the last 90 days." in _section(html)


def test_another_areas_coordinator_cannot_see_the_breaks(world, client, auth):
    _plan(world)
    auth.login(world.stranger)
    for slug in (world.area.slug, world.other_area.slug):
        page = client.get(f"/coordinator/{slug}/cooks/{world.maya.id}")
        assert page.status_code == 404
        body = page.get_data(as_text=True)
        assert "Breaks" not in body and "Maya" not in body


def test_breaks_of_says_where_each_cover_stands(world):
    today = clock.today()
    cook_break, first, last = _plan(world)
    [line] = breaks.breaks_of(world.maya, today)
    assert (line.state, line.days) == ("planned", 5)
    states = sorted(c.state for c in line.covers)
    assert states == ["asked", "uncovered"]
    _agree(world, _stand_in(world))
    [line] = breaks.breaks_of(world.maya, today)
    assert sorted(c.state for c in line.covers) == ["covered", "uncovered"]
    assert breaks.breaks_of(world.maya, first)[0].state == "current"
    breaks.apply_break_transitions(today=last + timedelta(days=1))
    [line] = breaks.breaks_of(world.maya, last + timedelta(days=1))
    assert line.state == "over"
    assert sorted(c.state for c in line.covers) == ["stood_in", "uncovered"]
    assert breaks.breaks_of(world.maya, last + timedelta(days=1), with_past=False) == []


def test_the_cooks_own_pages_show_the_planned_break_and_each_cover(world, client, auth):
    cook_break, first, last = _plan(world)
    stand_in = _stand_in(world)
    covered = stand_in.diner
    uncovered = world.olive if covered.id == world.edna.id else world.edna
    regular = {d: world.regular[d.id] for d in (covered, uncovered)}
    auth.login(world.maya.user)
    home = client.get("/").get_data(as_text=True)
    assert f"Your break is planned from {long_date(first)} to {long_date(last)}." in home
    assert "Your planned break and who stands in" in home
    page = client.get("/profile/cook/checks").get_data(as_text=True)
    assert f"Your break is planned from {long_date(first)} to {long_date(last)}." in page

    def cover_item(html, diner):
        match = re.search(rf'<li id="cover-{regular[diner].id}">(.*?)</li>', html, re.S)
        assert match, f"no cover line for {diner.first_name}"
        return " ".join(match.group(1).split())

    # Proposed, not yet approved: no name before the coordinator and the cook agree.
    assert "we are waiting for everyone to say yes" in cover_item(page, covered)
    assert "Ravi" not in cover_item(page, covered)
    assert "No stand-in cook has been found yet" in cover_item(page, uncovered)
    _agree(world, stand_in)
    page = client.get("/profile/cook/checks").get_data(as_text=True)
    assert f"<strong>{covered.first_name}:</strong> Ravi is the stand-in cook." in cover_item(
        page, covered
    )


def test_the_cooks_break_page_is_in_their_language(world, client, auth):
    world.maya.user.locale = "cy"
    db.session.commit()
    _plan(world)
    auth.login(world.maya.user)
    page = client.get("/profile/cook/checks").get_data(as_text=True)
    assert "Eich cymdogion drwy'r seibiant" in page
    assert "Nid oes cogydd dros dro wedi'i ganfod eto" in page


def test_the_diners_side_sees_the_coming_break_and_the_stand_in(world, client, auth):
    cook_break, first, last = _plan(world)
    stand_in = _stand_in(world)
    diner = stand_in.diner
    side = diner.carer or diner.user
    pairings.approve(stand_in.id, world.coordinator)
    pairings.accept(stand_in.id, world.ravi.user)
    auth.login(side)
    offered = f"Ravi would like to stand in: we are waiting for {diner.first_name}&#39;s yes."
    home = client.get("/").get_data(as_text=True)
    assert "Maya is on a break from" in home and offered in home
    # The regular pairing's page says it too, before the break starts.
    regular = world.regular[diner.id]
    page = client.get(f"/pairings/{regular.id}").get_data(as_text=True)
    assert 'id="break-note"' in page and offered in page
    pairings.accept(stand_in.id, side)
    page = client.get(f"/pairings/{regular.id}").get_data(as_text=True)
    assert "Ravi is the stand-in cook." in page
    # Once the break runs, the status line says it, and the note is not repeated.
    breaks.apply_break_transitions(today=first)
    page = client.get(f"/pairings/{regular.id}").get_data(as_text=True)
    assert "Ravi is the stand-in cook meanwhile." in page and 'id="break-note"' not in page


def test_a_stand_in_that_stops_half_way_no_longer_covers_the_break(world):
    today = clock.today()
    _plan(world, first_in=0)
    stand_in = _stand_in(world)
    _agree(world, stand_in)
    pairings.end(stand_in.id, world.ravi.user, EndReason.OTHER, "Moving house")
    assert stand_in.status == P.ENDED
    [line] = breaks.breaks_of(world.maya, today)
    [cover] = [c for c in line.covers if c.pairing.id == stand_in.covers_id]
    assert (cover.state, cover.stand_in) == ("looking", None)
