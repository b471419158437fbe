"""Every 4xx and 5xx page speaks plain English and offers a way back (issue 19)."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import default_exceptions

from casserole.errors import error_wording
from casserole.models import Role
from tests.support import factories as f

WERKZEUG_WORDS = ("If you entered the URL manually", "The server", "The browser (or proxy)")


def test_a_missing_page_is_plain_english_with_a_way_home(client):
    page = client.get("/no/such/page")
    html = page.get_data(as_text=True)
    assert page.status_code == 404
    assert "We could not find that page" in html
    assert "The page may have moved" in html
    assert 'href="/"' in html and "Go to the home page" in html
    assert not any(words in html for words in WERKZEUG_WORDS)


def test_a_wrong_method_is_plain_english(client):
    page = client.put("/")
    assert page.status_code == 405
    html = page.get_data(as_text=True)
    assert "That page cannot be used in that way." in html
    assert not any(words in html for words in WERKZEUG_WORDS)


@pytest.mark.parametrize("code", [400, 401, 403, 404, 405, 406, 409, 410, 413, 415, 429, 500, 501])
def test_every_error_code_gets_the_services_page(app, code):
    # Each code as raised by any view: none falls through to Werkzeug's own page.
    with app.test_request_context("/somewhere"):
        response = app.make_response(app.handle_http_exception(default_exceptions[code]()))
    html = response.get_data(as_text=True)
    assert response.status_code == code
    assert not any(words in html for words in WERKZEUG_WORDS), html
    assert "Go to the home page" in html
    assert f"Error {code}." in html


def test_a_reason_given_by_the_view_is_kept():
    assert error_wording(404, "We could not find that diner in this area.", "stock") == (
        "We could not find that page",
        "We could not find that diner in this area.",
    )


def test_a_server_fault_never_shows_its_detail():
    heading, message = error_wording(500, "psycopg exploded at line 3", "stock")
    assert heading == "Something went wrong on our side"
    assert "psycopg" not in message


def test_a_logged_in_person_is_sent_to_their_home_page(client, auth):
    f.user(Role.CARER, email="sam@example.org")
    auth.login("sam@example.org")
    html = client.get("/no/such/page").get_data(as_text=True)
    assert "Go to your home page" in html


def test_a_rate_limit_speaks_plainly_not_in_limit_strings():
    heading, message = error_wording(429, "10 per 1 minute", "stock")
    assert heading == "Too many tries" and "10 per 1 minute" not in message
