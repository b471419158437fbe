"""Admins read the audit trail; the CSRF check explains itself."""

from __future__ import annotations

from casserole.models import AuditEvent, Role
from tests.support import factories as f
from tests.support.app import make_test_app


def test_admin_reads_the_audit_trail_newest_first_and_filtered(client, database, auth):
    admin = f.user(Role.ADMIN, email="admin@example.org")
    for action in ("diner_erased", "pairing.approve", "diner_erased"):
        database.session.add(AuditEvent(action=action, actor_id=admin.id, detail={"why": action}))
    auth.login("admin@example.org")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "3 records." in html and "pairing.approve" in html and "admin@example.org" in html
    filtered = client.get("/admin/audit?action=diner_erased").get_data(as_text=True)
    assert "2 records." in filtered
    nonsense = client.get("/admin/audit?page=abc")
    assert nonsense.status_code == 400
    assert "The page number must be a whole number" in nonsense.get_data(as_text=True)


def test_posting_without_a_csrf_token_is_refused_in_plain_english(app, database, database_url):
    protected = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    client = protected.test_client()
    response = client.post("/auth/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Please go back, reload the page and try again." in response.get_data(as_text=True)
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page
