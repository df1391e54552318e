"""The Welsh pages about a signer's data on the narrowest phone: Welsh words
are long, and none may push the page wider than the screen."""

import pytest

from signme.people.links import rights_token, unsubscribe_token
from signme.people.models import RightsRequest
from signme.petitions.models import Signature
from signme.petitions.signing import take_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def welsh_signer(live_server, petition):
    from django.test import Client

    from tests.conftest import signer_data

    Client().post(
        "/petitions/1500/sign?lang=cy",
        signer_data(petition, consent_email="on", consent_sms="on", phone="07700 900123"),
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    take_in()
    signature = Signature.objects.get()
    request = RightsRequest.objects.create(
        email=signature.email, email_digest="x", status=RightsRequest.Status.OPEN
    )
    request.organisations.set([petition.organisation])
    return signature, request


def test_every_welsh_page_about_your_data_fits_320_px(browser, live_server, welsh_signer):
    signature, request = welsh_signer
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    too_wide = []
    for path in (
        "/your-data/",
        "/your-data/sent",
        "/your-data/paper-sent",
        "/your-data/erased",
        "/your-data/not-a-token",
        f"/your-data/{rights_token(request.pk)}",
        f"/unsubscribe/{unsubscribe_token(signature.pk)}",
    ):
        page.goto(f"{live_server.url}{path}?lang=cy")
        assert page.locator("html").get_attribute("lang") == "cy", path
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 320:
            too_wide.append((path, width))
    # The forms with every error showing, the longest state of each page.
    page.goto(f"{live_server.url}/your-data/?lang=cy")
    page.get_by_role("button", name="Anfon y cais").click()
    page.wait_for_load_state()
    assert "Mae problem wedi codi" in page.content()
    if (width := page.evaluate("document.documentElement.scrollWidth")) > 320:
        too_wide.append(("/your-data/paper with errors", width))
    context.close()
    assert too_wide == []
