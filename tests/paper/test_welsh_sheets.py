"""Numbered sheets in Welsh: issued in the language chosen, printed in it, and
their rows typed up with the consent wording the signers read."""

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from signme.lib.language import ENGLISH, WELSH, in_language
from signme.paper import scans
from signme.paper.pdf import render_sheets, sheet_url
from signme.paper.sheets import issue_sheets, log_return
from signme.petitions.consent import consent_wording
from signme.petitions.models import Consent, Sheet, Signature

from .synthetic import as_scanned, fill_rows, pdf_to_images
from .test_transcribe import row, url

PAPER = "/organise/petitions/1500/paper/"


def words(pdf: bytes, page: int = 0) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[page].extract_text().split())


def issue(client, **fields) -> list[Sheet]:
    data = {"count": "2", "issued_to": "Stondin marchnad Caerfyrddin", **fields}
    response = client.post(PAPER + "issue", data)
    assert response.status_code == 303, response.content
    return list(Sheet.objects.order_by("sequence"))


@pytest.fixture
def signed_in(client, organiser):
    client.force_login(organiser)
    return client


def test_sheets_issued_in_welsh_print_in_welsh_and_keep_the_welsh_wording(
    signed_in, petition, organiser
):
    sheets = issue(signed_in, language="cy")
    assert [s.language for s in sheets] == ["cy", "cy"]
    pdf = signed_in.get(PAPER + "sheets/1-2/?download=1")
    text = words(pdf.content)
    assert "S1500-000001" in text and "Enw llawn" in text and "Llofnod" in text
    assert "Full name" not in text

    log_return(petition, sheets[0].serial, 1, organiser)
    signed_in.post(url(sheets[0], "rows/1"), row(1, email="mari@example.org", tick_email="on"))
    consent = Consent.objects.get(signature__sheet=sheets[0], channel="email")
    with in_language(WELSH):
        assert consent.wording == consent_wording("email", petition.organisation.name)
    assert consent.given


def test_sheets_are_english_unless_chosen_whatever_the_organiser_reads(signed_in, petition):
    # An organiser reading SignMe in Welsh is offered Welsh, and may choose English.
    page = signed_in.get(PAPER, HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert '<option value="cy" selected>Cymraeg</option>' in page
    sheets = issue(signed_in, language="en", HTTP_ACCEPT_LANGUAGE="cy")
    assert {s.language for s in sheets} == {"en"}
    pdf = signed_in.get(PAPER + "sheets/1-2/?download=1", HTTP_ACCEPT_LANGUAGE="cy")
    assert "Full name" in words(pdf.content)
    # Sent without a language (an older form): English, as before.
    assert {s.language for s in issue(signed_in)} == {"en"}


def test_a_language_that_is_not_offered_is_refused_and_nothing_is_issued(signed_in):
    response = signed_in.post(
        PAPER + "issue", {"count": "2", "issued_to": "Holt", "language": "fr"}
    )
    assert response.status_code == 400
    assert "Choose English or Cymraeg" in response.content.decode()
    assert not Sheet.objects.exists()


def test_the_command_prints_welsh_sheets(petition, tmp_path):
    out = tmp_path / "taflenni.pdf"
    call_command("sheets", "1500", "--count", "1", "--to", "Y llyfrgell", "--out", str(out),
                 "--language", "cy", stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert Sheet.objects.get().language == "cy"
    assert "Enw llawn" in words(out.read_bytes())


def test_a_welsh_sheet_is_read_from_its_scan_like_an_english_one(petition, organiser):
    """The table sits where it does in English: the rows are read the same."""
    sheet = issue_sheets(petition, 1, "Y llyfrgell", organiser, language=WELSH)[0]
    with in_language(WELSH):
        page = pdf_to_images(render_sheets(petition, [sheet.serial]))[0]
    image = as_scanned(fill_rows(page, petition.target, [1, 2, 4]), angle=1.0)
    reading = scans.read_code(image)
    assert reading.serial == sheet.serial
    assert scans.rows_with_ink(image, reading.corners, petition.target) == [1, 2, 4]


def test_typed_rows_of_english_sheets_keep_the_english_wording(signed_in, petition, organiser):
    sheet = issue(signed_in)[0]
    log_return(petition, sheet.serial, 1, organiser)
    signed_in.post(url(sheet, "rows/1"), row(1, tick_post="on"), HTTP_ACCEPT_LANGUAGE="cy")
    consent = Consent.objects.get(signature__sheet=sheet, channel="post")
    with in_language(ENGLISH):
        assert consent.wording == consent_wording("post", petition.organisation.name)
    assert Signature.objects.get().name == "Mary Brown"


def test_a_welsh_sheets_qr_code_opens_the_petition_in_welsh_credited_to_the_sheet(
    client, petition, organiser
):
    welsh = issue_sheets(petition, 1, "Y llyfrgell", organiser, language=WELSH)[0]
    english = issue_sheets(petition, 1, "Holt market stall", organiser)[0]
    with in_language(WELSH):
        link = sheet_url(petition, welsh.serial)
    assert link.endswith(f"/1500?sheet={welsh.serial}&lang=cy")
    assert sheet_url(petition, english.serial).endswith(f"/1500?sheet={english.serial}")
    page = client.get(urlsplit(link).path + "?" + urlsplit(link).query, follow=True)
    html = page.content.decode()
    assert '<html lang="cy">' in html
    assert f'name="sheet" value="{welsh.serial}"' in html


RETURNS = PAPER + "returns/"


def test_a_downloaded_welsh_sheet_is_logged_in_welsh_and_its_rows_keep_the_welsh_wording(
    signed_in, petition
):
    """The petition page read in Welsh prints a Welsh sheet with no number;
    whoever logs it says so, and its rows keep the words its signers read."""
    page = signed_in.get(RETURNS, HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert '<option value="cy" selected>Cymraeg</option>' in page  # their language first
    assert (
        signed_in.post(RETURNS, {"serial": "", "tally": "1", "language": "cy"}).status_code == 303
    )
    sheet = Sheet.objects.get(downloaded=True)
    assert sheet.language == "cy"
    signed_in.post(url(sheet, "rows/1"), row(1, email="mari@example.org", tick_email="on"))
    consent = Consent.objects.get(signature__sheet=sheet, channel="email")
    with in_language(WELSH):
        assert consent.wording == consent_wording("email", petition.organisation.name)


def test_a_numbered_sheet_keeps_the_language_it_was_issued_in_whatever_the_return_says(
    signed_in,
):
    sheet = issue(signed_in, language="cy")[0]
    data = {"serial": sheet.serial, "tally": "3", "language": "en"}
    assert signed_in.post(RETURNS, data).status_code == 303
    sheet.refresh_from_db()
    assert sheet.language == "cy" and sheet.tally == 3


def test_a_downloaded_sheet_in_a_language_not_offered_is_refused_and_nothing_is_logged(
    signed_in, petition
):
    before = list(Sheet.objects.values())
    response = signed_in.post(RETURNS, {"serial": "", "tally": "2", "language": "fr"})
    assert response.status_code == 400
    assert "Choose English or Cymraeg" in response.content.decode()
    assert list(Sheet.objects.values()) == before
