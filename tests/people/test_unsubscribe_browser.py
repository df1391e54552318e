"""The unsubscribe page in a real browser, without JavaScript tricks."""

import os

import pytest

from signme.people.contact import may_contact
from signme.people.links import unsubscribe_token
from signme.petitions.signing import take_in

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs /usr/bin/chromium"),
]


@pytest.mark.django_db(transaction=True)
def test_a_signer_stops_email_from_the_page_and_sees_it_stopped(live_server, page, petition):
    from django.test import Client

    from signme.petitions.models import Signature
    from tests.conftest import settle_verified, signer_data

    client = Client()
    client.post(
        "/petitions/1500/sign",
        signer_data(petition, consent_email="on", consent_post="on"),
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    take_in()
    signature = Signature.objects.get()
    settle_verified(Signature.objects.filter(pk=signature.pk))

    page.goto(f"{live_server.url}/unsubscribe/{unsubscribe_token(signature.pk)}")
    assert "Stop hearing from" in page.inner_text("h1")
    rows = page.inner_text("table")
    assert "Email\tYou receive these" in rows and "Post\tYou receive these" in rows
    button = page.get_by_role("button", name="Stop email")
    box = button.bounding_box()
    assert box["height"] >= 44  # WCAG 2.2 target size
    button.click()
    page.wait_for_load_state()
    assert "will no longer contact you by email" in page.inner_text("main")
    assert not may_contact(petition.organisation, signature.email_canonical, "email")
    assert may_contact(petition.organisation, signature.email_canonical, "post")
    assert page.get_by_role("button", name="Stop email").count() == 0
