"""Uploading scans of returned sheets: each page files itself with its sheet."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from signme.paper import scans
from signme.paper.models import Scan
from signme.paper.pdf import render_sheets

from .synthetic import as_scanned, fill_rows, image_file, images_to_pdf, pdf_to_images

URL = "/organise/petitions/1500/paper/scans/"


def filled(petition, serial, rows, angle=1.5, seed=1):
    page = pdf_to_images(render_sheets(petition, [serial]))[0]
    return as_scanned(fill_rows(page, petition.target, rows, seed=seed), angle=angle, seed=seed)


@pytest.fixture
def staff(client, organiser):
    client.force_login(organiser)
    return organiser


def upload(client, *files):
    return client.post(URL, {"files": [SimpleUploadedFile(n, d) for n, d in files]})


@pytest.mark.parametrize("angle", [-2.0, 0.0, 1.5, 3.0])
def test_ink_in_name_and_signature_cells_suggests_the_tally(petition, sheets, angle):
    image = filled(petition, sheets[0].serial, [1, 2, 3, 5, 9], angle=angle)
    reading = scans.read_code(image)
    assert reading.serial == sheets[0].serial
    assert scans.rows_with_ink(image, reading.corners, petition.target) == [1, 2, 3, 5, 9]


def test_many_pages_at_once_file_themselves_with_their_sheets(client, staff, petition, sheets):
    pages = [
        filled(petition, s.serial, list(range(1, i + 2)), seed=i) for i, s in enumerate(sheets[:3])
    ]
    pdf = images_to_pdf(pages)
    jpeg = image_file(filled(petition, sheets[3].serial, [1, 2], angle=-1), "JPEG")
    response = upload(client, ("batch.pdf", pdf), ("one.jpg", jpeg))
    assert response.status_code == 303
    filed = Scan.objects.order_by("pk")
    assert [s.sheet.serial for s in filed] == [s.serial for s in sheets[:4]]
    assert [s.suggested_tally for s in filed] == [1, 2, 3, 2]
    assert all(s.status == "filed" and s.uploaded_by == staff for s in filed)
    html = client.get(URL).content.decode()
    assert "Filed 4 pages with their sheets" in html
    assert "Confirm as tally" in html
    assert client.get(URL + f"{filed[0].pk}.png")["Content-Type"] == "image/png"


def test_one_page_is_reported_as_one_page(client, staff, petition, sheets):
    response = upload(client, ("one.png", image_file(filled(petition, sheets[0].serial, [1]))))
    assert response.status_code == 303
    assert "Filed 1 page with their sheets." in client.get(URL).content.decode()


def test_same_page_uploaded_twice_is_kept_once(client, staff, petition, sheets):
    png = image_file(filled(petition, sheets[0].serial, [1]))
    upload(client, ("a.png", png))
    upload(client, ("a.png", png))
    assert Scan.objects.count() == 1


def test_page_without_a_readable_code_waits_for_a_person(client, staff, petition, sheets):
    page = filled(petition, sheets[0].serial, [1, 2])
    page.paste((255, 255, 255), (900, 1250, 1300, 1650))  # the QR code torn off
    upload(client, ("torn.png", image_file(page)))
    scan = Scan.objects.get()
    assert scan.status == "unidentified" and scan.sheet is None
    html = client.get(URL).content.decode()
    assert "Pages to identify" in html
    client.post(URL + f"{scan.pk}/assign", {"serial": "S1500-000999"})
    assert Scan.objects.get().status == "unidentified"
    client.post(URL + f"{scan.pk}/assign", {"serial": "s1500-1"})
    scan.refresh_from_db()
    assert scan.status == "filed" and scan.sheet == sheets[0]


def test_downloaded_sheet_waits_to_be_identified(client, staff, petition):
    page = pdf_to_images(render_sheets(petition, [None]))[0]
    upload(client, ("download.png", image_file(page)))
    assert Scan.objects.get().status == "unidentified"


def test_qr_code_of_something_else_is_refused(client, staff, petition):
    import segno

    out = io.BytesIO()
    segno.make("https://example.com/not-a-sheet").save(out, kind="png", scale=10)
    response = upload(client, ("other.png", out.getvalue()))
    messages = client.get(URL).content.decode()
    assert response.status_code == 303
    assert "Refused other.png, page 1: its QR code is not one of this petition" in messages
    assert not Scan.objects.exists()


def test_sheet_of_another_petition_is_refused(client, staff, petition, outsider):
    from signme.paper.sheets import issue_sheets
    from signme.petitions.models import Petition

    other = Petition.objects.get(number=77)
    sheet = issue_sheets(other, 1, "X")[0]
    page = pdf_to_images(render_sheets(other, [sheet.serial]))[0]
    upload(client, ("77.png", image_file(page)))
    assert "it is a sheet of another petition" in client.get(URL).content.decode()
    assert not Scan.objects.exists()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.pdf", b"", "empty.pdf is empty"),
        ("notes.txt", b"hello, not a scan", "notes.txt is not a PDF, PNG or JPEG"),
        ("broken.pdf", b"%PDF-1.4 garbage garbage", "broken.pdf is damaged"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "broken.png is damaged"),
    ],
)
def test_bad_file_is_refused_and_nothing_is_stored(
    client, staff, petition, sheets, name, data, message
):
    good = image_file(filled(petition, sheets[0].serial, [1]))
    response = upload(client, ("good.png", good), (name, data))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Nothing was stored" in html
    assert not Scan.objects.exists()


def test_huge_file_is_refused_with_the_limit(client, staff, petition, monkeypatch):
    monkeypatch.setattr(scans, "MAX_FILE_BYTES", 1000)
    big = image_file(Image.new("RGB", (400, 400), "white"))
    response = upload(client, ("big.png", big + b"\0" * 2000))
    assert response.status_code == 400
    assert "big.png is 0.0 MB; the limit is 0.0 MB a file" in response.content.decode()
    assert not Scan.objects.exists()


def test_image_with_too_many_pixels_is_refused(client, staff, petition, monkeypatch):
    monkeypatch.setattr(scans, "MAX_PIXELS", 100 * 100)
    response = upload(client, ("wide.png", image_file(Image.new("L", (200, 200), 255))))
    assert "too large to read" in response.content.decode()
    assert not Scan.objects.exists()


def test_upload_with_no_file_asks_for_one(client, staff, petition):
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "Choose at least one PDF, PNG or JPEG file" in response.content.decode()


def test_specks_of_dust_on_empty_rows_are_not_taken_for_writing(petition, sheets):
    import numpy as np

    image = filled(petition, sheets[0].serial, [2])
    arr = np.asarray(image).copy()
    rng = np.random.default_rng(3)
    ys, xs = rng.integers(0, arr.shape[0], 4000), rng.integers(0, arr.shape[1], 4000)
    arr[ys, xs] = 0
    specked = Image.fromarray(arr)
    reading = scans.read_code(specked)
    assert scans.rows_with_ink(specked, reading.corners, petition.target) == [2]
