"""The public "print more sheets" PDF."""

import io

import pytest
from pypdf import PdfReader

from signme.geography.models import Area
from signme.paper import layout, reading, scans
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


def text_sizes(pdf: bytes) -> list[tuple[str, float]]:
    """Every piece of text on the first page with the size it is drawn at."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (
                abs(tm[0] * tm[3] - tm[1] * tm[2]) ** 0.5
                * abs(cm[0] * cm[3] - cm[1] * cm[2]) ** 0.5
            )
            found.append((text.strip(), size * scale))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


def test_nothing_on_the_sheet_is_printed_smaller_than_7_points(petition):
    sizes = text_sizes(render_sheets(petition, ["S1500-000042"]))
    texts = " ".join(t for t, _ in sizes)
    # The small print is there: consent headers, imprint, privacy notice.
    for words in ("Contact me by", "Phone", "Published and promoted by", "Privacy notice"):
        assert words in texts
    too_small = [(t, round(s, 1)) for t, s in sizes if s < 6.99]
    assert too_small == []


def test_the_schemes_eligibility_question_is_asked_on_paper(petition):
    target = petition.target
    assert target.eligibility_question == "Do you live, work or study in Norfolk?"
    text = " ".join(text_of(render_sheets(petition, [None])).split())
    assert "Do you live, work or study in Norfolk? If so, tick the “Yes” column." in text
    assert "Yes" in [t for t, _ in text_sizes(render_sheets(petition, [None]))]
    # A scheme that names its areas and asks no question of its own.
    Area.objects.create(code="E07000147", type="district", name="North Norfolk")
    target.eligibility_question = ""
    target.eligible_areas = "E07000147, E07000148"
    target.save()
    text = " ".join(text_of(render_sheets(Petition.objects.get(pk=petition.pk), [None])).split())
    assert "Do you live, work or study in North Norfolk or E07000148?" in text
    target.eligible_areas = ""
    target.save()
    text = text_of(render_sheets(Petition.objects.get(pk=petition.pk), [None]))
    assert "tick the “Yes” column" not in text and "Yes" not in text.split()


def test_sheet_has_four_registration_marks_and_its_serial_as_a_barcode(petition):
    image = pdf_to_images(render_sheets(petition, ["S1500-000042"]))[0]
    gray = reading.gray_of(image)
    marks = reading.find_marks(gray)
    k = 150 / 72
    expected = [(x * k, y * k) for x, y in layout.mark_centres()]
    for ex, ey in expected:
        assert any(abs(x - ex) < 3 and abs(y - ey) < 3 for x, y, _ in marks)
    assert reading.barcode_serial(gray) == "S1500-000042"
    assert layout.serial_from_barcode(layout.barcode_digits("S77-123456")) == "S77-123456"
