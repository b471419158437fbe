"""Simulated Casserole users for the load test (run by scripts/load_test.py, not by hand)."""

from __future__ import annotations

import json
import os
import random
import re
import threading
import uuid
from datetime import date, timedelta

from locust import FastHttpUser, between, events, task

PLAN = json.loads(open(os.environ["CASSEROLE_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
PASSWORD = PLAN["password"]
_lock = threading.Lock()
_cooks = list(PLAN["cooks"])
_proposals = list(PLAN["proposals"])
LOGGED_MEALS: list[str] = []
ACCEPTED: list[int] = []
_addresses = iter(range(1, 1 << 24))
REFUSED_MEALS: list[str] = []
STATUS_COUNTS: dict[int, int] = {}
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@events.request.add_listener
def _count(response: object = None, **_: object) -> None:
    status = getattr(response, "status_code", 0) or 0
    with _lock:
        STATUS_COUNTS[status] = STATUS_COUNTS.get(status, 0) + 1


@events.test_stop.add_listener
def _dump(**_: object) -> None:
    with open(os.environ["CASSEROLE_LOAD_RESULTS"], "w", encoding="utf-8") as out:
        json.dump(
            {
                "meals": LOGGED_MEALS,
                "refused": REFUSED_MEALS,
                "accepted": ACCEPTED,
                "statuses": STATUS_COUNTS,
            },
            out,
        )


class _Person(FastHttpUser):
    """A logged-in person; subclasses say who and what they do."""

    # FastHttpUser (geventhttpclient), not HttpUser (requests): the load generator shares the
    # machine with the hosts under test, and requests costs several times the CPU per call.
    abstract = True
    # People read a page before the next click: a few seconds, as on a phone or tablet.
    wait_time = between(2, 8)

    def on_start(self) -> None:
        """Keep to one of the two hosts, from an address of one's own (through the proxy)."""
        with _lock:
            n = next(_addresses)
        hosts = PLAN.get("hosts") or [self.host]
        self.client.base_url = hosts[n % len(hosts)]
        # The proxy the app trusts (TRUSTED_PROXIES=1) appends the client's address.
        self.forwarded = {"X-Forwarded-For": f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}"}

    def get(self, path: str, name: str) -> object:
        """GET from this person's own address."""
        return self.client.get(path, name=name, headers=self.forwarded)

    def post(self, path: str, name: str, data: dict[str, object], **kwargs: object) -> object:
        """POST a form from this person's own address."""
        return self.client.post(path, name=name, data=data, headers=self.forwarded, **kwargs)

    def _csrf(self, path: str, name: str) -> str | None:
        page = self.get(path, name)
        found = CSRF.search(page.text)
        return found.group(1) if found else None

    def _login(self, email: str) -> None:
        token = self._csrf("/auth/login", "login form")
        self.post(
            "/auth/login",
            data={"csrf_token": token, "email": email, "password": PASSWORD},
            name="log in",
        )


class Cook(_Person):
    """A cook who checks their page and logs meals for one of their pairings."""

    weight = 6

    def on_start(self) -> None:
        """Pick an account and log in."""
        super().on_start()
        with _lock:
            self.me = _cooks.pop() if _cooks else random.choice(PLAN["cooks"])
        # One meal a day is the rule: each logged meal goes one day further back.
        self.days_back = 0
        self._login(self.me["email"])

    @task(3)
    def home(self) -> None:
        """Open the home page."""
        self.get("/", "home")

    @task(2)
    def pairing_page(self) -> None:
        """Open the pairing page."""
        self.get(f"/pairings/{self.me['pairing_id']}", "pairing page")

    @task(2)
    def log_meal(self) -> None:
        """Log a meal with a unique dish name, remembering it if the app said yes."""
        path = f"/pairings/{self.me['pairing_id']}/meals/new"
        token = self._csrf(path, "meal form")
        dish = f"load-{uuid.uuid4().hex}"
        shared_on = date.today() - timedelta(days=self.days_back)
        self.days_back += 1
        with self.post(
            path,
            data={
                "csrf_token": token,
                "shared_on": shared_on.isoformat(),
                "dish": dish,
                "allergen_note": "",
            },
            name="log meal",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                with _lock:
                    LOGGED_MEALS.append(dish)
                response.success()
            elif (
                response.status_code == 422 and "already logged a meal on that day" in response.text
            ):
                # The seeded history already has a meal that day: a correct refusal.
                with _lock:
                    REFUSED_MEALS.append(dish)
                response.success()
            else:
                response.failure(f"meal not logged: {response.status_code}")


class ProposedCook(_Person):
    """A cook who accepts the proposal waiting for them, then looks at it."""

    weight = 2

    def on_start(self) -> None:
        """Pick an account and log in."""
        super().on_start()
        with _lock:
            self.proposal = _proposals.pop() if _proposals else None
        if self.proposal:
            self._login(self.proposal["email"])
            self.accepted = False

    @task
    def accept(self) -> None:
        """Accept the waiting proposal once, then keep looking at it."""
        if not self.proposal:
            self.get("/", "home")
            return
        path = f"/pairings/{self.proposal['pairing_id']}"
        if not self.accepted:
            token = self._csrf(path, "pairing page")
            response = self.post(
                f"{path}/accept",
                data={"csrf_token": token},
                name="accept proposal",
                allow_redirects=False,
            )
            if response.status_code == 302:
                with _lock:
                    ACCEPTED.append(self.proposal["pairing_id"])
            self.accepted = True
        self.get(path, "pairing page")


class Coordinator(_Person):
    """A coordinator looking over their area."""

    weight = 1

    def on_start(self) -> None:
        """Pick an account and log in."""
        super().on_start()
        self._login(PLAN["coordinator"])

    @task
    def overview(self) -> None:
        """Look over the area."""
        self.get("/", "home")
        for path, name in PLAN.get("coordinator_pages", []):
            self.get(path, name)
