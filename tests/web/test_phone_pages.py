"""Organiser pages on a 320-pixel phone: nothing wider than the screen, and
typing up shows a label on every box."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from signme.audit.log import Action, record
from signme.paper.sheets import issue_sheets, log_return
from signme.submissions.submitting import request_pack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_pages_fit_a_320_pixel_phone(browser, live_server, settings, tmp_path):
    from signme.web.demo import load_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO = True
    petition = load_demo(username="organiser@example.org", password="organiser-pass-1")
    organiser = petition.organisation.membership_set.get().user
    sheet = issue_sheets(petition, 1, "Holt market stall with a long name", organiser)[0]
    log_return(petition, sheet.serial, 3)
    assert request_pack(petition, organiser).status == "ready"  # the long SHA-256
    record(organiser, Action.VIEW, "signature 123456789 of a very long subject", petition=petition)
    client = Client()
    client.force_login(organiser)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    context = browser.new_context(viewport={"width": 320, "height": 640})
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        base = f"{live_server.url}/organise/petitions/1500/"
        for url in (
            base,
            base + "paper/",
            f"{live_server.url}/organise/audit/",
        ):
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
        page.goto(f"{base}paper/sheets/{sheet.serial}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        row = page.locator("#row-1")
        assert row.locator("label", has_text="Full name").first.is_visible()
    finally:
        context.close()
