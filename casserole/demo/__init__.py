"""Demo data (developer tooling): three boroughs from a declarative roster, or one big city."""

from casserole.demo.boroughs import demo_logins, demo_present, seed_boroughs
from casserole.demo.city import CITY_SLUG, city_total_rows, seed_city
from casserole.demo.common import DEMO_DOMAIN, DEMO_PASSWORD, SeedReport
from casserole.demo.roster import BOROUGHS

__all__ = [
    "BOROUGHS",
    "CITY_SLUG",
    "DEMO_DOMAIN",
    "DEMO_PASSWORD",
    "SeedReport",
    "city_total_rows",
    "demo_logins",
    "demo_present",
    "seed_boroughs",
    "seed_city",
]
