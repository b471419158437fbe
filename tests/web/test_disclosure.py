"""The anonymised export singles nobody out: every combination of its columns, on the demo
and at city scale, groups at least 10 people."""

from __future__ import annotations

import csv
import io
from collections import Counter
from itertools import combinations

import pytest
from sqlalchemy import func, select

from casserole.models import Area, Pairing, PairingStatus, Role
from casserole.services import anonymised, disclosure
from tests.support import factories as f

STARTED = (PairingStatus.ACTIVE, PairingStatus.PAUSED, PairingStatus.ENDED)


def _download(client, slug: str) -> tuple[list[str], list[tuple[str, ...]]]:
    text = client.get(f"/coordinator/{slug}/exports/pairings-anonymised.csv").get_data(as_text=True)
    header, *rows = list(csv.reader(io.StringIO(text)))
    # Every column but the row number is something an outsider might know about a person.
    keep = [i for i, name in enumerate(header) if name != "record"]
    return [header[i] for i in keep], [tuple(row[i] for i in keep) for row in rows]


def smallest_group(rows: list[tuple[str, ...]], width: int) -> tuple[int, tuple[int, ...]]:
    """The fewest rows sharing values, over every non-empty combination of the columns."""
    # Rows with identical values count together, so tally those once and add them up per
    # combination: the same measure as counting every row, in a fraction of the time.
    distinct = Counter(rows)
    worst = (len(rows), ())
    for size in range(1, width + 1):
        for combo in combinations(range(width), size):
            counts: Counter[tuple[str, ...]] = Counter()
            for row, n in distinct.items():
                counts[tuple(row[i] for i in combo)] += n
            least = min(counts.values(), default=len(rows))
            if least < worst[0]:
                worst = (least, combo)
    return worst


def smallest_people(area: Area) -> int:
    """The fewest distinct diners or cooks behind any released row's full set of values."""
    result = anonymised.release(area)
    diners: dict[tuple[str, ...], set[object]] = {}
    cooks: dict[tuple[str, ...], set[object]] = {}
    for row, (diner_id, cook_id) in zip(result.rows, result.people, strict=True):
        diners.setdefault(row, set()).add(diner_id)
        cooks.setdefault(row, set()).add(cook_id)
    return min([len(s) for s in diners.values()] + [len(s) for s in cooks.values()], default=10)


def _check_area(client, database, area: Area) -> int:
    columns, rows = _download(client, area.slug)
    least, combo = smallest_group(rows, len(columns))
    assert least >= disclosure.MIN_PEOPLE, (area.name, least, [columns[i] for i in combo])
    assert smallest_people(area) >= disclosure.MIN_PEOPLE, area.name
    return len(rows)


def test_the_demo_export_groups_at_least_ten_people_on_every_combination(
    app, client, database, auth
):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    auth.login("admin@casserole.example", "casserole-demo")
    areas = database.session.scalars(select(Area).order_by(Area.id)).all()
    assert len(areas) == 3
    released = sum(_check_area(client, database, area) for area in areas)
    assert released >= 0.9 * database.session.scalar(
        select(func.count()).select_from(Pairing).where(Pairing.status.in_(STARTED))
    )


@pytest.mark.slow
def test_the_city_scale_export_groups_at_least_ten_people_and_keeps_most_detail(
    app, client, database, auth
):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--scale", "city"])
    assert result.exit_code == 0, result.output
    area = database.session.scalars(select(Area)).one()
    admin = f.user(Role.ADMIN, email="admin@example.org")
    database.session.commit()
    auth.login(admin.email)
    released = _check_area(client, database, area)
    started = database.session.scalar(
        select(func.count()).select_from(Pairing).where(Pairing.status.in_(STARTED))
    )
    assert released >= 0.95 * started
    # Coarsened, not emptied: most columns still say something at city scale.
    levels = anonymised.release(area).levels
    assert sum(level != disclosure.WITHHELD for level in levels.values()) >= 8, levels


def test_fewer_than_ten_people_release_nothing_and_counts_say_so(database):
    ladders = [disclosure.Ladder("district", (str,), ("district",))]
    nine = [disclosure.Record(values=("N3",), people=(d, d + 100)) for d in range(9)]
    assert disclosure.release(ladders, nine).rows == []
    ten = [*nine, disclosure.Record(values=("N3",), people=(9, 109))]
    assert disclosure.release(ladders, ten).rows == [("N3",)] * 10
    # Ten rows about one cook are one person's rows: withheld.
    one_cook = [disclosure.Record(values=("N3",), people=(d, 1)) for d in range(10)]
    assert disclosure.release(ladders, one_cook).rows == []
    assert disclosure.figure(9) == "fewer than 10" and disclosure.figure(10) == "10"


def test_the_readme_states_the_rule_and_every_column(client, database, auth):
    area = f.area("Barnet", ("N3",))
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    database.session.commit()
    auth.login("co@example.org")
    text = client.get("/coordinator/barnet/exports/pairings-anonymised-readme.txt").get_data(
        as_text=True
    )
    assert disclosure.RULE in text
    header = client.get("/coordinator/barnet/exports/pairings-anonymised.csv").get_data(
        as_text=True
    )
    for column in header.strip().split(","):
        assert f"- {column}:" in text, column


@pytest.mark.parametrize("busiest", [3, 40])
def test_group_sizes_match_a_plain_count(busiest):
    """The search's fast count (pairs of rows about the same person, or a sort when someone
    is in many rows) gives what counting distinct people per group by hand gives."""
    import random

    rng = random.Random(busiest)
    ladders = [
        disclosure.Ladder("district", (str, lambda v: "area"), ("district", "area")),
        disclosure.Ladder("months", (str, lambda v: str(v // 3)), ("month", "quarter")),
        disclosure.Ladder("meals", (str,), ("count",)),
    ]
    records = [
        disclosure.Record(
            values=(rng.choice("ABC"), rng.randrange(12), rng.choice([None, 1, 1.0, 2])),
            # Cooks: most in a row or two, one in `busiest` rows.
            people=(k, 999 if k < busiest else rng.randrange(150)),
        )
        for k in range(400)
    ]
    search = disclosure._Search(ladders, records)
    assert (search.repeats[1] is None) == (busiest > 16)  # both ways of counting are tried
    for levels in ([0, 0, 0], [1, 0, 0], [0, 1, 1], [1, 1, 0], [2, 2, 1]):
        labels = search.rows(levels)
        expected = []
        for row in labels:
            same = [r.people for r, other in zip(records, labels, strict=True) if other == row]
            expected.append(min(len({p[0] for p in same}), len({p[1] for p in same})))
        assert search.sizes(levels).tolist() == expected, levels
    # 1 and 1.0 are equal but labelled apart ("1" and "1.0").
    assert {row[2] for row in search.rows([0, 0, 0])} == {"None", "1", "1.0", "2"}
