"""Signing in with a password at /accounts/login/ and /admin/login/, throttled
per account and per client address."""

import pytest

from .conftest import PASSWORD, signed_in

URLS = ["/accounts/login/", "/admin/login/"]


def attempt(client, url, username, password="wrong-guess", address="203.0.113.9"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url", URLS)
def test_the_page_has_labelled_fields(client, url):
    page = client.get(url).content.decode()
    assert '<label for="id_username">' in page and '<label for="id_password">' in page
    assert 'autocomplete="current-password"' in page


def test_the_right_password_leads_to_the_organiser_pages(client, staff):
    response = attempt(client, "/accounts/login/", "staff@example.org", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/organise/"
    assert signed_in(client)


def test_the_admin_sign_in_leads_to_the_admin(client, staff):
    response = attempt(client, "/admin/login/", "staff@example.org", PASSWORD)
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_sends_visitors_to_the_throttled_sign_in(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/login/?next=/admin/")
    assert "accounts/login.html" in [t.name for t in response.templates]


def test_a_next_address_on_another_site_is_ignored(client, staff):
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": "staff@example.org", "password": PASSWORD},
    )
    assert response["Location"] == "/organise/"


def test_a_wrong_password_is_refused_with_a_clear_message(client, staff):
    response = attempt(client, "/accounts/login/", "staff@example.org")
    assert response.status_code == 200
    assert "Your email or password was not recognised" in response.content.decode()
    assert not signed_in(client)


@pytest.mark.parametrize("url", URLS)
def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, staff, url):
    for _ in range(5):
        assert attempt(client, url, "staff@example.org").status_code == 200

    response = attempt(client, url, "staff@example.org", PASSWORD)

    assert response.status_code == 429
    assert "Too many attempts. Try again in 15 minutes." in response.content.decode()
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    assert not signed_in(client)


def test_the_account_lock_holds_for_guesses_from_many_addresses(client, staff):
    for i in range(5):
        attempt(client, "/accounts/login/", "staff@example.org", address=f"198.51.100.{i}")
    response = attempt(client, "/accounts/login/", "Staff@Example.org ", PASSWORD, "192.0.2.1")
    assert response.status_code == 429
    assert not signed_in(client)


@pytest.mark.parametrize("url", URLS)
def test_twenty_failures_from_one_address_lock_every_account_from_there(client, staff, url):
    for i in range(20):  # four tries on each of five names: no account reaches its limit
        assert attempt(client, url, f"guess{i % 5}@example.org").status_code == 200

    response = attempt(client, url, "staff@example.org", PASSWORD)

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not signed_in(client)
    # Elsewhere the account still works.
    assert attempt(client, url, "staff@example.org", PASSWORD, "192.0.2.1").status_code == 302


def test_signing_in_to_an_own_account_does_not_wipe_the_address_count(client, staff):
    """An attacker with an account of their own cannot reset the count between guesses."""
    for i in range(19):
        attempt(client, "/accounts/login/", f"victim{i % 5}@example.org")
    assert attempt(client, "/accounts/login/", "staff@example.org", PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, "/accounts/login/", "victim@example.org").status_code == 200
    assert attempt(client, "/accounts/login/", "staff@example.org", PASSWORD).status_code == 429


def test_successful_sign_ins_are_not_counted_as_failures(client, staff):
    for _ in range(6):
        response = attempt(client, "/accounts/login/", "staff@example.org", PASSWORD)
        assert response.status_code == 302
        client.logout()


def test_four_typos_then_the_right_password_works(client, staff):
    for _ in range(4):
        attempt(client, "/accounts/login/", "staff@example.org")
    assert attempt(client, "/accounts/login/", "staff@example.org", PASSWORD).status_code == 302
