"""The case log: entries on every kind of subject, seen only by the area's coordinators, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casserole.models import AuditEvent, CaseLogEntry, CaseLogKind, PairingStatus, Role
from tests.support import factories as f


@pytest.fixture
def casework(database):
    """Barnet with a live pairing and its carer; a coordinator of Barnet and one of Hamlets."""
    barnet = f.area("Barnet", ("N3",))
    hamlets = f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    carer = f.user(Role.CARER, first_name="Carol")
    diner = f.diner(barnet, carer=carer, first_name="Edna")
    cook = f.cook(barnet)
    pairing = f.pairing(cook, diner, PairingStatus.ACTIVE)
    coordinator = f.user(Role.COORDINATOR, first_name="Cora")
    coordinator.areas = [barnet]
    stranger = f.user(Role.COORDINATOR)
    stranger.areas = [hamlets]
    database.session.commit()
    return {
        "diner": diner,
        "cook": cook,
        "carer": carer,
        "pairing": pairing,
        "coordinator": coordinator,
        "stranger": stranger,
    }


@pytest.mark.parametrize("kind", ["diner", "cook", "carer", "pairing"])
def test_an_entry_on_each_kind_of_subject_shows_author_kind_and_text(client, auth, casework, kind):
    subject = casework[kind]
    auth.as_user(casework["coordinator"])
    url = f"/coordinator/barnet/case-log/{kind}/{subject.id}"
    response = client.post(url, data={"kind": "intro_visit", "body": "Met at home, keen on soup"})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Introduction visit" in page
    assert "Met at home, keen on soup" in page
    assert "Cora" in page
    from casserole.extensions import db

    entry = db.session.scalar(select(CaseLogEntry))
    assert entry.kind == CaseLogKind.INTRO_VISIT
    assert getattr(entry, f"{kind}_id") == subject.id
    assert entry.author_id == casework["coordinator"].id


def test_the_pairing_page_carries_the_log_for_coordinators_only(client, auth, casework):
    pairing = casework["pairing"]
    auth.as_user(casework["coordinator"])
    client.post(
        f"/coordinator/barnet/case-log/pairing/{pairing.id}",
        data={"kind": "check_in", "body": "Both happy", "next": f"/pairings/{pairing.id}"},
    )
    page = client.get(f"/pairings/{pairing.id}").get_data(as_text=True)
    assert "Check-in call" in page and "Both happy" in page
    auth.logout()
    auth.as_user(casework["carer"])
    carer_page = client.get(f"/pairings/{pairing.id}").get_data(as_text=True)
    assert "Both happy" not in carer_page
    assert "Case log" not in carer_page


def test_empty_entry_is_explained_and_nothing_is_written(client, auth, casework):
    from casserole.extensions import db

    auth.as_user(casework["coordinator"])
    response = client.post(
        f"/coordinator/barnet/case-log/diner/{casework['diner'].id}",
        data={"kind": "note", "body": "  "},
    )
    assert response.status_code == 422
    assert "Write what was said or done." in response.get_data(as_text=True)
    assert db.session.scalar(select(CaseLogEntry)) is None


def test_another_areas_coordinator_gets_404_for_every_log(client, auth, casework):
    auth.as_user(casework["stranger"])
    for kind in ("diner", "cook", "carer", "pairing"):
        subject_id = casework[kind].id
        for slug in ("barnet", "tower-hamlets"):
            url = f"/coordinator/{slug}/case-log/{kind}/{subject_id}"
            assert client.get(url).status_code == 404, url
            assert client.post(url, data={"kind": "note", "body": "x"}).status_code == 404, url


def test_each_view_of_a_diners_log_is_audited(client, auth, casework):
    from casserole.extensions import db

    diner = casework["diner"]
    auth.as_user(casework["coordinator"])
    for _ in range(2):
        assert client.get(f"/coordinator/barnet/case-log/diner/{diner.id}").status_code == 200
    views = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "case_log_viewed")
    ).all()
    assert len(views) == 2
    assert {(v.subject_type, v.subject_id, v.actor_id) for v in views} == {
        ("DinerProfile", diner.id, casework["coordinator"].id)
    }


def test_erasure_clears_the_words_of_a_diners_and_a_carers_logs(casework):
    from casserole.extensions import db
    from casserole.services import rights
    from casserole.services.casework import case_log

    coordinator = casework["coordinator"]
    area = casework["diner"].area
    for kind in ("diner", "pairing", "carer"):
        subject = case_log.find_subject(area, kind, casework[kind].id)
        case_log.add_entry(
            subject, CaseLogKind.NOTE, f"private words about the {kind}", coordinator
        )
    rights.erase_diner(casework["diner"], coordinator)
    bodies = dict(db.session.execute(select(CaseLogEntry.id, CaseLogEntry.body)).all())
    assert sorted(bodies.values()) == ["", "", "private words about the carer"]
    rights.erase_user(casework["carer"])
    db.session.expire_all()
    assert set(db.session.scalars(select(CaseLogEntry.body))) == {""}


def test_a_new_pairing_asks_for_the_introduction_visit_until_it_is_logged(client, auth, casework):
    from casserole.models import PairingStatus as P

    proposal = f.pairing(
        f.cook(casework["diner"].area), f.diner(casework["diner"].area), P.APPROVED
    )
    auth.as_user(casework["coordinator"])
    assert 'id="intro-visit-due"' in client.get(f"/pairings/{proposal.id}").get_data(as_text=True)
    client.post(
        f"/coordinator/barnet/case-log/pairing/{proposal.id}",
        data={"kind": "intro_visit", "body": "Introduced them over tea"},
    )
    assert 'id="intro-visit-due"' not in client.get(f"/pairings/{proposal.id}").get_data(
        as_text=True
    )


def test_a_long_case_log_pages_newest_first_and_keeps_the_intro_visit(
    client, auth, casework, database
):
    """Thirty entries: 25 on the first page, the rest behind "Older entries"; a bad page is 400."""
    pairing = casework["pairing"]
    area_id = pairing.area_id
    database.session.add(
        CaseLogEntry(
            area_id=area_id, kind=CaseLogKind.INTRO_VISIT, body="entry 0", pairing_id=pairing.id
        )
    )
    for i in range(1, 30):
        database.session.add(
            CaseLogEntry(
                area_id=area_id, kind=CaseLogKind.NOTE, body=f"entry {i}", pairing_id=pairing.id
            )
        )
    database.session.commit()
    auth.as_user(casework["coordinator"])
    url = f"/coordinator/barnet/case-log/pairing/{pairing.id}"
    first = client.get(url).get_data(as_text=True)
    assert "entry 29" in first and "entry 4<" not in first
    assert "Entries 1 to 25 of 30" in first and "log_page=2" in first
    second = client.get(url, query_string={"log_page": "2"}).get_data(as_text=True)
    assert "entry 4<" in second and "entry 0<" in second and "entry 29" not in second
    # The introduction visit is on page 2, and still counts: no "visit due" warning.
    assert 'id="intro-visit-due"' not in first
    for bad in ("0", "-1", "x", "²", "99999999999"):
        assert client.get(url, query_string={"log_page": bad}).status_code == 400, bad
