"""Turning on a second factor, and signing in with it."""

from base64 import b32decode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import PASSWORD, add_device, code, signed_in, verified, wrong_code

PAGE = "/accounts/two-factor/"


def password_step(client, url="/accounts/login/", username="staff@example.org", **extra):
    return client.post(url, {"username": username, "password": PASSWORD, **extra})


# --- Turning it on -------------------------------------------------------------


def test_looking_at_the_page_creates_nothing(client, staff):
    client.force_login(staff)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Set up an authenticator app" in page.content.decode()
    assert not TOTPDevice.objects.exists()


def test_staff_turn_it_on_by_scanning_then_entering_a_code(client, staff):
    client.force_login(staff)
    assert client.post(PAGE, {"action": "start"}).status_code == 303
    setup = TOTPDevice.objects.get(user=staff)
    assert not setup.confirmed

    page = client.get(PAGE).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    assert 'alt="QR code for your authenticator app"' in page
    secret = page.split('<code id="secret">')[1].split("</code>")[0]
    assert b32decode(secret.replace(" ", "")) == setup.bin_key
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<label for="id_code">' in page

    response = client.post(PAGE, {"action": "confirm", "code": code(setup)})

    assert response.status_code == 303
    setup.refresh_from_db()
    assert setup.confirmed
    assert verified(client)
    assert "Two-factor sign-in is on" in client.get(PAGE).content.decode()


def test_a_code_typed_with_a_space_is_accepted(client, staff):
    client.force_login(staff)
    client.post(PAGE, {"action": "start"})
    setup = TOTPDevice.objects.get(user=staff)
    digits = code(setup)
    client.post(PAGE, {"action": "confirm", "code": f"{digits[:3]} {digits[3:]}"})
    assert TOTPDevice.objects.get(user=staff).confirmed


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Enter the 6-digit code your app shows."),
        ("12345", "Enter the 6-digit code your app shows, digits only."),
        ("abcdef", "Enter the 6-digit code your app shows, digits only."),
        (None, "That code is not right."),
    ],
)
def test_a_wrong_code_does_not_turn_it_on(client, staff, typed, message):
    client.force_login(staff)
    client.post(PAGE, {"action": "start"})
    setup = TOTPDevice.objects.get(user=staff)
    response = client.post(
        PAGE, {"action": "confirm", "code": wrong_code(setup) if typed is None else typed}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TOTPDevice.objects.get(user=staff).confirmed
    assert not verified(client)


def test_starting_again_replaces_a_secret_shown_before(client, staff):
    client.force_login(staff)
    client.post(PAGE, {"action": "start"})
    first = TOTPDevice.objects.get(user=staff).key
    client.post(PAGE, {"action": "start"})
    assert TOTPDevice.objects.get(user=staff).key != first


def test_the_page_is_for_signed_in_staff_only(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_turning_it_off_needs_a_code(client, staff):
    device = add_device(staff)
    client.force_login(staff)
    response = client.post(PAGE, {"action": "stop", "code": wrong_code(device)})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()

    client.post(PAGE, {"action": "stop", "code": code(device)})
    assert not TOTPDevice.objects.filter(user=staff).exists()


# --- Signing in with it --------------------------------------------------------


@pytest.mark.parametrize(
    "url, landing", [("/accounts/login/", "/organise/"), ("/admin/login/", "/admin/")]
)
def test_with_an_app_the_password_alone_does_not_sign_in(client, staff, url, landing):
    device = add_device(staff)
    response = password_step(client, url)
    assert response.status_code == 303 and response["Location"] == "/accounts/login/code/"
    assert not signed_in(client)
    assert client.get("/organise/").status_code == 302  # still sent to sign in

    page = client.get("/accounts/login/code/").content.decode()
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page

    response = client.post("/accounts/login/code/", {"code": code(device)})

    assert response.status_code == 302 and response["Location"] == landing
    assert signed_in(client) and verified(client)


def test_the_code_step_keeps_where_the_user_was_going(client, staff):
    device = add_device(staff)
    password_step(client, "/accounts/login/?next=/organise/petitions/1500/")
    response = client.post("/accounts/login/code/", {"code": code(device)})
    assert response["Location"] == "/organise/petitions/1500/"


def test_a_wrong_code_is_refused_and_does_not_sign_in(client, staff):
    device = add_device(staff)
    password_step(client)
    response = client.post("/accounts/login/code/", {"code": wrong_code(device)})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not signed_in(client)


def test_a_code_works_only_once(client, staff):
    device = add_device(staff)
    password_step(client)
    used = code(device)
    client.post("/accounts/login/code/", {"code": used})
    client.logout()
    password_step(client)
    response = client.post("/accounts/login/code/", {"code": used})
    assert response.status_code == 400
    assert not signed_in(client)


def test_the_code_step_without_a_password_first_goes_back_to_sign_in(client, staff):
    add_device(staff)
    response = client.get("/accounts/login/code/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not signed_in(client)


def test_the_code_step_expires(client, staff):
    device = add_device(staff)
    password_step(client)
    session = client.session
    session["accounts_pending"]["since"] -= 6 * 60
    session.save()
    response = client.post("/accounts/login/code/", {"code": code(device)}, follow=True)
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert "Your sign-in timed out" in response.content.decode()
    assert not signed_in(client)


def test_wrong_codes_are_throttled_like_passwords(client, staff):
    device = add_device(staff)
    password_step(client)
    for _ in range(5):
        response = client.post("/accounts/login/code/", {"code": wrong_code(device)})
        assert response.status_code == 400

    response = client.post("/accounts/login/code/", {"code": code(device)})

    assert response.status_code == 429
    assert "Too many attempts. Try again in 15 minutes." in response.content.decode()
    assert int(response["Retry-After"]) > 14 * 60
    assert not signed_in(client)
    # The password alone cannot start over either: the account is locked.
    assert password_step(client).status_code == 429


def test_two_wrong_passwords_and_three_wrong_codes_lock_the_account(client, staff):
    device = add_device(staff)
    for _ in range(2):
        client.post("/accounts/login/", {"username": "staff@example.org", "password": "nope"})
    password_step(client)
    for _ in range(3):
        client.post("/accounts/login/code/", {"code": wrong_code(device)})
    assert client.post("/accounts/login/code/", {"code": code(device)}).status_code == 429


# --- Required for superusers ---------------------------------------------------


def test_when_not_required_a_superuser_reaches_the_admin_with_a_password(client, superuser):
    password_step(client, "/admin/login/", "root@example.org")
    assert client.get("/admin/").status_code == 200


def test_a_superuser_without_an_app_is_sent_to_set_one_up_first(client, superuser, settings):
    settings.REQUIRE_2FA_FOR_SUPERUSERS = True
    response = password_step(client, "/admin/login/", "root@example.org")
    assert response["Location"] == "/admin/"

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/?next=%2Fadmin%2F"
    assert client.get("/admin/petitions/petition/").status_code == 302
    assert client.get("/organise/").status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Administrators must sign in with a code" in page

    client.post(PAGE, {"action": "start", "next": "/admin/"})
    setup = TOTPDevice.objects.get(user=superuser)
    response = client.post(PAGE, {"action": "confirm", "code": code(setup), "next": "/admin/"})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_superuser_with_an_app_but_no_code_this_session_must_sign_in_again(
    client, superuser, settings
):
    settings.REQUIRE_2FA_FOR_SUPERUSERS = True
    device = add_device(superuser)
    client.force_login(superuser)  # e.g. a session from before the app was added
    response = client.get("/admin/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"

    password_step(client, response["Location"], "root@example.org")
    response = client.post("/accounts/login/code/", {"code": code(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_superuser_cannot_turn_off_a_required_second_factor(client, superuser, settings):
    settings.REQUIRE_2FA_FOR_SUPERUSERS = True
    device = add_device(superuser)
    password_step(client, "/accounts/login/", "root@example.org")
    client.post("/accounts/login/code/", {"code": code(device)})
    page = client.get(PAGE).content.decode()
    assert "cannot be turned off" in page and 'value="stop"' not in page
    client.post(PAGE, {"action": "stop", "code": code(device)})
    assert TOTPDevice.objects.filter(user=superuser).exists()


def test_staff_who_are_not_superusers_are_never_forced(client, staff, settings):
    settings.REQUIRE_2FA_FOR_SUPERUSERS = True
    password_step(client)
    assert client.get("/organise/").status_code == 200


def test_the_check_leaves_the_session_of_visitors_alone(client, petition, settings):
    """A visitor's cached petition page must not vary on Cookie, or proxies stop sharing it."""
    settings.REQUIRE_2FA_FOR_SUPERUSERS = True
    client.get("/petitions/1500/")
    response = client.get("/petitions/1500/")  # from the page cache
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
