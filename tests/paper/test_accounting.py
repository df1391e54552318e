"""Every sheet accounted for: returned by its scan, typed by its short number,
its tally corrected, its transcription reopened, and the organiser's table of
where the sheets are."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from signme.audit.models import AuditEvent
from signme.paper.models import Scan
from signme.paper.pdf import render_sheets
from signme.paper.sheets import (
    SerialRefused,
    issue_sheets,
    log_return,
    returned_by_scan,
    serial_for,
)
from signme.paper.summary import serial_ranges, sheets_by_holder
from signme.petitions.counting import get_counts
from signme.petitions.models import Membership, Petition, Sheet, Signature
from signme.submissions.pack import gather_facts

from .synthetic import fill_rows, image_file, pdf_to_images

PAPER = "/organise/petitions/1500/paper/"
RETURNS = PAPER + "returns/"


def sheet_url(serial, tail=""):
    return f"{PAPER}sheets/{serial}/{tail}"


def type_row(client, serial, n, **fields):
    data = {"name": "Mary Brown", "address": "4 Church Lane, Holt", "postcode": "NR25 6BW"}
    data.update(fields)
    response = client.post(
        sheet_url(serial, f"rows/{n}"), {f"r{n}-{k}": v for k, v in data.items()}
    )
    assert response.status_code == 303, response.content.decode()[:300]


def sheet_rows():
    return list(Sheet.objects.order_by("pk").values())


# --- One parser for every sheet number ------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["1", "000001", "S1500-1", "s1500-000001", " S1500 - 000001 ", "1500-1", "#1", "s 1"],
)
def test_every_spelling_of_a_sheet_number_reads_as_its_serial(petition, typed):
    assert serial_for(petition, typed) == "S1500-000001"


def test_a_pasted_qr_link_reads_as_its_serial(petition):
    assert serial_for(petition, "https://signme.org.uk/1500?sheet=S1500-000042") == "S1500-000042"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("S77-000001", "belongs to another petition (77), not petition 1500"),
        ("hello", "Enter the sheet number as printed under its QR code"),
        ("0", "Enter the sheet number as printed"),
        ("S1500-000000", "There is no sheet 0"),
        ("", "Enter the sheet number printed under its QR code"),
    ],
)
def test_a_number_that_is_not_this_petitions_sheet_is_refused_clearly(petition, typed, message):
    with pytest.raises(SerialRefused, match=re.escape(message)):
        serial_for(petition, typed)


def test_return_is_logged_by_the_sheets_short_number(client, volunteer, sheets):
    client.force_login(volunteer)
    response = client.post(RETURNS, {"serial": "3", "tally": "4"})
    assert response.status_code == 303
    assert Sheet.objects.get(serial="S1500-000003").tally == 4


def test_another_petitions_serial_is_refused_on_the_return_form(client, volunteer, sheets):
    client.force_login(volunteer)
    before = sheet_rows()
    response = client.post(RETURNS, {"serial": "S77-000001", "tally": "4"})
    assert response.status_code == 400
    assert "belongs to another petition (77), not petition 1500" in response.content.decode()
    assert sheet_rows() == before


def test_serial_prefilled_from_the_address_is_shown_in_full(client, volunteer, sheets):
    client.force_login(volunteer)
    html = client.get(RETURNS + "?serial=2&tally=5").content.decode()
    assert 'value="S1500-000002"' in html and 'value="5"' in html


def test_typing_page_opens_by_the_short_number(client, volunteer, returned):
    client.force_login(volunteer)
    response = client.get(PAPER + "sheets/find?find-serial=1")
    assert response.status_code == 303 and response["Location"] == sheet_url("S1500-000001")
    response = client.get(sheet_url("1"))
    assert response.status_code == 303 and response["Location"] == sheet_url("S1500-000001")
    missing = client.get(PAPER + "sheets/find?find-serial=99")
    assert missing.status_code == 400
    assert "There is no sheet S1500-000099" in missing.content.decode()
    assert client.get(sheet_url("S77-000001")).status_code == 404


def test_a_row_is_saved_at_an_address_with_the_short_number(client, volunteer, returned):
    client.force_login(volunteer)
    type_row(client, "1", 1)
    assert Signature.objects.get().sheet == returned


def test_unidentified_scan_is_assigned_by_short_number(client, organiser, petition, sheets):
    scan = Scan.objects.create(petition=petition, sha256="0" * 64, status="unidentified")
    client.force_login(organiser)
    client.post(PAPER + f"scans/{scan.pk}/assign", {"serial": "S77-000002"})
    scan.refresh_from_db()
    assert scan.sheet is None and scan.status == "unidentified"
    client.post(PAPER + f"scans/{scan.pk}/assign", {"serial": "2"})
    scan.refresh_from_db()
    assert scan.sheet == sheets[1] and scan.status == "filed"
    # Filed by hand, the sheet is back just the same.
    assert Sheet.objects.get(pk=sheets[1].pk).returned_at is not None


# --- Returned by its scan -----------------------------------------------------------


def test_filed_scan_marks_its_sheet_returned_and_the_tally_is_given_later(
    client, organiser, petition, sheets
):
    # About a second: one real page through the upload, the seam under test. Small
    # and straight: reading scans is tested elsewhere; this is about the sheet.
    page = pdf_to_images(render_sheets(petition, [sheets[1].serial]), dpi=80)[0]
    png = image_file(fill_rows(page, petition.target, [1, 2]))
    client.force_login(organiser)
    response = client.post(PAPER + "scans/", {"files": [SimpleUploadedFile("s.png", png)]})
    assert response.status_code == 303
    sheet = Sheet.objects.get(pk=sheets[1].pk)
    assert sheet.returned_at is not None and sheet.status == "returned" and sheet.tally is None
    event = AuditEvent.objects.get(action="sheet")
    assert event.subject == f"sheet {sheet.serial} marked returned: its scan was filed"
    assert event.actor == organiser
    # The organiser page shows it back and scanned, and no longer missing.
    holders, total = sheets_by_holder(petition)
    assert (total.issued, total.returned, total.scanned, total.missing) == (5, 1, 1, 4)
    html = client.get("/organise/petitions/1500/").content.decode()
    table = html[html.index('id="sheet-accounts-heading"') :]
    assert '<td class="num" data-label="Scanned">1</td>' in table
    # The tally is logged on the return form as for any sheet.
    response = client.post(RETURNS, {"serial": "2", "tally": "2"})
    assert response.status_code == 303
    sheet.refresh_from_db()
    assert sheet.tally == 2 and get_counts(petition.pk).paper_tallied == 2


def test_a_second_scan_of_a_returned_sheet_changes_nothing(petition, returned, organiser):
    before = sheet_rows()
    assert returned_by_scan(returned, organiser) is False
    assert sheet_rows() == before
    assert not AuditEvent.objects.filter(action="sheet").exists()


# --- Correcting a tally -------------------------------------------------------------


def test_tally_is_corrected_with_both_figures_in_the_audit(client, volunteer, returned):
    client.force_login(volunteer)
    assert get_counts(returned.petition_id).paper_tallied == 3
    response = client.post(RETURNS + "tally", {"fix-serial": "1", "fix-tally": "6"})
    assert response.status_code == 303
    assert Sheet.objects.get(pk=returned.pk).tally == 6
    assert get_counts(returned.petition_id).paper_tallied == 6
    assert client.get("/petitions/1500/count.json").json()["paper"] == 6
    event = AuditEvent.objects.get(action="sheet")
    assert event.subject == "tally of sheet S1500-000001 corrected from 3 to 6"
    assert event.actor == volunteer
    assert "from 3 to 6" in client.get(RETURNS).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fix-serial": "1", "fix-tally": "11"}, "the tally cannot be more than 10"),
        ({"fix-serial": "1", "fix-tally": "3"}, "is already 3. Nothing was changed."),
        ({"fix-serial": "2", "fix-tally": "3"}, "is not logged as returned yet"),
        ({"fix-serial": "99", "fix-tally": "3"}, "There is no sheet S1500-000099"),
        ({"fix-serial": "S77-000001", "fix-tally": "3"}, "belongs to another petition"),
        ({"fix-serial": "1", "fix-tally": ""}, "Enter the correct number of signed rows"),
    ],
)
def test_bad_tally_correction_is_refused_and_changes_nothing(
    client, volunteer, returned, data, message
):
    client.force_login(volunteer)
    before = sheet_rows()
    response = client.post(RETURNS + "tally", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert sheet_rows() == before
    assert not AuditEvent.objects.filter(action="sheet").exists()


def test_another_organisations_organiser_cannot_correct_a_tally(client, outsider, returned):
    client.force_login(outsider)
    response = client.post(RETURNS + "tally", {"fix-serial": "1", "fix-tally": "6"})
    assert response.status_code == 404
    assert Sheet.objects.get(pk=returned.pk).tally == 3


# --- Reopening a transcription ------------------------------------------------------


@pytest.fixture
def typed_sheet(client, organiser, returned):
    """Sheet 1, tally 3, typed up with two signatures and marked complete."""
    client.force_login(organiser)
    type_row(client, returned.serial, 1, name="Mary Brown")
    type_row(client, returned.serial, 2, name="John Smith", postcode="NR25 6BX")
    client.post(sheet_url(returned.serial, "complete"))
    returned.refresh_from_db()
    assert returned.transcribed_at is not None
    return returned


def test_organiser_reopens_a_transcription_and_the_count_and_pack_follow(
    client, organiser, petition, typed_sheet
):
    assert get_counts(petition.pk).paper_transcribed == 2
    assert gather_facts(petition).paper == 2
    response = client.post(sheet_url("1", "reopen"), {"reason": "row 2 typed wrong"})
    assert response.status_code == 303
    sheet = Sheet.objects.get(pk=typed_sheet.pk)
    assert sheet.transcribed_at is None and sheet.status == "returned"
    assert Signature.objects.filter(sheet=sheet).count() == 2  # the rows stay
    event = AuditEvent.objects.get(action="sheet")
    assert event.subject == "transcription of sheet S1500-000001 reopened: row 2 typed wrong"
    # Open again, it counts by its tally, on the public count and in the pack.
    counts = get_counts(petition.pk)
    assert (counts.paper_transcribed, counts.paper_tallied) == (0, 3)
    facts = gather_facts(petition)
    assert (facts.paper, facts.paper_tallied) == (0, 3)
    # A row is undone and retyped, a third typed, and the sheet completed again.
    assert client.post(sheet_url(sheet.serial, "rows/2/undo")).status_code == 303
    type_row(client, sheet.serial, 2, name="Joan Smith", postcode="NR25 6BX")
    type_row(client, sheet.serial, 3, name="Ann Jones", postcode="NR25 6BY")
    client.post(sheet_url(sheet.serial, "complete"))
    assert get_counts(petition.pk).paper_transcribed == 3
    facts = gather_facts(petition)
    assert (facts.paper, facts.paper_tallied) == (3, 0)
    names = set(Signature.objects.filter(sheet=sheet).values_list("name", flat=True))
    assert names == {"Mary Brown", "Joan Smith", "Ann Jones"}


def test_reopen_needs_a_reason(client, organiser, typed_sheet):
    before = sheet_rows()
    response = client.post(sheet_url("1", "reopen"), {"reason": "  "})
    assert response.status_code == 400
    assert "Say why the sheet is reopened" in response.content.decode()
    assert sheet_rows() == before


def test_a_sheet_still_open_cannot_be_reopened(client, organiser, returned):
    client.force_login(organiser)
    before = sheet_rows()
    response = client.post(sheet_url("1", "reopen"), {"reason": "why not"})
    assert response.status_code == 400
    assert "is not marked complete" in response.content.decode()
    assert sheet_rows() == before


def test_only_organisers_see_and_use_the_reopen_control(client, volunteer, organiser, typed_sheet):
    html = client.get(sheet_url(typed_sheet.serial)).content.decode()
    assert "Reopen for corrections" in html and "{#" not in html
    client.force_login(volunteer)
    assert (
        "Reopen for corrections" not in client.get(sheet_url(typed_sheet.serial)).content.decode()
    )
    before = sheet_rows()
    response = client.post(sheet_url("1", "reopen"), {"reason": "volunteer try"})
    assert response.status_code == 404
    assert sheet_rows() == before


def test_another_organisations_organiser_cannot_reopen(client, outsider, typed_sheet):
    client.force_login(outsider)
    before = sheet_rows()
    assert client.post(sheet_url("1", "reopen"), {"reason": "x"}).status_code == 404
    assert sheet_rows() == before


def test_volunteer_of_another_organisation_cannot_reopen_or_correct(client, typed_sheet, outsider):
    other = Petition.objects.get(number=77)
    user = get_user_model().objects.create_user("vol77@example.org", password="x-pass-1")
    membership = Membership.objects.create(
        user=user, organisation=other.organisation, role=Membership.Role.VOLUNTEER
    )
    membership.petitions.add(other)
    client.force_login(user)
    before = sheet_rows()
    assert client.post(sheet_url("1", "reopen"), {"reason": "x"}).status_code == 404
    response = client.post(RETURNS + "tally", {"fix-serial": "1", "fix-tally": "9"})
    assert response.status_code == 404
    assert sheet_rows() == before


# --- Where the sheets are -----------------------------------------------------------


def test_sheets_are_accounted_for_by_who_holds_them(client, organiser, petition, sheets):
    cafe = issue_sheets(petition, 3, "Holt café")
    log_return(petition, sheets[0].serial, 3)
    log_return(petition, cafe[0].serial, 2)
    log_return(petition, cafe[1].serial, 5)
    Scan.objects.create(petition=petition, sheet=cafe[2], sha256="1" * 64, status="filed")
    returned_by_scan(cafe[2], organiser)
    Sheet.objects.filter(pk=cafe[0].pk).update(transcribed_at="2026-01-02T10:00:00Z")
    log_return(petition, "", 4)  # downloaded from the public page
    holders, total = sheets_by_holder(petition)
    table = {h.issued_to: (h.issued, h.returned, h.scanned, h.typed, h.missing) for h in holders}
    assert table == {
        "Holt market stall": (5, 1, 0, 0, 4),
        "Holt café": (3, 3, 1, 1, 0),
        "Downloaded from the petition page": (1, 1, 0, 0, 0),
    }
    assert holders[0].issued_to == "Holt market stall"  # missing sheets first
    assert holders[0].missing_ranges == ["S1500-000002 to S1500-000005"]
    assert (total.issued, total.returned, total.scanned, total.typed, total.missing) == (
        9, 5, 1, 1, 4,
    )  # fmt: skip
    client.force_login(organiser)
    html = client.get("/organise/petitions/1500/").content.decode()
    assert '<th scope="row">Holt café</th>' in html
    assert "S1500-000002 to S1500-000005" in html
    assert '<th scope="col" class="num">Missing</th>' in html
    assert "{#" not in html and "comment %}" not in html


def test_volunteers_do_not_see_who_holds_which_sheets(client, volunteer, sheets):
    client.force_login(volunteer)
    html = client.get("/organise/petitions/1500/").content.decode()
    assert "Holt market stall" not in html and "Where the sheets are" not in html


def test_serial_ranges_join_runs_and_keep_gaps():
    serials = ["S1500-000007", "S1500-000002", "S1500-000003", "S1500-000004", "S1500-000010"]
    assert serial_ranges(serials) == ["S1500-000002 to S1500-000004", "S1500-000007",
                                      "S1500-000010"]  # fmt: skip
