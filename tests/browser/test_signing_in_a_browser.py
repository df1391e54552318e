"""A signer on a phone: sign, read the email, confirm. In a real browser."""

import re

import pytest
from playwright.sync_api import expect

from signme.mailing.outbox import deliver_all
from signme.petitions.models import Signature
from signme.petitions.signing import take_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_petition(transactional_db):
    from signme.web.demo import load_demo

    return load_demo(username="organiser@example.org", password="organiser-pass-1")


def test_a_signer_signs_with_the_keyboard_and_confirms_from_the_email(
    page, live_server, demo_petition, smtp, settings
):
    settings.SIGN_MIN_SECONDS = 0  # a scripted browser types faster than any person
    page.goto(f"{live_server.url}/1500")
    assert page.title().startswith("Stop the Closure of Norfolk Children Centres")

    # Keyboard only: labels find the fields, Tab moves, Space ticks, Enter sends.
    page.get_by_label("Full name").fill("Siân Evans")
    page.keyboard.press("Tab")
    page.keyboard.type("sian@example.org")
    page.get_by_label("Address", exact=True).fill("12 Market Place, Holt")
    page.get_by_label("Postcode").fill("nr25 6bw")
    page.get_by_label("Yes").check()
    page.get_by_label(re.compile("may email me")).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Sign the petition").press("Enter")

    page.wait_for_url("**/petitions/1500/signed")
    assert page.get_by_role("heading", name="Check your email").is_visible()

    take_in()
    deliver_all()
    [msg] = smtp.mailbox.wait_for(1)
    link = re.search(r"http://\S+/confirm/\S+", msg.get_body(("plain",)).get_content()).group(0)
    page.goto(link)
    assert Signature.objects.get().status == "pending"  # opening the link changes nothing
    page.get_by_role("button", name="Confirm my signature").click()
    assert page.get_by_role("heading", name=re.compile("your signature counts")).is_visible()
    assert Signature.objects.get().status == "verified"
    assert page.console_errors == []  # e.g. nothing blocked by the CSP


def test_errors_are_summarised_and_each_links_to_its_field(page, live_server, demo_petition):
    page.goto(f"{live_server.url}/petitions/1500/")
    page.get_by_label("Postcode").fill("not a postcode")
    page.get_by_role("button", name="Sign the petition").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    expect(summary).to_be_focused()  # GOV.UK: the summary takes focus
    assert 0 <= summary.bounding_box()["y"] < 740  # on screen, not below the statement
    summary.get_by_role("link", name="Enter a real UK postcode, like NR1 2DH").click()
    assert page.evaluate("document.activeElement.id") == "id_postcode"
    assert page.get_by_label("Postcode").get_attribute("aria-invalid") == "true"
    assert Signature.objects.count() == 0


def test_the_page_works_without_javascript(browser, live_server, demo_petition, settings):
    settings.BASE_URL = live_server.url
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/petitions/1500/")
    page.get_by_label("Full name").fill("Zoë Brontë")
    page.get_by_label("Email address").fill("zoe@example.org")
    page.get_by_label("Address", exact=True).fill("1 The Street, Cromer")
    page.get_by_label("Postcode").fill("NR27 9HE")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Sign the petition").click()
    page.wait_for_url("**/petitions/1500/signed")
    context.close()
    take_in()
    assert Signature.objects.get().name == "Zoë Brontë"


def test_the_count_refreshes_itself_from_count_json(page, live_server, demo_petition, settings):
    settings.COUNT_TTL = 0
    settings.COUNT_STALE_AFTER = -1
    page.goto(f"{live_server.url}/petitions/1500/")
    assert page.locator("[data-count]").inner_text() == "0"
    notice = demo_petition.current_notice
    Signature.objects.create(
        petition=demo_petition, name="A", email="a@example.org", email_canonical="a@example.org",
        status="verified", validity="counted", notice=notice,
    )  # fmt: skip
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("[data-count]")).to_have_text("1", timeout=5000)
    # Every number in the panel moves together, not only the big one.
    expect(page.locator("[data-count-word]")).to_have_text("signature")
    expect(page.locator("[data-count-online]")).to_have_text("1")
    expect(page.locator("[data-count-paper]")).to_have_text("0")


def test_fields_and_buttons_are_big_enough_to_tap(page, live_server, demo_petition):
    page.goto(f"{live_server.url}/petitions/1500/")
    for locator in [
        page.get_by_role("button", name="Sign the petition"),
        page.get_by_label("Full name"),
        page.get_by_label("Postcode"),
    ]:
        box = locator.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24  # WCAG 2.2 target size (2.5.8)
    # GOV.UK's radios and checkboxes: 40 px.
    for locator in [page.get_by_label("Yes"), page.get_by_label(re.compile("may email me"))]:
        box = locator.bounding_box()
        assert box["height"] >= 40 and box["width"] >= 40
