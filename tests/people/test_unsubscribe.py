"""/unsubscribe/<token>: a page to stop one channel or all, and RFC 8058 one-click."""

from django.test import Client

from signme.people.contact import email_recipients, may_contact
from signme.people.links import unsubscribe_token
from signme.people.models import Suppression
from signme.petitions.models import Consent


def _url(signature):
    return f"/unsubscribe/{unsubscribe_token(signature.pk)}"


def test_one_click_post_stops_email_without_a_page_or_csrf_token(signer, petition):
    s = signer()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _url(s), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not may_contact(petition.organisation, s.email_canonical, "email")
    assert list(email_recipients(petition)) == []
    withdrawal = Consent.objects.filter(given=False, mechanism="unsubscribe").get()
    assert withdrawal.channel == "email"


def test_one_click_used_again_is_harmless(signer):
    s = signer()
    client = Client(enforce_csrf_checks=True)
    for _ in range(2):
        response = client.post(_url(s), {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
    assert Consent.objects.filter(given=False, mechanism="unsubscribe").count() == 1


def test_the_page_shows_what_the_person_receives_and_changes_nothing(client, signer):
    s = signer()
    response = client.get(_url(s))
    assert response.status_code == 200
    assert b"Stop email" in response.content
    assert b"Stop all contact" in response.content
    assert not Consent.objects.filter(given=False, mechanism="unsubscribe").exists()


def test_the_page_form_needs_its_csrf_token(signer, petition):
    s = signer()
    client = Client(enforce_csrf_checks=True)
    assert client.post(_url(s), {"channel": "email"}).status_code == 403
    assert may_contact(petition.organisation, s.email_canonical, "email")


def test_stopping_everything_puts_the_person_on_the_suppression_list(client, signer, petition):
    s = signer()
    response = client.post(_url(s), {"channel": "all"})
    assert response.status_code == 303
    assert Suppression.objects.filter(reason="objected", channel="").exists()
    assert client.get(response["Location"]).status_code == 200
    assert not may_contact(petition.organisation, s.email_canonical, "post")


def test_an_unknown_channel_is_refused_and_nothing_changes(client, signer, petition):
    s = signer()
    response = client.post(_url(s), {"channel": "pigeon"})
    assert response.status_code == 400
    assert b"Choose what to stop." in response.content
    assert may_contact(petition.organisation, s.email_canonical, "email")


def test_a_tampered_token_is_refused_and_nothing_changes(client, signer, petition):
    s = signer()
    token = unsubscribe_token(s.pk)
    other_payload = unsubscribe_token(s.pk + 1).split(":", 1)[0]
    swapped = other_payload + ":" + token.split(":", 1)[1]  # someone else's id, our signature
    for bad in [token[:-2] + "xx", "1", swapped]:
        response = client.post(f"/unsubscribe/{bad}", {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 404
    assert may_contact(petition.organisation, s.email_canonical, "email")


def test_an_expired_token_says_so(client, signer, settings, petition):
    s = signer()
    settings.UNSUBSCRIBE_TOKEN_MAX_AGE = -1
    response = client.post(_url(s), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 410
    assert may_contact(petition.organisation, s.email_canonical, "email")


def test_a_confirmation_token_is_not_an_unsubscribe_token(client, signer, petition):
    from signme.petitions.links import confirm_token

    s = signer()
    response = client.post(f"/unsubscribe/{confirm_token(s)}", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 404
    assert may_contact(petition.organisation, s.email_canonical, "email")
