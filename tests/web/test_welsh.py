"""SignMe in Welsh: the language a reader chose (or their browser asks for)
on every public page, in the confirmation email and on the sheet, and never
a cached page in the other language."""

import io
import re

import pytest
from django.conf import settings
from pypdf import PdfReader

from signme.mailing.kinds import render
from signme.mailing.models import OutboundEmail
from signme.petitions.links import confirm_url
from signme.petitions.models import Consent, Signature, SignatureIntake
from signme.petitions.signing import take_in
from tests.conftest import signer_data

WELSH = {"HTTP_ACCEPT_LANGUAGE": "cy"}


@pytest.fixture
def welsh_petition(petition):
    petition.title_cy = "Achub Canolfannau Plant Norfolk"
    petition.statement_cy = "gadw pob canolfan blant ar agor"
    petition.body_cy = "Mae’r canolfannau’n **hanfodol** i deuluoedd."
    petition.save()
    return petition


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_english_by_default_and_welsh_when_the_browser_asks(client, petition):
    english = client.get("/petitions/1500/")
    assert html_lang(english) == "en-GB"
    assert english["Content-Language"] == "en-gb"
    welsh = client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="cy-GB,cy;q=0.9,en;q=0.5")
    assert html_lang(welsh) == "cy"
    assert welsh["Content-Language"] == "cy"
    assert "Llofnodi’r ddeiseb" in welsh.content.decode()
    assert "Sign the petition" in english.content.decode()


def test_a_browser_asking_for_any_english_gets_english(client, petition):
    response = client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="en-US,fr;q=0.5")
    assert html_lang(response) == "en-GB"


def test_a_cached_page_is_never_served_in_the_other_language(client, petition):
    assert html_lang(client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="cy")) == "cy"
    # The Welsh page is now in the page cache; an English reader gets English.
    english = client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(english) == "en-GB"
    assert html_lang(client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="cy")) == "cy"
    assert html_lang(client.get("/petitions/1500/")) == "en-GB"


def test_pages_tell_a_shared_cache_what_chose_their_language(client, petition):
    for url in ("/petitions/1500/", "/petitions/1500/signed", "/", "/petitions/1500/sheet.pdf"):
        assert "Accept-Language" in client.get(url)["Vary"], url
    client.get("/petitions/1500/", **WELSH)
    cached = client.get("/petitions/1500/", **WELSH)
    # Nothing more: a proxy shares each page between all readers of a language.
    assert cached["Vary"] == "Accept-Language"
    assert cached["Cache-Control"].startswith("public")


def test_the_switch_is_a_link_to_the_same_page_in_the_other_language(client, petition):
    page = client.get("/petitions/1500/").content.decode()
    assert (
        '<a class="language-switch" href="/petitions/1500/?lang=cy" hreflang="cy" lang="cy">'
        in page
    )
    # The address wins over the browser's own language, both ways.
    welsh = client.get("/petitions/1500/?lang=cy", HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(welsh) == "cy"
    assert 'href="/petitions/1500/?lang=en" hreflang="en-GB" lang="en-GB">English</a>' in (
        welsh.content.decode()
    )
    assert html_lang(client.get("/petitions/1500/?lang=en", **WELSH)) == "en-GB"
    # Nothing is remembered: no cookie, and the next page follows the browser.
    assert not welsh.cookies
    assert html_lang(client.get("/petitions/1500/")) == "en-GB"


def test_a_language_cookie_set_by_hand_is_ignored(client, petition):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    assert html_lang(client.get("/petitions/1500/")) == "en-GB"


def test_an_unknown_language_in_the_address_falls_back_to_the_browsers(client, petition):
    assert html_lang(client.get("/petitions/1500/?lang=fr", **WELSH)) == "cy"
    assert html_lang(client.get("/petitions/1500/?lang=xx")) == "en-GB"


def test_a_reader_who_chose_welsh_stays_in_welsh_through_signing(client, petition):
    page = client.get("/petitions/1500/?lang=cy", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'action="/petitions/1500/sign?lang=cy"' in page
    response = client.post(
        "/petitions/1500/sign?lang=cy",
        signer_data(petition),
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response["Location"] == "/petitions/1500/signed?lang=cy"
    signed = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Gwiriwch eich e-bost" in signed
    assert 'href="/petitions/1500/?lang=cy"' in signed
    assert SignatureIntake.objects.get().data["language"] == "cy"


def test_a_welsh_signer_confirms_in_welsh_whatever_their_browser(client, welsh_petition):
    _sign_in_welsh(client, welsh_petition)
    take_in()
    signature = Signature.objects.get(email_canonical="sian.evans@example.org")
    url = confirm_url(signature).removeprefix(settings.BASE_URL)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(page) == "cy"
    assert "Cadarnhau fy llofnod" in page.content.decode()
    done = client.post(url, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Diolch: mae eich llofnod yn cyfrif" in done.content.decode()


def test_the_welsh_page_has_welsh_labels_and_the_petitions_welsh_text(client, welsh_petition):
    html = client.get("/petitions/1500/", **WELSH).content.decode()
    page = text(html)
    assert "<title>Achub Canolfannau Plant Norfolk – SignMe</title>" in html
    assert "<h1>Achub Canolfannau Plant Norfolk</h1>" in html
    assert (
        "Rydym ni, sydd wedi llofnodi isod, yn deisebu Norfolk County Council i "
        "gadw pob canolfan blant ar agor" in page
    )
    assert "<strong>hanfodol</strong>" in html
    for label in ("Enw llawn", "Cyfeiriad e-bost", "Cod post", "Sut mae eich manylion"):
        assert label in page, label
    assert f"Caiff {welsh_petition.organisation.name} anfon e-bost ataf" in page
    assert "Full name" not in page
    # The English page keeps the English text.
    english = client.get("/petitions/1500/").content.decode()
    assert "<h1>Stop the Closure of Norfolk Children Centres</h1>" in english
    assert "Achub" not in english


def test_without_welsh_text_a_welsh_reader_gets_the_english_petition(client, petition):
    html = client.get("/petitions/1500/", **WELSH).content.decode()
    assert "<h1>Stop the Closure of Norfolk Children Centres</h1>" in html
    assert "Llofnodi’r ddeiseb" in html


def test_an_edit_to_the_petition_reaches_cached_pages_in_both_languages(client, welsh_petition):
    client.get("/petitions/1500/")
    client.get("/petitions/1500/", **WELSH)
    welsh_petition.title_cy = "Teitl newydd"
    welsh_petition.save()
    assert "<h1>Teitl newydd</h1>" in client.get("/petitions/1500/", **WELSH).content.decode()


def test_welsh_errors_on_the_signing_form(client, petition):
    response = client.post(
        "/petitions/1500/sign",
        {"form_token": "x"},
        HTTP_SEC_FETCH_SITE="same-origin",
        **WELSH,
    )
    assert response.status_code == 403
    assert "Mae’r ffurflen hon wedi dod i ben" in response.content.decode()
    response = client.post(
        "/petitions/1500/sign",
        signer_data(petition, name=""),
        HTTP_SEC_FETCH_SITE="same-origin",
        **WELSH,
    )
    assert response.status_code == 400
    page = text(response.content.decode())
    assert "Mae problem wedi codi" in page
    assert "Rhowch eich enw llawn" in page
    assert not SignatureIntake.objects.exists()


def _sign_in_welsh(client, petition, **extra):
    response = client.post(
        "/petitions/1500/sign",
        signer_data(petition, consent_email="on", **extra),
        HTTP_SEC_FETCH_SITE="same-origin",
        **WELSH,
    )
    assert response.status_code == 303
    return response


def test_a_welsh_signature_is_stored_in_welsh_with_the_welsh_consent_wording(
    client, welsh_petition
):
    _sign_in_welsh(client, welsh_petition)
    assert SignatureIntake.objects.get().data["language"] == "cy"
    take_in()
    signature = Signature.objects.get(email_canonical="sian.evans@example.org")
    assert signature.language == "cy"
    org = welsh_petition.organisation.name
    wording = dict(Consent.objects.filter(signature=signature).values_list("channel", "wording"))
    assert wording["email"] == (
        f"Caiff {org} anfon e-bost ataf am y ddeiseb hon ac ymgyrchoedd cysylltiedig."
    )
    assert wording["post"].startswith(f"Caiff {org} ysgrifennu ataf drwy’r post")
    # What the signer was shown, word for word.
    page = client.get("/petitions/1500/", **WELSH).content.decode()
    assert wording["email"] in page


def test_an_english_signature_is_stored_in_english(client, petition, sign):
    sign(consent_email="on")
    signature = Signature.objects.get(email_canonical="sian.evans@example.org")
    assert signature.language == "en"
    assert Consent.objects.get(signature=signature, channel="email").wording.endswith(
        "may email me about this petition and related campaigns."
    )


def test_a_welsh_signers_confirmation_email_is_in_welsh(client, welsh_petition):
    _sign_in_welsh(client, welsh_petition)
    # Another signer on an English page, stored by the same worker round.
    client.post(
        "/petitions/1500/sign",
        signer_data(welsh_petition, email="dai@example.org"),
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    take_in()
    welsh = render(OutboundEmail.objects.get(to="sian.evans@example.org"))
    assert welsh.subject == "Cadarnhewch eich llofnod: Achub Canolfannau Plant Norfolk"
    assert welsh.text.startswith("Annwyl Siân Evans,")
    assert "Diolch am lofnodi’r ddeiseb" in welsh.text
    assert "/confirm/" in welsh.text
    assert '<html lang="cy">' in welsh.html
    assert "Cadarnhau fy llofnod" in welsh.html
    english = render(OutboundEmail.objects.get(to="dai@example.org"))
    assert english.subject.startswith("Confirm your signature: Stop the Closure")
    assert english.text.startswith("Dear Siân Evans,")


def _pdf_text(content: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())


def test_the_sheet_is_in_welsh_when_asked_for(client, welsh_petition):
    response = client.get("/petitions/1500/sheet.pdf?lang=cy")
    assert response.status_code == 200
    assert 'filename="petition-1500-sheet-cy.pdf"' in response["Content-Disposition"]
    words = _pdf_text(response.content)
    assert "Achub Canolfannau Plant Norfolk" in words
    assert "Rydym ni, sydd wedi llofnodi isod, yn deisebu Norfolk County Council i" in words
    for label in ("Enw llawn", "Llofnod", "Cysylltwch â mi drwy", "Dim mwy o le?"):
        assert label in words, label
    assert "Full name" not in words
    # The page's language when not asked; English by default.
    assert "Enw llawn" in _pdf_text(client.get("/petitions/1500/sheet.pdf", **WELSH).content)
    english = _pdf_text(client.get("/petitions/1500/sheet.pdf").content)
    assert "Full name" in english
    assert "Stop the Closure" in english
    assert "Full name" in _pdf_text(
        client.get("/petitions/1500/sheet.pdf?lang=en", **WELSH).content
    )


@pytest.fixture
def org_client(client, organiser, petition):
    client.force_login(organiser)
    return client


def _edit(petition, **changes) -> dict:
    return {
        "title": petition.title,
        "statement": petition.statement,
        "target_choice": f"target:{petition.target_id}",
        "notice_text": petition.current_notice.text,
        "retention_days": "365",
        **changes,
    }


def test_the_organiser_gives_the_petition_in_welsh_on_its_form(org_client, petition):
    form = org_client.get("/organise/petitions/1500/edit").content.decode()
    assert 'name="title_cy"' in form and 'lang="cy"' in form
    assert "Title in Welsh (optional)" in form
    data = _edit(
        petition,
        title_cy="Achub y canolfannau",
        statement_cy="gadw’r canolfannau ar agor",
        body_cy="Mae **pob** canolfan yn cyfrif.",
    )
    response = org_client.post("/organise/petitions/1500/edit", data)
    assert response.status_code == 303, response.content.decode()[:2000]
    petition.refresh_from_db()
    assert petition.title_cy == "Achub y canolfannau"
    assert petition.body_html_cy == "<p>Mae <strong>pob</strong> canolfan yn cyfrif.</p>\n"
    org_client.logout()
    assert (
        "<h1>Achub y canolfannau</h1>"
        in org_client.get("/1500", follow=True, **WELSH).content.decode()
    )


def test_half_a_petition_in_welsh_is_refused_and_nothing_changes(org_client, petition):
    response = org_client.post(
        "/organise/petitions/1500/edit", _edit(petition, title_cy="Achub y canolfannau")
    )
    assert response.status_code == 400
    assert "Enter what the petition asks for in Welsh too, or leave the Welsh empty" in (
        response.content.decode()
    )
    petition.refresh_from_db()
    assert petition.title_cy == ""


def test_page_not_found_is_in_welsh_and_does_not_repeat_the_address(client, petition):
    response = client.get("/petitions/99999/", **WELSH)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Heb ddod o hyd i’r dudalen" in html and html_lang(response) == "cy"
    assert "99999" not in html


def test_the_list_of_petitions_shows_and_finds_the_welsh_titles(client, welsh_petition):
    html = client.get("/?q=canolfannau", **WELSH).content.decode()
    assert 'href="/petitions/1500/?lang=cy">Achub Canolfannau Plant Norfolk</a>' in html
    english = client.get("/?q=canolfannau").content.decode()
    assert 'href="/petitions/1500/">Stop the Closure of Norfolk Children Centres</a>' in english


def test_numbered_sheets_print_in_english_for_an_organiser_reading_in_welsh(
    org_client, welsh_petition
):
    # They are typed up with the English consent wording (see transcription.py).
    org_client.post("/organise/petitions/1500/paper/issue", {"count": "1", "issued_to": "Stall"})
    pdf = org_client.get("/organise/petitions/1500/paper/sheets/1-1/?download=1", **WELSH)
    words = _pdf_text(pdf.content)
    assert "Full name" in words and "Enw llawn" not in words


def test_the_widget_and_badge_say_their_language_when_asked_for_welsh(client, welsh_petition):
    widget = client.get("/petitions/1500/widget?lang=cy")
    assert html_lang(widget) == "cy"
    assert "Achub Canolfannau Plant Norfolk" in widget.content.decode()
    badge = client.get("/petitions/1500/badge.svg?lang=cy").content.decode()
    assert 'xml:lang="cy"' in badge and "<title>deiseb 1500: 0 llofnod</title>" in badge
    welsh_petition.status = "closed"
    welsh_petition.save()
    assert (
        "deiseb 1500: ar gau: 0 llofnod"
        in client.get("/petitions/1500/badge.svg?lang=cy").content.decode()
    )
    # Like every page, in the browser's language too, and English otherwise.
    assert html_lang(client.get("/petitions/1500/widget", **WELSH)) == "cy"
    english = client.get("/petitions/1500/badge.svg").content.decode()
    assert 'xml:lang="en-GB"' in english
    assert "<title>petition 1500: closed: 0 signatures</title>" in english


def test_the_list_of_open_petitions_and_the_widget_are_in_welsh(client, welsh_petition):
    home = text(client.get("/", **WELSH).content.decode())
    for welsh in ("Deisebau agored", "Chwilio deisebau", "Deiseb 1500 i Norfolk County Council"):
        assert welsh in home, welsh
    for english in ("Open petitions", "Search petitions", "A word from the title"):
        assert english not in home, english
    nothing = text(client.get("/?q=zzzz", **WELSH).content.decode())
    assert "Nid oes deiseb agored yn cyfateb i hynny" in nothing
    widget = text(client.get("/petitions/1500/widget?lang=cy").content.decode())
    assert "Achub Canolfannau Plant Norfolk: llofnodion hyd yma" in widget
    assert "angen 20 yn rhagor i gyrraedd 20" in widget and "Llofnodi’r ddeiseb" in widget
    assert "more needed" not in widget and "Sign the petition" not in widget
    welsh_petition.goal = 750
    welsh_petition.save()
    assert "nod y trefnwyr" in text(client.get("/petitions/1500/", **WELSH).content.decode())


def test_the_area_chart_is_in_welsh_even_with_no_area_to_show(client, petition):
    # Its words live in an .svg template, which the catalogue now reads too.
    svg = client.get("/petitions/1500/areas.svg", **WELSH).content.decode()
    assert "Nid oes gan unrhyw ardal 10 neu ragor o lofnodion wedi’u cyfrif eto." in svg
    assert "No area has" not in svg
