"""Bulk import of referrals: every row checked in plain English, all or nothing, twice adds nothing."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from casserole.extensions import db
from casserole.models import ConsentMethod, DinerProfile, Job, Role
from casserole.services.casework import imports
from tests.support import factories as f

HEADER = "first_name,last_name,postcode,address_line,birth_date,days,needs,referrer_kind,referrer_name,consent_method"
GOOD = [
    "Ivy,Price,N3 1AB,4 Lichfield Grove,14/03/1938,Mon;Wed,nut-free,gp,Dr Shah,referrer",
    "Stan,Hill,N12 0AA,9 Woodside Lane,1941-07-02,Tue,,family,June Hill,phone",
    "Noor,Khan,N3 2BB,1 Long Lane,,any,Halal,,,",
]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def diners() -> int:
    return db.session.scalar(select(func.count()).select_from(DinerProfile))


@pytest.fixture
def world(database):
    """Barnet (N3, N12) with a coordinator; Tower Hamlets with another."""
    barnet = f.area("Barnet", ("N3", "N12"))
    hamlets = f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    coordinator = f.user(Role.COORDINATOR, email="coord@example.org")
    coordinator.areas = [barnet]
    stranger = f.user(Role.COORDINATOR)
    stranger.areas = [hamlets]
    database.session.commit()
    return {"barnet": barnet, "coordinator": coordinator, "stranger": stranger}


def upload(client, data: bytes, slug: str = "barnet"):
    return client.post(
        f"/coordinator/{slug}/referrals/import",
        data={"file": (io.BytesIO(data), "referrals.csv")},
        content_type="multipart/form-data",
    )


def confirm(client, page: str, slug: str = "barnet"):
    token = re.search(r'name="token" value="([0-9a-f]{64})"', page).group(1)
    return client.post(f"/coordinator/{slug}/referrals/import", data={"token": token})


def test_preview_then_import_then_the_same_file_again_adds_nothing(client, auth, world):
    auth.as_user(world["coordinator"])
    preview = upload(client, csv_bytes(*GOOD))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "3 new referrals" in page
    assert diners() == 0  # the preview changes nothing
    done = confirm(client, page)
    assert done.status_code == 302
    assert diners() == 3
    ivy = db.session.scalar(select(DinerProfile).where(DinerProfile.first_name == "Ivy"))
    assert ivy.referrer_name == "Dr Shah" and ivy.consent_method == ConsentMethod.REFERRER
    assert ivy.needs == {"nut-free"} and ivy.days == {0, 2}
    assert ivy.registered_by_id == world["coordinator"].id and ivy.area_id == world["barnet"].id
    noor = db.session.scalar(select(DinerProfile).where(DinerProfile.first_name == "Noor"))
    assert noor.consent_at is None and noor.days == set(range(7))
    # The import ran as a job: its page says what was added, and the upload is not kept.
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Imported 3 new referrals; 0 rows already registered, skipped." in shown
    assert db.session.scalar(select(Job.input_data)) is None

    again = upload(client, csv_bytes(*GOOD)).get_data(as_text=True)
    assert "0 new referrals; 3 rows already registered" in again
    assert 'name="token"' not in again
    assert diners() == 3


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "Ivy,Price,N3 1AB,4 Lichfield Grove,31/02/1938,Mon,,,,",
            "Line 3 (Ivy Price): birth_date: “31/02/1938” is not a date",
        ),
        (
            "Ivy,Price,ZZ,4 Lichfield Grove,,Mon,,,,",
            "Line 3 (Ivy Price): postcode: “ZZ” is not a full UK postcode",
        ),
        (
            "Ivy,Price,E1 6AN,4 Lichfield Grove,,Mon,,,,",
            "Line 3 (Ivy Price): postcode: E1 6AN is not in Barnet.",
        ),
        (
            "Ivy,Price,N3 1AB,4 Lichfield Grove,,Mon,peanuts,,,",
            "Line 3 (Ivy Price): needs: “peanuts” is not one of: vegetarian",
        ),
        (
            "Ivy,Price,N3 1AB,4 Lichfield Grove,,Funday,,,,",
            "Line 3 (Ivy Price): days: “funday” is not a day",
        ),
        (
            "Ivy,Price,N3 1AB,4 Lichfield Grove,,,,,,",
            "Line 3 (Ivy Price): days: Choose at least one day.",
        ),
        (
            'Ivy,Price,N3 1AB,=HYPERLINK("x"),,Mon,,,,',
            "Line 3 (Ivy Price): address_line: starts like a spreadsheet formula",
        ),
        (
            "Ivy,Price,N3 1AB,4 Lichfield Grove,,Mon,,,,self_online",
            "consent_method: “self_online” is not one of: phone, paper, in_person, referrer.",
        ),
        (
            "Ivy,Price,N3 1AB,4 Lichfield Grove,,Mon,,,,referrer",
            "consent_method: Consent through a referrer needs the referrer&#39;s details.",
        ),
        (GOOD[0], "Line 3 (Ivy Price): the same person as on line 2."),
        (
            "Ivy,Price,N3 1AB,4 Lichfield Grove,,Mon,,,,,extra",
            "Line 3 (Ivy Price): the row has more cells than the first line has columns.",
        ),
    ],
)
def test_one_bad_row_is_explained_and_nothing_is_imported(client, auth, world, row, message):
    auth.as_user(world["coordinator"])
    response = upload(client, csv_bytes(GOOD[0], row))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "Nothing imported: 1 of 2 rows have problems." in page
    assert 'name="token"' not in page
    assert diners() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"first_name,postcode\nIvy,N3 1AB\n",
            "The first line lacks the column(s): address_line, days.",
        ),
        (
            csv_bytes(GOOD[0], header=HEADER + ",shoe_size"),
            "Unknown column(s): &#39;shoe_size&#39;",
        ),
        ((HEADER + '\nIvy,Price,N3 1AB,"4 Lichfield\n').encode(), "The CSV cannot be read"),
        (
            "first_name,postcode,address_line,days\nZoë,N3 1AB,1 Rue,Mon\n".encode("latin-1"),
            "The file is not UTF-8 text",
        ),
        (b"first_name,postcode\x00,address_line,days\n", "NUL characters"),
        (b"", "The file is empty"),
        (HEADER.encode(), "The file has no rows"),
    ],
)
def test_a_broken_file_is_explained_in_plain_english(client, auth, world, data, message):
    auth.as_user(world["coordinator"])
    response = upload(client, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert diners() == 0


def test_a_utf8_file_with_a_byte_order_mark_from_a_spreadsheet_is_read(client, auth, world):
    auth.as_user(world["coordinator"])
    data = "\ufeff".encode() + csv_bytes("Zoë,Ng,N3 1AB,1 Rue,,Mon,,,,")
    page = upload(client, data).get_data(as_text=True)
    assert confirm(client, page).status_code == 302
    assert db.session.scalar(select(DinerProfile.first_name)) == "Zoë"


def test_another_areas_coordinator_gets_404_and_their_area_refuses_barnets_people(
    client, auth, world
):
    auth.as_user(world["stranger"])
    assert upload(client, csv_bytes(*GOOD)).status_code == 404
    page = upload(client, csv_bytes(*GOOD), slug="tower-hamlets").get_data(as_text=True)
    assert "N3 1AB is not in Tower Hamlets." in page
    assert diners() == 0


def letters(n: int) -> str:
    """A distinct surname made of letters for each number: Aaa, Aab, ..."""
    out = ""
    for _ in range(3):
        n, r = divmod(n, 26)
        out = chr(97 + r) + out
    return out.title()


@pytest.mark.slow
def test_ten_thousand_rows_import_at_once_and_a_bad_last_row_stops_them_all(app, world):
    rows = [f"Person,{letters(i)},N3 1AB,{i} High Road,,Mon;Thu,,,,phone" for i in range(10_000)]
    result, done = imports.run_import(
        world["barnet"], csv_bytes(*rows, "Bad,Row,N3 1AB,1 Road,,,,,,"), world["coordinator"]
    )
    assert done is None and [r.line for r in result.problem_rows] == [10_002]
    assert diners() == 0
    result, done = imports.run_import(world["barnet"], csv_bytes(*rows), world["coordinator"])
    assert done is not None and done.added == 10_000
    assert diners() == 10_000


def test_cli_dry_run_then_import_with_progress_and_a_one_line_summary(app, world, tmp_path):
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes(*GOOD))
    runner = app.test_cli_runner()
    args = ["import-referrals", str(path), "--area", "barnet", "--by", "coord@example.org"]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: 3 new, 0 already registered; nothing changed." in dry.output
    assert diners() == 0
    done = runner.invoke(args=args)
    assert done.exit_code == 0
    assert (
        done.output.strip().splitlines()[-1]
        == "Imported 3 new referrals; 0 rows already registered, skipped."
    )
    assert diners() == 3
    path.write_bytes(csv_bytes("Ivy,Price,N3 1AB,4 Lichfield Grove,,Mon,peanuts,,,"))
    bad = runner.invoke(args=args)
    assert bad.exit_code == 1
    assert "Line 2 (Ivy Price): needs: “peanuts” is not one of" in bad.output
    wrong = runner.invoke(
        args=["import-referrals", str(path), "--area", "barnet", "--by", "nobody@example.org"]
    )
    assert wrong.exit_code != 0 and "is not a coordinator of Barnet" in wrong.output


CELLS = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
) | st.sampled_from(
    ["=1+1", "+44", "@x", "N3 1AB", "Mon", "nut-free", "14/03/1938", '"', "\r\n", ","]
)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=12), max_size=6),
    raw=st.none() | st.binary(max_size=200),
)
def test_fuzzed_files_never_fail_and_never_half_import(client, auth, world, rows, raw):
    auth.as_user(world["coordinator"])
    body = raw if raw is not None else "\n".join([HEADER, *(",".join(r) for r in rows)]).encode()
    before = diners()
    response = upload(client, body)
    assert response.status_code < 500
    assert diners() == before
    page = response.get_data(as_text=True)
    if response.status_code == 200 and 'name="token"' in page:
        new = int(re.search(r"(\d+) new referral", page).group(1))
        assert confirm(client, page).status_code == 302
        assert diners() == before + new
