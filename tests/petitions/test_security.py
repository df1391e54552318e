"""Headers, CSP, DEBUG and the secret key."""

from django.conf import settings


def test_pages_carry_security_headers_and_a_csp(client, petition):
    response = client.get("/petitions/1500/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_page_has_no_inline_script_or_style(client, petition):
    html = client.get("/petitions/1500/").content.decode()
    assert "<script>" not in html and "style=" not in html


def test_debug_is_off_outside_the_demo():
    assert settings.DEBUG is False
    assert settings.DEMO is False


def test_demo_outbox_does_not_exist_outside_the_demo(client, petition):
    assert client.get("/dev/outbox/").status_code == 404


def test_a_secret_key_is_generated_and_kept_under_signme_home():
    key_file = settings.SIGNME_HOME / "secret_key"
    assert key_file.exists()
    assert key_file.read_text().strip() == settings.SECRET_KEY
    assert (key_file.stat().st_mode & 0o077) == 0


def test_staff_forms_are_protected_by_csrf(petition, organiser):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
