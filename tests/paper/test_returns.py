"""Logging returned sheets with their tallies."""

from datetime import timedelta

from django.utils import timezone

from signme.paper.pdf import render_sheets
from signme.paper.sheets import issue_sheets
from signme.petitions.counting import get_counts
from signme.petitions.models import Petition, Sheet

from .synthetic import as_scanned, fill_rows, image_file, pdf_to_images

URL = "/organise/petitions/1500/paper/returns/"


def test_volunteer_logs_a_return_and_the_tally_counts_at_once(client, volunteer, sheets):
    client.force_login(volunteer)
    assert get_counts(sheets[0].petition_id).total == 0
    response = client.post(URL, {"serial": "s1500-2", "tally": "7"})
    assert response.status_code == 303
    sheet = Sheet.objects.get(serial="S1500-000002")
    assert sheet.tally == 7 and sheet.status == "returned" and sheet.returned_at
    counts = get_counts(sheet.petition_id)
    assert counts.paper_tallied == 7 and counts.total == 7
    assert "Logged sheet S1500-000002 with a tally of 7" in client.get(URL).content.decode()
    assert client.get("/petitions/1500/count.json").json()["paper"] == 7


def test_downloaded_sheet_is_numbered_when_logged(client, organiser, sheets):
    client.force_login(organiser)
    client.post(URL, {"serial": "", "tally": "4"})
    sheet = Sheet.objects.get(downloaded=True)
    assert sheet.serial == "S1500-000006" and sheet.tally == 4
    assert sheet.notice == sheet.petition.current_notice
    assert "Write S1500-000006 on the sheet" in client.get(URL).content.decode()


def _refused(client, data, message):
    before = list(Sheet.objects.order_by("pk").values())
    response = client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(Sheet.objects.order_by("pk").values()) == before


def test_serial_that_does_not_exist_is_refused(client, volunteer, sheets):
    client.force_login(volunteer)
    _refused(client, {"serial": "S1500-000999", "tally": "3"}, "There is no sheet S1500-000999")
    _refused(client, {"serial": "hello", "tally": "3"}, "Enter the sheet number as printed")


def test_serial_of_another_petition_is_refused(client, volunteer, sheets, outsider):
    other = issue_sheets(Petition.objects.get(number=77), 1, "Elsewhere")[0]
    client.force_login(volunteer)
    _refused(client, {"serial": other.serial, "tally": "3"}, "belongs to another petition")


def test_sheet_logged_twice_is_refused_and_keeps_its_first_tally(client, volunteer, returned):
    client.force_login(volunteer)
    _refused(client, {"serial": returned.serial, "tally": "9"}, "was already logged on")
    html = client.post(URL, {"serial": returned.serial, "tally": "9"}).content.decode()
    assert '<a href="#id_serial">Sheet S1500-000001 was already logged' in html
    assert Sheet.objects.get(pk=returned.pk).tally == 3


def test_tally_larger_than_the_sheets_rows_is_refused(client, volunteer, sheets):
    client.force_login(volunteer)
    _refused(
        client, {"serial": sheets[0].serial, "tally": "11"}, "the tally cannot be more than 10"
    )
    _refused(client, {"serial": sheets[0].serial, "tally": "-1"}, "cannot be less than 0")
    _refused(client, {"serial": sheets[0].serial, "tally": ""}, "Enter how many rows are signed")


def test_serial_and_tally_are_read_from_a_photo_for_a_person_to_check(client, volunteer, petition):
    sheet = issue_sheets(petition, 1, "Holt")[0]
    page = pdf_to_images(render_sheets(petition, [sheet.serial]))[0]
    photo = as_scanned(fill_rows(page, petition.target, [1, 2, 4, 6]), angle=-1.2)
    client.force_login(volunteer)
    response = client.post(
        URL + "photo", {"photo": _upload("sheet.jpg", image_file(photo, "JPEG"))}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{sheet.serial}"' in html and 'value="4"' in html
    assert Sheet.objects.get(pk=sheet.pk).returned_at is None  # only read, not logged


def test_photo_without_a_code_says_so(client, volunteer, petition):
    from PIL import Image

    client.force_login(volunteer)
    blank = image_file(Image.new("RGB", (600, 800), "white"))
    response = client.post(URL + "photo", {"photo": _upload("blank.png", blank)})
    assert response.status_code == 400
    assert "No QR code could be read" in response.content.decode()


def test_recent_returns_show_when_they_were_logged(client, volunteer, returned):
    Sheet.objects.filter(pk=returned.pk).update(returned_at=timezone.now() - timedelta(days=1))
    client.force_login(volunteer)
    assert returned.serial in client.get(URL).content.decode()


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
