"""Every response carries the security headers; the CSP allows no inline script."""

from __future__ import annotations

from casserole.security import content_security_policy


def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_no_page_template_contains_inline_script(project_root):
    offenders = []
    for template in (project_root / "templates").rglob("*.html"):
        text = template.read_text()
        for chunk in text.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            if "src=" not in head:
                offenders.append(str(template.relative_to(project_root)))
        if " onclick=" in text or " onload=" in text or " onsubmit=" in text:
            offenders.append(str(template.relative_to(project_root)))
    assert offenders == []


def test_tile_server_is_the_only_outside_image_origin():
    assert "img-src 'self' data:;" in content_security_policy("")
    csp = content_security_policy("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tile.openstreetmap.org;" in csp


def test_oversized_requests_are_refused_with_413(client):
    response = client.post("/auth/login", data={"email": "x" * (3 * 1024 * 1024), "password": "y"})
    assert response.status_code == 413
    assert "That is too big to send" in response.get_data(as_text=True)


def test_data_downloads_and_exports_are_never_cached(client, database):

    from tests.support.access_table import build_world
    from tests.support.auth import ClientAuth

    world = build_world()
    ClientAuth(client).login(world.emails["carer"])
    diner_id = world.params["own"]["diner_id"]
    for url in ("/my-data/download", f"/my-data/diners/{diner_id}/download"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/json"
        assert response.headers["Cache-Control"] == "no-store", url
    client.post("/auth/logout")
    ClientAuth(client).login(world.emails["coord_same"])
    for url in (
        "/coordinator/barnet/map.json",
        "/coordinator/barnet/exports/area-full.csv",
        "/coordinator/barnet/exports/pairings-anonymised.csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    # Shipped static files stay cacheable: the rule is about personal data, not everything.
    static = client.get("/static/style.css")
    assert static.headers.get("Cache-Control") != "no-store"
    static.close()
