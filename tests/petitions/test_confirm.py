"""/confirm/<token>: GET shows a button, only POST verifies."""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import signing
from django.urls import clear_script_prefix, reverse, set_script_prefix

from signme.lib.tokens import make_token
from signme.petitions.counting import compute_counts
from signme.petitions.links import confirm_token, confirm_url, read_confirm_token
from signme.petitions.models import Signature


def test_get_shows_a_button_and_changes_nothing(client, sign):
    sign()
    signature = Signature.objects.get()
    response = client.get(f"/confirm/{confirm_token(signature)}")
    assert response.status_code == 200
    assert "Confirm my signature" in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_post_verifies_and_only_verified_signatures_count(client, sign, petition):
    sign()
    signature = Signature.objects.get()
    assert compute_counts(petition.pk).total == 0
    response = client.post(f"/confirm/{confirm_token(signature)}")
    assert response.status_code == 303
    signature.refresh_from_db()
    assert signature.status == Signature.Status.VERIFIED
    assert signature.verified_at is not None
    assert compute_counts(petition.pk).total == 1
    assert "your signature counts" in client.get(response["Location"]).content.decode()


def test_confirming_twice_counts_once(client, sign, petition):
    sign()
    token = confirm_token(Signature.objects.get())
    client.post(f"/confirm/{token}")
    client.post(f"/confirm/{token}")
    assert compute_counts(petition.pk).online == 1


def test_tampered_token_is_refused_and_changes_nothing(client, sign):
    sign()
    token = confirm_token(Signature.objects.get())
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.post(f"/confirm/{tampered}")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING


def test_token_for_another_purpose_is_refused(client, sign):
    sign()
    token = make_token("unsubscribe", Signature.objects.get().pk)
    assert client.post(f"/confirm/{token}").status_code == 404
    assert Signature.objects.get().status == Signature.Status.PENDING


def test_expired_token_is_refused_with_a_way_forward(client, sign, settings):
    sign()
    signature = Signature.objects.get()
    token = confirm_token(signature)
    settings.CONFIRM_TOKEN_MAX_AGE = -1
    response = client.post(f"/confirm/{token}")
    assert response.status_code == 410
    assert "Sign the petition again" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING


def test_token_carries_no_personal_data(sign):
    sign(email="someone.private@example.org", name="Someone Private")
    token = confirm_token(Signature.objects.get())
    payload = signing.b64_decode(token.split(":")[0].encode()).decode()
    assert "private" not in payload.lower() and "@" not in payload


def test_confirm_and_confirmed_pages_carry_the_petitions_imprint(client, sign, petition):
    # Both pages ask the signer to act or share, so they are campaign material.
    sign()
    url = f"/confirm/{confirm_token(Signature.objects.get())}"
    assert petition.imprint in client.get(url).content.decode()
    client.post(url)
    assert petition.imprint in client.get(url).content.decode()


@pytest.mark.parametrize("prefix", ["/", "/petitions-site/"])
@pytest.mark.parametrize("pk", [1, 7, 123_456_789, 2**62])
def test_a_confirmation_link_is_the_one_reverse_makes(prefix, pk):
    set_script_prefix(prefix)
    try:
        url = confirm_url(SimpleNamespace(pk=pk))
        token = url.rsplit("/", 1)[1]
        assert url == settings.BASE_URL + reverse("confirm", args=[token])
    finally:
        clear_script_prefix()
    assert url.startswith(f"{settings.BASE_URL}{prefix}confirm/")
    assert read_confirm_token(token) == pk
