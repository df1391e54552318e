"""/your-data/<token> on a small phone: an error lands where the signer can see it."""

import pytest

from signme.people.links import rights_token
from signme.people.models import RightsRequest
from signme.petitions.models import Signature
from signme.petitions.signing import take_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"]


@pytest.fixture
def data_link(live_server, petition):
    from django.test import Client

    from tests.conftest import signer_data

    Client().post("/petitions/1500/sign", signer_data(petition), HTTP_SEC_FETCH_SITE="same-origin")
    take_in()
    request = RightsRequest.objects.create(
        email="sian.evans@example.org", status=RightsRequest.Status.LINK_SENT
    )
    return f"{live_server.url}/your-data/{rights_token(request.pk)}"


def test_erasing_without_ticking_the_box_shows_the_error_on_screen(page, data_link):
    page.goto(data_link)
    page.get_by_role("button", name="Erase my data").click()
    summary = page.get_by_role("alert")
    assert "Tick the box" in summary.inner_text()
    assert _in_view(page, summary)  # not 2,000 pixels below, under the signer's data
    assert Signature.objects.get().erased_at is None


def test_an_empty_stop_form_shows_the_error_on_screen_and_success_shows_at_the_top(
    page, data_link
):
    page.goto(data_link)
    page.get_by_role("button", name="Stop these").click()
    assert _in_view(page, page.get_by_role("alert"))
    page.get_by_role("checkbox", name="Post").check()
    page.get_by_role("button", name="Stop these").click()
    assert _in_view(page, page.get_by_text("Done: that contact has stopped."))
