"""Pages read on a small phone: nothing squeezed into a column a word wide."""

import pytest
from django.test import Client
from django.utils import timezone

from signme.mailing.models import OutboundEmail
from signme.petitions.models import Signature
from signme.petitions.signing import take_in
from signme.petitions.validity import settle
from tests.conftest import signer_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_petition(transactional_db):
    from signme.web.demo import load_demo

    return load_demo(username="organiser@example.org", password="organiser-pass-1")


def test_about_this_petition_puts_each_label_above_its_value_on_a_phone(
    page, live_server, demo_petition
):
    page.goto(f"{live_server.url}/petitions/1500/")
    about = page.locator("section", has=page.get_by_role("heading", name="About this petition"))
    label = about.locator("dt", has_text="Paper sheets go back to").bounding_box()
    value = about.locator("dt:has-text('Paper sheets go back to') + dd").bounding_box()
    assert value["y"] > label["y"]
    assert value["width"] > 300  # the whole width of the phone, not a narrow column
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_email_with_a_long_link_fits_a_phone(page, live_server, demo_petition, settings):
    settings.DEMO = True
    Client().post(
        "/petitions/1500/sign", signer_data(demo_petition), HTTP_SEC_FETCH_SITE="same-origin"
    )
    take_in()
    page.goto(f"{live_server.url}/dev/outbox/{OutboundEmail.objects.get().pk}/")
    assert "/confirm/" in page.inner_text("pre")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_chart_progress_and_embed_codes_fit_a_320_px_phone(
    browser, live_server, demo_petition
):
    Client().post(
        "/petitions/1500/sign", signer_data(demo_petition), HTTP_SEC_FETCH_SITE="same-origin"
    )
    take_in()
    Signature.objects.update(status="verified", verified_at=timezone.now())
    settle(Signature.objects.all())
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server.url}/petitions/1500/")
    assert page.locator("svg.chart-svg").bounding_box()["width"] <= 320
    page.get_by_text("Show the count on your own website").click()
    page.get_by_text("Show the figures as a table").click()
    overflow = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert overflow <= 320
