"""Password reset in a real browser, following the link from the e-mail the app really sent."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from casserole.models import Role
from tests.support import factories as f

pytestmark = pytest.mark.browser

NEW_PASSWORD = "rhubarb and custard forever"


def test_password_reset_through_the_emailed_link(page, auth, database, smtp_server):
    f.user(Role.CARER, email="sam@example.org", first_name="Sam")
    database.session.commit()
    page.goto("/auth/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("E-mail address").fill("sam@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_text("If an account uses sam@example.org, we have sent it a link")).to_be_visible()
    [message] = smtp_server.messages
    body = message.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+", body).group(0)
    page.goto("/" + link.split("/", 3)[3])
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_text("Your password has been changed and you are logged in.")).to_be_visible()
    expect(page.get_by_role("heading", name="Hello, Sam")).to_be_visible()
    auth.logout()
    auth.login("sam@example.org", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Sam")).to_be_visible()
    # The link was single-use.
    page.goto("/" + link.split("/", 3)[3])
    expect(page.get_by_text("This link has already been used.")).to_be_visible()
