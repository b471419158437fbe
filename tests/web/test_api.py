"""The read-only API: tokens per area (hashed, expiring, revocable), JSON errors, no personal data."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casserole import clock
from casserole.extensions import db
from casserole.models import ApiToken, Role, User
from casserole.services.outcomes import tokens
from tests.support import factories as f


def _get(client, url, raw):
    return client.get(url, headers={"Authorization": f"Bearer {raw}"})


def _areas():
    barnet = f.area("Barnet", ("N3",), slug="barnet")
    hamlets = f.area("Tower Hamlets", ("E14",), slug="tower-hamlets")
    return barnet, hamlets


def test_own_area_only_with_a_usable_token(client, database):
    barnet, hamlets = _areas()
    f.api_token(barnet, raw="cas_barnet")
    f.api_token(barnet, raw="cas_expired", expires_at=clock.now() - timedelta(seconds=1))
    f.api_token(barnet, raw="cas_revoked", revoked_at=clock.now())
    for path in ("figures", "pairings", "waiting"):
        assert _get(client, f"/api/v1/areas/barnet/{path}", "cas_barnet").status_code == 200
        assert _get(client, f"/api/v1/areas/tower-hamlets/{path}", "cas_barnet").status_code == 403
        for raw in ("cas_expired", "cas_revoked", "cas_unknown"):
            response = _get(client, f"/api/v1/areas/barnet/{path}", raw)
            assert response.status_code == 401 and response.is_json
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert client.get(f"/api/v1/areas/barnet/{path}").status_code == 401
    assert _get(client, "/api/v1/areas", "cas_barnet").json == [
        {"slug": "barnet", "name": "Barnet"}
    ]
    missing = _get(client, "/api/v1/areas/nowhere/figures", "cas_barnet")
    assert missing.status_code == 404 and missing.json["message"] == "No such area."


def test_issued_tokens_are_stored_hashed_and_revocable(client, database):
    barnet, _ = _areas()
    admin = f.user(Role.ADMIN)
    issued = tokens.issue(barnet, "Council data warehouse", 30, admin)
    stored = db.session.scalars(select(ApiToken)).all()
    assert [t.token_hash for t in stored] == [tokens.hash_token(issued.raw)]
    assert issued.raw not in {t.token_hash for t in stored} | {t.prefix for t in stored}
    assert _get(client, "/api/v1/areas/barnet/figures", issued.raw).status_code == 200
    tokens.revoke(issued.token.id, admin)
    assert _get(client, "/api/v1/areas/barnet/figures", issued.raw).status_code == 401


def test_answers_hold_no_personal_data(client, database):
    barnet, _ = _areas()
    for k in range(12):
        f.started_pairing(barnet, days=120 + k, meals=3)
    f.api_token(barnet, raw="cas_barnet")
    body = "".join(
        _get(client, f"/api/v1/areas/barnet/{p}", "cas_barnet").get_data(as_text=True)
        for p in ("figures", "pairings", "waiting")
    )
    names = [u.first_name for u in db.session.scalars(select(User))]
    assert names and not [n for n in names if n in body]
    assert "@example.org" not in body and "N3 1AB" not in body and "Test Street" not in body


def test_rate_limited_per_token(app, client, database):
    barnet, _ = _areas()
    f.api_token(barnet, raw="cas_one")
    f.api_token(barnet, raw="cas_two")
    app.config["RATELIMIT_API"] = "3 per minute"
    try:
        codes = [_get(client, "/api/v1/areas", "cas_one").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert _get(client, "/api/v1/areas", "cas_two").status_code == 200
    finally:
        app.config.pop("RATELIMIT_API")


def test_admin_issues_and_revokes_tokens(client, auth, database):
    barnet, _ = _areas()
    admin = f.user(Role.ADMIN)
    auth.login(admin)
    bad = client.post("/admin/api-tokens", data={"area": barnet.id, "label": "", "days": "900"})
    assert bad.status_code == 422
    assert b"Give the token a name." in bad.data and b"Between 1 and 366 days." in bad.data
    assert db.session.scalar(select(ApiToken.id)) is None
    page = client.post("/admin/api-tokens", data={"area": barnet.id, "label": "BI", "days": "30"})
    raw = page.get_data(as_text=True).split('id="new-token">')[1].split("<")[0]
    assert _get(client, "/api/v1/areas/barnet/waiting", raw).status_code == 200
    token_id = db.session.scalar(select(ApiToken.id))
    client.post(f"/admin/api-tokens/{token_id}/revoke", data={})
    assert _get(client, "/api/v1/areas/barnet/waiting", raw).status_code == 401
