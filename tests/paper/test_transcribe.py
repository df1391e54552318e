"""Typing up a returned sheet, row by row."""

import re

import pytest

from signme.audit.models import AuditEvent
from signme.mailing.models import OutboundEmail
from signme.paper.models import RowMark
from signme.petitions.counting import get_counts
from signme.petitions.models import Consent, PrivacyNotice, Sheet, Signature
from tests.conftest import settle_verified


def url(sheet, tail=""):
    return f"/organise/petitions/1500/paper/sheets/{sheet.serial}/{tail}"


def row(n, **fields):
    data = {
        "name": "Mary Brown",
        "address": "4 Church Lane, Holt",
        "postcode": "nr25 6bw",
        "email": "",
        "phone": "",
    }
    data.update(fields)
    return {f"r{n}-{k}": v for k, v in data.items() if v is not None}


@pytest.fixture
def typist(client, volunteer):
    client.force_login(volunteer)
    return volunteer


@pytest.fixture
def checker(client, organiser):
    """An organiser typing: only organisers are shown possible duplicates."""
    client.force_login(organiser)
    return organiser


def test_saved_row_becomes_a_verified_paper_signature(client, typist, returned, petition):
    response = client.post(url(returned, "rows/1"), row(1, **{"tick_post": "on"}))
    assert response.status_code == 303
    assert response["Location"] == url(returned)
    sig = Signature.objects.get()
    assert (sig.name, sig.postcode, sig.address) == (
        "Mary Brown",
        "NR25 6BW",
        "4 Church Lane, Holt",
    )
    assert sig.status == "verified" and sig.source == "paper"
    assert sig.sheet == returned and sig.sheet_row == 1
    assert sig.entered_by == typist and sig.notice == returned.notice
    consents = {c.channel: c for c in Consent.objects.filter(signature=sig)}
    assert {ch: c.given for ch, c in consents.items()} == {
        "email": False, "sms": False, "phone": False, "post": True,
    }  # fmt: skip
    assert all(c.mechanism == "paper" and c.recorded_by == typist for c in consents.values())
    event = AuditEvent.objects.get(action="import")
    assert event.subject == f"sheet {returned.serial} row 1" and "Mary" not in event.subject


def test_paper_signer_gets_no_email_even_with_an_email_address(client, typist, returned):
    client.post(url(returned, "rows/1"), row(1, email="mary@example.org", tick_email="on"))
    assert Signature.objects.get().email == "mary@example.org"
    assert not OutboundEmail.objects.exists()


def test_row_uses_the_notice_printed_on_its_sheet(client, typist, returned, petition):
    PrivacyNotice.publish(petition, "A newer notice.")
    client.post(url(returned, "rows/1"), row(1))
    assert Signature.objects.get().notice.code == "PN-1500-v1"


def test_page_opens_the_next_row_ready_to_type(client, typist, returned):
    client.post(url(returned, "rows/1"), row(1))
    html = client.get(url(returned)).content.decode()
    assert (
        'name="r2-name"' in html
        and "autofocus" in html.split('name="r2-name"')[1][:200]
        or ("autofocus" in html.split('id="row-2"')[1].split('id="row-3"')[0])
    )
    assert "Mary Brown" in html


def test_blank_illegible_and_crossed_out_rows_are_recorded_without_a_signature(
    client, typist, returned
):
    for n, mark in [(4, "b"), (5, "Illegible"), (6, "x")]:
        assert client.post(url(returned, f"rows/{n}"), {f"r{n}-mark": mark}).status_code == 303
    assert not Signature.objects.exists()
    assert sorted(RowMark.objects.values_list("row", "mark")) == [
        (4, "blank"), (5, "illegible"), (6, "struck"),
    ]  # fmt: skip
    assert "Crossed out" in client.get(url(returned)).content.decode()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"postcode": "NR99 ZZZZ"}, "Row 1: enter a real UK postcode"),
        ({"name": ""}, "Row 1: type the full name, or mark the row blank or illegible"),
        ({"address": ""}, "Row 1: type the address; Norfolk County Council needs one"),
        ({"email": "mary at example"}, "Row 1: type the email as written"),
        ({"name": "Mary <b>"}, "cannot contain &lt; or &gt;"),
        ({"mark": "q"}, "Row 1: type b for blank, i for illegible or x for crossed out"),
    ],
)
def test_bad_row_shows_a_clear_message_and_stores_nothing(
    client, typist, returned, fields, message
):
    response = client.post(url(returned, "rows/1"), row(1, **fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "There is a problem" in html
    assert not Signature.objects.exists() and not Consent.objects.exists()


def test_a_refused_row_opens_on_the_field_to_correct(client, typist, returned):
    html = client.post(url(returned, "rows/1"), row(1, postcode="NR99 ZZZZ")).content.decode()
    postcode = re.search(r'<input[^>]*name="r1-postcode"[^>]*>', html).group(0)
    assert "autofocus" in postcode
    assert html.count("autofocus") == 1


def test_row_saved_twice_is_refused(client, typist, returned):
    client.post(url(returned, "rows/1"), row(1))
    response = client.post(url(returned, "rows/1"), row(1, name="Someone Else"), follow=True)
    assert "Row 1 of S1500-000001 is already saved" in response.content.decode()
    assert Signature.objects.get().name == "Mary Brown"


def test_sheet_not_yet_logged_cannot_be_typed_up(client, typist, sheets):
    html = client.get(url(sheets[1])).content.decode()
    assert "Log this sheet as returned" in html
    response = client.post(url(sheets[1], "rows/1"), row(1), follow=True)
    assert "as returned, with its tally, first" in response.content.decode()
    assert not Signature.objects.exists()


def test_same_email_as_an_online_signer_is_shown_and_kept_as_a_duplicate(
    client, checker, returned, sign
):
    sign(email="Mary.Brown@gmail.com", name="M Brown")
    online = Signature.objects.get()
    settle_verified(Signature.objects.filter(pk=online.pk))
    data = row(1, email="marybrown@googlemail.com")
    response = client.post(url(returned, "rows/1"), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "This may be someone who has already signed" in html and "M Brown" in html
    assert Signature.objects.count() == 1  # nothing stored until the typist decides
    response = client.post(url(returned, "rows/1"), {**data, "decision": "same"})
    assert response.status_code == 303
    paper = Signature.objects.get(source="paper")
    assert paper.status == "duplicate" and paper.duplicate_of == online
    client.post(url(returned, "complete"))
    counts = get_counts(returned.petition_id)
    assert counts.online == 1 and counts.paper_transcribed == 0 and counts.total == 1


def test_same_name_and_postcode_ignoring_case_spacing_and_accents_is_a_match(
    client, checker, returned
):
    client.post(url(returned, "rows/1"), row(1, name="Siân  Evans", postcode="NR25 6BW"))
    response = client.post(url(returned, "rows/2"), row(2, name="SIAN EVANS", postcode="nr256bw"))
    assert response.status_code == 409
    assert "on paper, sheet S1500-000001 row 1" in response.content.decode()


def test_typist_says_different_people_and_both_count(client, checker, returned, sign):
    sign(email="family@example.org", name="Pat Green")
    settle_verified(Signature.objects.all())
    data = row(1, name="Sam Green", email="family@example.org")
    assert client.post(url(returned, "rows/1"), data).status_code == 409
    assert (
        client.post(url(returned, "rows/1"), {**data, "decision": "different"}).status_code == 303
    )
    paper = Signature.objects.get(source="paper")
    assert paper.status == "verified" and paper.email == "family@example.org"
    client.post(url(returned, "complete"))
    assert get_counts(returned.petition_id).total == 2


def test_paper_row_of_someone_who_never_confirmed_online_replaces_the_pending_one(
    client, checker, returned, sign
):
    sign(email="mary@example.org")
    pending = Signature.objects.get()
    data = row(1, email="mary@example.org")
    assert client.post(url(returned, "rows/1"), {**data, "decision": "same"}).status_code == 303
    pending.refresh_from_db()
    paper = Signature.objects.get(source="paper")
    assert paper.status == "verified" and pending.status == "duplicate"
    assert pending.duplicate_of == paper


def test_completing_turns_the_tally_into_rows_and_shows_a_disagreement(client, typist, returned):
    assert get_counts(returned.petition_id).paper_tallied == 3
    client.post(url(returned, "rows/1"), row(1))
    client.post(url(returned, "rows/2"), row(2, name="John Smith"))
    assert get_counts(returned.petition_id).total == 3  # still the tally
    response = client.post(url(returned, "complete"), follow=True)
    html = response.content.decode()
    assert "The tally was 3 but 2 rows were typed" in html
    sheet = Sheet.objects.get(pk=returned.pk)
    assert sheet.status == "transcribed" and sheet.transcribed_at
    counts = get_counts(returned.petition_id)
    assert (counts.paper_tallied, counts.paper_transcribed, counts.total) == (0, 2, 2)
    assert "≠ tally" in html


def test_complete_sheet_cannot_change(client, typist, returned):
    client.post(url(returned, "rows/1"), row(1))
    client.post(url(returned, "complete"))
    response = client.post(url(returned, "rows/2"), row(2), follow=True)
    assert "is marked complete" in response.content.decode()
    response = client.post(url(returned, "rows/1/undo"), follow=True)
    assert "is marked complete" in response.content.decode()
    assert Signature.objects.count() == 1


def test_undo_takes_back_a_row_typed_in_error(client, typist, returned):
    client.post(url(returned, "rows/1"), row(1))
    client.post(url(returned, "rows/1/undo"))
    assert not Signature.objects.exists() and not Consent.objects.exists()
    assert AuditEvent.objects.filter(action="erase").count() == 1


def test_volunteer_sees_only_the_rows_they_typed(client, typist, organiser, returned):
    client.force_login(organiser)
    client.post(url(returned, "rows/1"), row(1, name="Organiser Typed"))
    client.force_login(typist)
    html = client.get(url(returned)).content.decode()
    assert "Organiser Typed" not in html and "Saved by another person" in html


def test_volunteer_cannot_see_signer_lists_or_scans(client, typist, returned):
    assert client.get("/organise/petitions/1500/paper/scans/").status_code == 404


def test_more_rows_typed_than_the_tally_is_shown_while_typing(client, typist, returned):
    for n in range(1, 5):
        client.post(url(returned, f"rows/{n}"), row(n, name=f"Person {n}"))
    html = client.get(url(returned)).content.decode()
    assert "The tally is 3 but 4 signed rows are typed. Check the sheet." in html


def test_someone_who_objected_and_then_ticks_email_on_paper_is_still_never_emailed(
    client, typist, returned, petition
):
    from signme.people.contact import email_recipients, may_contact
    from signme.people.suppression import suppress

    suppress(petition.organisation, "objected", email="mary@example.org")
    client.post(url(returned, "rows/1"), row(1, email="Mary@Example.org", tick_email="on"))
    client.post(url(returned, "complete"))
    assert Signature.objects.get().status == "verified"  # the signature itself counts
    assert not may_contact(petition.organisation, "mary@example.org", "email")
    assert list(email_recipients(petition)) == []
    assert not OutboundEmail.objects.exists()
