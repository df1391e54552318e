"""Each row's crop from a filed scan: shown beside its fields on the
transcription page, to the same people who may type that row, and painted out
of the stored page once its signer is erased."""

import io

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from signme.paper import scans
from signme.paper.models import BlankedRow, Scan
from signme.paper.pdf import render_sheets
from signme.paper.sheets import log_return
from signme.people.rights import erase_signatures
from signme.petitions.models import Membership, Signature
from signme.web.worker import jobs

from .synthetic import as_scanned, fill_rows, image_file, pdf_to_images

P = "/organise/petitions/1500/paper/"


@pytest.fixture
def scanned(petition, sheets):
    """Sheet 1, returned with rows 1 to 3 written, and its scan filed."""
    page = fill_rows(pdf_to_images(render_sheets(petition, [sheets[0].serial]))[0],
                     petition.target, [1, 2, 3])  # fmt: skip
    upload = SimpleUploadedFile("sheet.png", image_file(as_scanned(page, angle=0.3)))
    result = scans.file_scans(petition, [upload])
    log_return(petition, sheets[0].serial, 3)
    return result.filed[0]


def crop_url(scan, row):
    return f"{P}scans/{scan.pk}/rows/{row}.png"


def type_row(client, sheet, n, name):
    data = {f"r{n}-name": name, f"r{n}-address": "4 Church Lane, Holt",
            f"r{n}-postcode": "NR25 6BW"}  # fmt: skip
    assert client.post(f"{P}sheets/{sheet.serial}/rows/{n}", data).status_code == 303


def pixels(response) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(response.content)).convert("L"))


def test_transcription_page_shows_each_row_as_written(client, volunteer, scanned):
    client.force_login(volunteer)
    html = client.get(f"{P}sheets/{scanned.sheet.serial}/").content.decode()
    for n in range(1, 11):
        assert f'<img src="{crop_url(scanned, n)}" alt="Row {n} as written on the sheet"' in html
    assert "Row 1 on the scan</figcaption>" in html
    response = client.get(crop_url(scanned, 2))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    crop = pixels(response)
    box = scanned.row_reading(2)["box"]
    assert crop.shape == (box[3] - box[1], box[2] - box[0])
    assert (crop < 100).mean() > 0.01  # the writing and the lines are in it


def test_a_volunteer_sees_no_crop_of_a_row_another_person_typed(
    client, volunteer, organiser, scanned
):
    client.force_login(organiser)
    type_row(client, scanned.sheet, 1, "Mary Brown")
    assert client.get(crop_url(scanned, 1)).status_code == 200
    client.force_login(volunteer)
    assert client.get(crop_url(scanned, 1)).status_code == 404
    html = client.get(f"{P}sheets/{scanned.sheet.serial}/").content.decode()
    assert crop_url(scanned, 1) not in html and crop_url(scanned, 2) in html
    type_row(client, scanned.sheet, 2, "John Smith")
    assert client.get(crop_url(scanned, 2)).status_code == 200  # theirs


def test_people_outside_the_petition_get_no_crop(client, outsider, scanned, petition):
    assert client.get(crop_url(scanned, 1))["Location"].startswith("/accounts/login")
    client.force_login(outsider)
    assert client.get(crop_url(scanned, 1)).status_code == 404
    other = get_user_model().objects.create_user("other-volunteer@example.org", password="x-1")
    Membership.objects.create(user=other, organisation=petition.organisation,
                              role=Membership.Role.VOLUNTEER)  # fmt: skip
    client.force_login(other)  # a volunteer, but not given this petition
    assert client.get(crop_url(scanned, 1)).status_code == 404


def test_unknown_rows_and_unfiled_scans_have_no_crop(client, organiser, scanned):
    client.force_login(organiser)
    assert client.get(crop_url(scanned, 11)).status_code == 404
    Scan.objects.filter(pk=scanned.pk).update(sheet=None, status=Scan.Status.UNIDENTIFIED)
    assert client.get(crop_url(scanned, 1)).status_code == 404


def test_erasing_a_paper_signer_blanks_their_row_in_the_stored_scan(client, organiser, scanned):
    client.force_login(organiser)
    type_row(client, scanned.sheet, 2, "Mary Brown")
    type_row(client, scanned.sheet, 3, "John Smith")
    before = np.asarray(Image.open(scanned.image.path).convert("L")).copy()
    digest = scanned.sha256
    erase_signatures(Signature.objects.filter(name="Mary Brown"), reason=None)
    # Erased, and not yet painted: the crop is refused at once all the same.
    assert client.get(crop_url(scanned, 2)).status_code == 404
    [job] = [j for j in jobs() if j.name == "erased rows in scans"]
    assert job.func() == 1
    after = np.asarray(Image.open(scanned.image.path).convert("L"))
    quad = np.array(scanned.row_reading(2)["quad"])
    inside = slice(int(quad[:, 1].max() - 20), int(quad[:, 1].max() - 8))
    x0, x1 = int(quad[:, 0].min() + 20), int(quad[:, 0].max() - 20)
    assert (before[inside, x0:x1] < 128).any() and (after[inside, x0:x1] == 255).all()
    for other in (1, 3, 4):  # every other row as it was
        box = scanned.row_reading(other)["box"]
        mid = (box[1] + box[3]) // 2
        assert (after[mid - 8 : mid + 8] == before[mid - 8 : mid + 8]).all()
    assert list(BlankedRow.objects.values_list("scan", "row")) == [(scanned.pk, 2)]
    assert job.func() == 0  # done once
    scanned.refresh_from_db()
    assert scanned.sha256 == digest  # the same page re-uploaded is still known
    detail = client.get(f"{P}scans/{scanned.pk}/").content.decode()
    assert "Erased at the signer's request." in detail
    assert crop_url(scanned, 2) not in detail and crop_url(scanned, 3) in detail
