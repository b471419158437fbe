"""The test plumbing itself: the honesty check, skips that fail in CI, logins, the SMTP server."""

from __future__ import annotations

import errno
import smtplib
import socket
from email.message import EmailMessage

import pytest

from casserole.models import Role
from tests.support import factories as f
from tests.support.honesty import problems_in, problems_under
from tests.support.requirements import require_module, unavailable
from tests.support.smtp import serve

DISHONEST = '''
from tests.web.test_pages import helper
from tests import conftest
import pytest

ARGS = ["--a", "--b"]


def test_constants(thing):
    made, other = thing(), thing()
    assert "--a" in ARGS
    assert True
    assert made.id
    assert other
    assert thing.ok or True


def test_conditional(thing):
    if thing.ready:
        assert thing.value == 3


def test_swallowed(thing):
    try:
        thing.go()
    except Exception:
        pass


def test_skips():
    pytest.importorskip("ortools")
    pytest.skip("later")


@pytest.mark.skipif(True, reason="never")
def test_marked():
    return None
'''

BROWSER = '''
def test_page(page):
    assert page.get_by_text("Hello").is_visible()
    assert page.locator("#n").inner_text() == "3"
'''


def test_the_suite_has_nothing_that_cannot_fail(project_root):
    assert problems_under(project_root / "tests") == []


def test_the_honesty_check_finds_each_kind_of_dishonest_test():
    """Proof the check above can fail: every pattern in a made-up module is reported."""
    found = "\n".join(problems_in(DISHONEST, "tests/web/test_made_up.py"))
    for what in (
        ":2: imports test module tests.web.test_pages",
        ":3: imports a test module from tests",
        ":11: compares constants with constants",
        ":12: asserts a literal",
        ":13: asserts an id",
        ":14: asserts other, used nowhere else",
        ":15: `or` a true constant",
        ":19: assertions only under an `if`",
        ":26: an exception handler that swallows",
        ":31: importorskip",
        ":32: skip: use tests.support.requirements",
        ":35: pytest.mark.skipif",
    ):
        assert what in found, f"{what!r} not reported in:\n{found}"
    browser = "\n".join(problems_in(BROWSER, "tests/browser/test_made_up.py"))
    assert ":3: assert on .is_visible(): use expect()" in browser
    assert ":4: assert on .inner_text(): use expect()" in browser
    # The same reads outside browser tests are not Playwright's and are left alone.
    assert problems_in(BROWSER, "tests/web/test_made_up.py") == []


def test_something_unavailable_is_skipped_locally_and_fails_when_required():
    with pytest.raises(pytest.skip.Exception, match="no widget"):
        unavailable("no widget", required=False)
    with pytest.raises(pytest.fail.Exception, match="required but unavailable: no widget"):
        unavailable("no widget", required=True)


def test_a_missing_module_is_named(monkeypatch):
    import tests.support.requirements as requirements

    monkeypatch.setattr(requirements, "REQUIRE_ALL", True)  # as in CI
    with pytest.raises(pytest.fail.Exception, match="no_such_module_here is needed for a test"):
        require_module("no_such_module_here", "for a test")
    assert require_module("json", "for a test").dumps([1]) == "[1]"


def test_login_fails_the_test_at_once_when_refused(auth, database):
    f.user(Role.CARER, email="sam@example.org")
    with pytest.raises(AssertionError, match=r"login as sam@example.org refused \(422\)"):
        auth.login("sam@example.org", "not the password")
    assert auth.login("sam@example.org").status_code == 302


def test_the_smtp_server_holds_its_port_from_bind_to_stop():
    with serve() as (inbox, port):
        # The port is never released between choosing it and serving on it.
        with socket.socket() as intruder, pytest.raises(OSError) as taken:
            intruder.bind(("127.0.0.1", port))
        assert taken.value.errno == errno.EADDRINUSE
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "Hi"
        message.set_content("Soup on Tuesday.")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.send_message(message)
    [received] = inbox.messages
    assert received["Subject"] == "Hi"
    assert received.get_content().strip() == "Soup on Tuesday."
