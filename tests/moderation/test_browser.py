"""The checking pages on a 320-pixel phone, without JavaScript: nothing wider
than the screen, and the preview-then-invalidate path works by its labels."""

import pytest
from django.utils import timezone

from signme.petitions.models import Invalidation

from .conftest import add, hours

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_petition(transactional_db):
    from signme.web.demo import load_demo

    petition = load_demo(username="organiser@example.org", password="organiser-pass-1")
    now = timezone.now()
    for i in range(25):
        add(
            petition,
            "Wolfeschlegelsteinhausenbergerdorff Annabelle-Rosalind",
            email=f"a{i}@averyveryverylongsubdomainofabotfarmwithnohyphens.example.co.uk",
            ip=f"2001:db8:abcd:{i:x}::",
            at=now - hours(0.1),
            flagged="too_fast" if i < 3 else "",
        )
    return petition


def test_the_checking_pages_fit_a_small_phone_without_javascript(
    browser, live_server, demo_petition
):
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("organiser@example.org")
        page.get_by_label("Password").fill("organiser-pass-1")
        with page.expect_navigation():  # a form sent, not a script
            page.get_by_role("button", name="Sign in").click()
        base = f"{live_server.url}/organise/petitions/1500"

        for path in ("/", "/trending", "/review", "/invalidate"):
            page.goto(base + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, path

        page.goto(base + "/trending")
        with page.expect_navigation():  # a form sent, not a script
            page.get_by_role(
                "button", name="Invalidate… signatures from 2001:db8:abcd::/64"
            ).click()
        assert page.get_by_label("Address, domain, name or sheet").input_value() == (
            "2001:db8:abcd::/64"
        )
        page.get_by_label("Match signatures by").select_option("domain")
        page.get_by_label("Address, domain, name or sheet").fill(
            "averyveryverylongsubdomainofabotfarmwithnohyphens.example.co.uk"
        )
        page.get_by_label("Reason").fill("One domain, twenty-five signatures in minutes")
        with page.expect_navigation():  # a form sent, not a script
            page.get_by_role("button", name="Preview").click()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        with page.expect_navigation():  # a form sent, not a script
            page.get_by_role("button", name="Invalidate 25 signatures").click()
        assert Invalidation.objects.get().matched == 25
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()
