"""Reading photos and scans of returned sheets: the page is found by its
registration marks, rows are judged against the paper around them, a row that
cannot be judged for sure says so, and a page is never filed on a guess."""

import io

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from signme.paper import layout as L
from signme.paper import pdf as sheet_pdf
from signme.paper import reading, scans
from signme.paper.models import Scan
from signme.paper.pdf import render_sheets

from .synthetic import (
    DPI,
    as_scanned,
    capture,
    fill_like_people,
    fill_rows,
    image_file,
    pdf_to_images,
    photographed,
)

URL = "/organise/petitions/1500/paper/scans/"


def decode(data: bytes) -> Image.Image:
    return scans.first_page(SimpleUploadedFile("capture", data)).image


def read(image, petition):
    code = scans.read_code(image)
    return code, reading.read_sheet(image, petition.target, code.corners or None)


# Two captures of each kind, at reduced size: the benchmark (bench/scan_bench.py)
# measures hundreds. About 0.3 s a capture to make and read.
CASES = [
    ("flatbed-jpeg-150", [1, 2, 5, 9]),
    ("flatbed-jpeg-150", []),
    ("gentle", [2, 3, 4, 7, 10]),
    ("gentle", [1, 6]),
    ("harsh", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ("harsh", [3, 8]),
]


@pytest.mark.parametrize("condition, rows", CASES)
def test_rows_are_read_right_from_scans_and_phone_photos(petition, sheets, condition, rows):
    pdf = render_sheets(petition, [sheets[0].serial])
    _, data = capture(condition, pdf, petition.target, rows, seed=len(rows), scale=0.75)
    code, sheet = read(decode(data), petition)
    assert code.serial == sheets[0].serial
    assert sheet.method == "marks"
    # Never a wrong tally offered as sure: either exact, or not offered.
    assert sheet.tally in (len(rows), None)
    assert [r for r in sheet.written if r not in rows] == []
    assert sheet.tally == len(rows), [(r.row, r.state, r.ink) for r in sheet.rows]


def test_a_shadow_across_empty_rows_is_not_taken_for_writing(petition, sheets):
    page = pdf_to_images(render_sheets(petition, [sheets[0].serial]))[0]
    rng = np.random.default_rng(4)
    data = photographed(page, rng, keystone=0.11, angle=-6, shadow="band", blur=1.0,
                        quality=60, size=(1100, 1450))  # fmt: skip
    _, sheet = read(decode(data), petition)
    assert sheet.written == [] and sheet.tally == 0


def test_a_short_mark_is_unsure_and_no_tally_is_offered(client, organiser, petition, sheets):
    page = fill_rows(pdf_to_images(render_sheets(petition, [sheets[0].serial]))[0],
                     petition.target, [1, 2])  # fmt: skip
    name = next(c for c in L.columns(petition.target) if c.key == "name")
    k = DPI / 72
    x, y = (name.x + 10 * 2.8346) * k, (L.row_top(5) + L.ROW_H / 2) * k
    ImageDraw.Draw(page).line((x, y, x + 5 * 2.8346 * k, y + 2), fill=(20, 30, 120), width=3)
    _, sheet = read(page, petition)
    assert sheet.written == [1, 2] and sheet.unsure == [5]
    assert sheet.tally is None
    client.force_login(organiser)
    client.post(URL, {"files": [SimpleUploadedFile("p.png", image_file(page))]})
    scan = Scan.objects.get()
    assert scan.suggested_tally is None and scan.rows_with_ink == "1,2"
    row5 = scan.row_reading(5)
    assert row5["state"] == "unsure" and 0 <= row5["confidence"] < 0.7
    assert len(row5["box"]) == 4 and len(row5["quad"]) == 4
    html = client.get(URL).content.decode()
    assert "between 2 and 3 rows: row 5 unsure, count them on the sheet" in html
    assert "Confirm as tally" not in html and "tally=" not in html
    assert f'?serial={sheets[0].serial}">Count the rows and give the tally' in html
    detail = client.get(URL + f"{scan.pk}/").content.decode()
    assert "unsure: check the sheet" in detail and 'alt="Row 5 as written on the sheet"' in detail


def test_every_row_sure_offers_the_tally(client, organiser, petition, sheets):
    page = fill_rows(pdf_to_images(render_sheets(petition, [sheets[0].serial]))[0],
                     petition.target, [3, 4])  # fmt: skip
    client.force_login(organiser)
    client.post(URL, {"files": [SimpleUploadedFile("p.png", image_file(as_scanned(page)))]})
    scan = Scan.objects.get()
    assert scan.tally_is_sure and scan.suggested_tally == 2
    assert f"serial={sheets[0].serial}&amp;tally=2" in client.get(URL).content.decode()


def test_a_page_whose_qr_code_is_torn_is_filed_by_its_barcode(client, organiser, petition, sheets):
    page = pdf_to_images(render_sheets(petition, [sheets[2].serial]))[0]
    torn = fill_like_people(page, petition.target, [1, 4], seed=3)
    k = DPI / 72
    ImageDraw.Draw(torn).rectangle(
        ((L.QR_X - 5) * k, (L.QR_Y - 5) * k, (L.QR_X + L.QR_SIZE + 5) * k,
         (L.QR_Y + L.QR_SIZE * 0.6) * k), fill="white")  # fmt: skip
    torn = as_scanned(torn, angle=-1)
    assert scans.read_code(torn).kind == "none"
    client.force_login(organiser)
    client.post(URL, {"files": [SimpleUploadedFile("torn.png", image_file(torn))]})
    scan = Scan.objects.get()
    assert scan.status == "filed" and scan.sheet == sheets[2]
    assert scan.suggested_tally == 2


def test_a_page_whose_codes_disagree_is_not_filed(client, organiser, petition, sheets):
    """The QR code of one sheet and the barcode of another (a page stuck over
    another, a reprint): which is right cannot be known, so a person decides."""
    first = pdf_to_images(render_sheets(petition, [sheets[0].serial]))[0]
    second = pdf_to_images(render_sheets(petition, [sheets[1].serial]))[0]
    k = DPI / 72
    box = tuple(round(v * k) for v in (L.QR_X - 15, L.BARCODE_TOP - 3, L.PAGE_W - 3,
                                        L.BARCODE_TOP + L.BARCODE_H + 3))  # fmt: skip
    first.paste(second.crop(box), box[:2])
    code, sheet = read(first, petition)
    assert code.serial == sheets[0].serial and sheet.barcode_serial == sheets[1].serial
    client.force_login(organiser)
    client.post(URL, {"files": [SimpleUploadedFile("odd.png", image_file(first))]})
    scan = Scan.objects.get()
    assert scan.status == "unidentified" and scan.sheet is None
    assert f"QR code reads {sheets[0].serial} but its barcode {sheets[1].serial}" in scan.note
    assert scan.note in client.get(URL).content.decode()


def test_sheets_printed_before_the_marks_are_still_read(petition, sheets, monkeypatch):
    # The sheet as it was printed: 7 mm tick columns, no marks, no barcode,
    # no eligibility column.
    monkeypatch.setattr(L, "TICK_W", L.UNMARKED_TICK_W)
    monkeypatch.setattr(L, "asks_eligibility", lambda target: False)
    monkeypatch.setattr(sheet_pdf, "_draw_marks", lambda c: None)
    monkeypatch.setattr(sheet_pdf, "_draw_barcode", lambda c, serial: None)
    old = pdf_to_images(render_sheets(petition, [sheets[0].serial]))[0]
    filled = as_scanned(fill_rows(old, petition.target, [2, 3, 8]), angle=2)
    monkeypatch.undo()
    code, sheet = read(filled, petition)
    assert code.serial == sheets[0].serial
    assert sheet.method == "qr" and sheet.tally == 3 and sheet.written == [2, 3, 8]


def test_a_page_upside_down_or_unreadable_waits_for_a_person(client, organiser, petition):
    client.force_login(organiser)
    out = io.BytesIO()
    Image.new("L", (800, 1100), 230).save(out, "PNG")
    client.post(URL, {"files": [SimpleUploadedFile("grey.png", out.getvalue())]})
    scan = Scan.objects.get()
    assert scan.status == "unidentified" and scan.rows == []
    assert "unknown: the rows could not be read" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    "readings, serial",
    [
        ([{"S1500-000090"}, {"S1500-000090"}], "S1500-000090"),
        ([{"S1500-000090"}], ""),  # once only: could be a misread
        ([{"S1500-000090", "S1500-530017"}, {"S1500-000090"}], ""),  # seen on a smudge
        ([{"S1500-000090"}, {"9780141036144"}], ""),  # someone else's barcode too
    ],
)
def test_a_barcode_counts_only_when_read_twice_alike(monkeypatch, readings, serial):
    answers = iter(readings)
    monkeypatch.setattr(reading, "_read_code128", lambda image: next(answers, set()))
    assert reading.barcode_serial(np.full((200, 100), 255, np.uint8)) == serial
