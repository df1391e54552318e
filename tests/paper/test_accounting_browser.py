"""The new organiser pages on a 375-pixel phone, without JavaScript: the
sheet table stacks with every figure labelled, and nothing is wider than
the screen."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from signme.paper.sheets import issue_sheets, log_return
from signme.people.models import RightsRequest
from signme.people.rights import ask_by_name
from signme.web.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sheet_accounts_returns_and_requests_fit_a_phone_without_javascript(
    browser, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    petition = load_demo(username="organiser@example.org", password="organiser-pass-1")
    organiser = petition.organisation.membership_set.get().user
    sheets = issue_sheets(petition, 6, "Holt market stall with a rather long name", organiser)
    log_return(petition, sheets[0].serial, 3)
    ask_by_name("Siân Evans", "NR25 6BW", "", RightsRequest.Wants.ERASE, "By post")
    request = RightsRequest.objects.filter(status="checking").first()
    client = Client()
    client.force_login(organiser)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(
        viewport={"width": 375, "height": 700}, java_script_enabled=False
    )
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        base = f"{live_server.url}/organise/petitions/1500/"
        page.goto(base)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        table = page.locator("table.sheet-accounts")
        # Stacked: each figure shows its column's name before it.
        missing = table.locator("tbody td[data-label=Missing]").first
        label = missing.evaluate("e => getComputedStyle(e, '::before').content")
        assert label == '"Missing: "'
        assert "5" in missing.inner_text()
        assert table.locator("tfoot th[scope=row]").inner_text() == "Total"
        urls = [base + "paper/returns/", f"{live_server.url}/organise/requests/"]
        if request is not None:
            urls.append(f"{live_server.url}/organise/requests/{request.pk}/")
        for url in urls:
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, url
    finally:
        context.close()
