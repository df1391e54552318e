"""The public "print more sheets" PDF."""

import io

import pytest
from pypdf import PdfReader

from signme.paper import scans
from signme.paper.pdf import render_sheets
from signme.petitions.models import Petition

from .synthetic import pdf_to_images


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_sheet_reproduces_the_reference_sheet(client, petition):
    response = client.get("/petitions/1500/sheet.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"].startswith("public, max-age=3600")
    text = " ".join(text_of(response.content).split())
    for words in [
        "Stop the Closure of Norfolk Children Centres",
        "We, the undersigned, petition Norfolk County Council to stop their proposals",
        "cut £5million",
        "please return as soon as possible to: Norfolk Liberal Democrats",
        "Full name",
        "Address and postcode",
        "Signature",
        "Contact me by",
        "No more room? Sign online or print more sheets at localhost:8000/1500 or scan the QR",
        "Published and promoted by Steffan Aquarone on behalf of",
        "Printed by Norfolk County Council Liberal Democrat Group",
        "Privacy notice PN-1500-v1",
        "when it is returned",
    ]:
        assert words in text


def test_generic_sheet_qr_opens_the_petition_and_has_no_serial(client, petition):
    image = pdf_to_images(client.get("/petitions/1500/sheet.pdf").content)[0]
    reading = scans.read_code(image)
    assert reading.kind == "generic"
    assert reading.text == "http://localhost:8000/1500"


def test_printer_is_named_when_the_petition_has_one(petition):
    petition.printer_name = "Print Co-op"
    petition.printer_address = "3 Ink Lane, Norwich"
    petition.save()
    text = " ".join(text_of(render_sheets(petition, [None])).split())
    assert "Printed by Print Co-op, 3 Ink Lane, Norwich." in text


def test_welsh_and_accented_text_prints_with_an_embedded_font(petition):
    petition.title = "Achub y ŵyl a'r tŷ: café, £5 ŷ"
    petition.save()
    pdf = render_sheets(petition, [None])
    assert "Achub y ŵyl a'r tŷ: café, £5 ŷ" in text_of(pdf)
    fonts = str(PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"])
    assert "Helvetica" not in fonts


def test_columns_follow_the_targets_scheme(petition):
    target = petition.target
    target.requires_address = target.requires_postcode = False
    target.save()
    text = text_of(render_sheets(Petition.objects.get(pk=petition.pk), [None]))
    assert "Address" not in text and "Full name" in text and "Email" in text


def test_a_long_petition_still_has_its_statement_and_a_link_to_the_rest(petition):
    petition.body = "\n\n".join(["A long paragraph of reasons. " * 30] * 12)
    petition.save()
    text = " ".join(text_of(render_sheets(petition, ["S1500-000001", "S1500-000002"])).split())
    assert text.count("We, the undersigned, petition Norfolk County Council") == 2
    assert "Read the full petition at localhost:8000/1500" in text


def test_draft_petition_has_no_public_sheet(client, petition):
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.DRAFT)
    assert client.get("/petitions/1500/sheet.pdf").status_code == 404


def test_unknown_petition_has_no_sheet(client, db):
    assert client.get("/petitions/9999/sheet.pdf").status_code == 404


@pytest.mark.parametrize("serial", ["S1500-000042"])
def test_numbered_sheet_prints_its_serial_and_holds_it_in_its_qr(petition, serial):
    pdf = render_sheets(petition, [serial])
    assert serial in text_of(pdf)
    reading = scans.read_code(pdf_to_images(pdf)[0])
    assert reading.serial == serial
    assert reading.text == f"http://localhost:8000/1500?sheet={serial}"
