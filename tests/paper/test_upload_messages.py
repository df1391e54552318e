"""A refused upload says why, once: never also "No file was submitted"."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from signme.paper.models import Scan

SCANS = "/organise/petitions/1500/paper/scans/"
PHOTO = "/organise/petitions/1500/paper/returns/photo"


def errors(html: str) -> list[str]:
    """The messages in the page's "There is a problem" summary."""
    [summary] = re.findall(r'<div class="error-summary".*?<ul>(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", summary, re.S)


@pytest.fixture
def staff(client, organiser):
    client.force_login(organiser)
    return client


@pytest.mark.parametrize(
    "files, reason",
    [
        ([("notes.txt", b"hello, not a scan")], "notes.txt is not a PDF, PNG or JPEG"),
        ([("empty.pdf", b"")], "empty.pdf is empty"),
        ([("broken.pdf", b"%PDF-1.4 garbage")], "broken.pdf is damaged"),
        ([], "Choose at least one PDF, PNG or JPEG file"),
    ],
)
def test_a_refused_scan_upload_gives_only_the_real_reason(staff, files, reason):
    uploads = [SimpleUploadedFile(name, data) for name, data in files]
    response = staff.post(SCANS, {"files": uploads} if uploads else {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "No file was submitted" not in html
    [message] = errors(html)
    assert reason in message and "Nothing was stored" in message
    assert not Scan.objects.exists()


@pytest.mark.parametrize(
    "photo, reason",
    [
        (("notes.txt", b"hello, not a scan"), "notes.txt is not a PDF, PNG or JPEG"),
        (("empty.png", b""), "empty.png is empty"),
        (None, "Choose a photo or scan of the sheet"),
    ],
)
def test_a_refused_photo_gives_only_the_real_reason(staff, photo, reason):
    data = {"photo": SimpleUploadedFile(*photo)} if photo else {}
    response = staff.post(PHOTO, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "No file was submitted" not in html
    [message] = errors(html)
    assert reason in message
