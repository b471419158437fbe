"""Logging people in and out, through the test client or a browser page: one way for every test."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.factories import PASSWORD

LOGIN = "/auth/login"


def email_of(who: Any) -> str:
    """The login e-mail of a User, or the e-mail itself."""
    return who if isinstance(who, str) else who.email


class ClientAuth:
    """Log in and out through the real login form of a Flask test client."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def on(self, client: FlaskClient) -> ClientAuth:
        """The same actions for another client (a second person, a second browser)."""
        return ClientAuth(client)

    def attempt(
        self,
        who: Any,
        password: str = PASSWORD,
        *,
        follow: bool = False,
        ip: str | None = None,
        **form: str,
    ) -> TestResponse:
        """Post the login form (from address `ip` if given) and return the answer, whatever it is."""
        extra = {"environ_base": {"REMOTE_ADDR": ip}} if ip else {}
        return self.client.post(
            LOGIN,
            data={"email": email_of(who), "password": password, **form},
            follow_redirects=follow,
            **extra,
        )

    def login(
        self, who: Any, password: str = PASSWORD, *, follow: bool = False, **form: str
    ) -> TestResponse:
        """Log in through the form; fail the test at once (with the page) if it is refused."""
        response = self.attempt(who, password, follow=follow, **form)
        # A success redirects away from the form; a refusal renders it again.
        redirected = response.history if follow else [response]
        ok = bool(redirected) and redirected[0].status_code == 302
        assert ok, f"login as {email_of(who)} refused ({response.status_code}): " + (
            response.get_data(as_text=True)[:500]
        )
        return response

    def logout(self) -> TestResponse:
        """Log out (a POST, as the page's button does)."""
        return self.client.post("/auth/logout")

    def as_user(self, user: Any) -> None:
        """Start a logged-in session for `user` without the form (no rate limit, no audit row)."""
        with self.client.session_transaction() as session:
            session["_user_id"] = user if isinstance(user, str) else user.get_id()
            session["_fresh"] = True


class PageAuth:
    """Log in and out through the login page of a Playwright browser page."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def on(self, page: Any) -> PageAuth:
        """The same actions in another page (another browser context)."""
        return PageAuth(page)

    def login(self, who: Any, password: str = PASSWORD) -> Any:
        """Fill in and send the login form, and wait until the home page has loaded."""
        page = self.page
        page.goto(LOGIN)
        page.get_by_label("E-mail address").fill(email_of(who))
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/")
        return page

    def logout(self) -> None:
        """Press the page's Log out button and wait for the home page."""
        self.page.get_by_role("button", name="Log out").click()
        self.page.wait_for_url("**/")
