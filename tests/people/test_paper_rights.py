"""A paper signer's rights: a request by name and postcode, checked by the
organisers, which tells a stranger nothing; erasure of their rows, noted in
the submission pack."""

import json

import pytest
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from signme.audit.models import AuditEvent
from signme.mailing.models import OutboundEmail
from signme.paper.sheets import issue_sheets, log_return
from signme.paper.transcription import complete, save_row
from signme.people.models import RightsRequest
from signme.people.rights import matching_signatures
from signme.petitions.counting import get_counts
from signme.petitions.models import Membership, Organisation, Petition, Signature
from signme.submissions.pack import build_pack, erased_row_notes, file_names, gather_facts

ASK = "/your-data/paper"
REQUESTS = "/organise/requests/"


@pytest.fixture
def paper_signer(petition, organiser):
    """Row 2 of sheet S1500-000001: Mary Brown of NR25 6BW, no email; the
    sheet typed up and complete."""
    sheet = issue_sheets(petition, 1, "Holt market stall")[0]
    log_return(petition, sheet.serial, 2)
    blank = {"email": "", "email_canonical": "", "phone": ""}
    save_row(sheet, 1, {"name": "John Smith", "address": "1 Church Lane, Holt",
                        "postcode": "NR25 6BW", **blank}, organiser)  # fmt: skip
    mary = save_row(sheet, 2, {"name": "Mary Brown", "address": "4 Church Lane, Holt",
                               "postcode": "NR25 6BW", **blank}, organiser)  # fmt: skip
    complete(sheet, organiser)
    return mary.signature


def ask(client, **overrides):
    data = {"name": "mary  BROWN", "postcode": "nr256bw", "address": "", "wants": "erase",
            "reply_to": "4 Church Lane, Holt NR25 6BW"}  # fmt: skip
    data.update(overrides)
    return client.post(ASK, data)


def test_a_signer_and_a_stranger_get_the_same_answer(client, paper_signer):
    signer = ask(client)
    stranger = ask(client, name="Nobody Here")
    assert signer.status_code == stranger.status_code == 303
    assert signer["Location"] == stranger["Location"] == "/your-data/paper-sent"
    page = client.get(signer["Location"]).content.decode()
    assert "We do not say here whether anything was found" in page
    # The signer's request waits for the organisers; the stranger's keeps nothing.
    routed = RightsRequest.objects.get(status="checking")
    assert routed.kind == "paper" and routed.name == "mary  BROWN"
    assert routed.postcode == "NR25 6BW"
    assert list(routed.organisations.all()) == [paper_signer.petition.organisation]
    unmatched = RightsRequest.objects.get(status="no_data")
    assert (unmatched.name, unmatched.postcode, unmatched.reply_to) == ("", "", "")
    assert not unmatched.organisations.exists()
    # Nothing is sent to anyone either way: the organisers answer.
    assert not OutboundEmail.objects.exists()


def test_a_bad_request_is_refused_clearly_and_nothing_is_stored(client, paper_signer):
    response = ask(client, postcode="XYZ 123", wants="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a UK postcode, like NR25 6BW." in html
    assert "Choose what you ask for." in html
    assert 'aria-describedby="id_postcode_error' in html or 'id="id_postcode_error"' in html
    assert not RightsRequest.objects.exists()


def test_matching_uses_normalised_name_and_postcode_and_the_house_number(petition, paper_signer):
    orgs = Organisation.objects.all()
    assert list(matching_signatures(orgs, name="MARY brown", postcode="nr25 6bw")) == [
        paper_signer
    ]
    assert list(matching_signatures(orgs, name="Mary Brown", postcode="NR25 6BW",
                                    address="4, Church Lane")) == [paper_signer]  # fmt: skip
    assert not matching_signatures(
        orgs, name="Mary Brown", postcode="NR25 6BW", address="9 Church Lane"
    ).exists()
    assert not matching_signatures(orgs, name="Mary Brown", postcode="NR25 6BX").exists()


def test_organiser_checks_and_erases_and_the_pack_explains_the_blank_row(
    client, organiser, petition, paper_signer, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    ask(client)
    req = RightsRequest.objects.get(status="checking")
    total = get_counts(petition.pk).total
    client.force_login(organiser)
    listing = client.get(REQUESTS).content.decode()
    assert f"/organise/requests/{req.pk}/" in listing and "m… at NR25 6BW" in listing
    page = client.get(f"{REQUESTS}{req.pk}/").content.decode()
    assert "Paper, sheet S1500-000001 row 2" in page and "4 Church Lane, Holt" in page
    assert "John Smith" not in page
    assert AuditEvent.objects.filter(action="view", subject__contains=f"request {req.pk}")
    response = client.post(f"{REQUESTS}{req.pk}/", {"decision": "erase"})
    assert response.status_code == 303
    paper_signer.refresh_from_db()
    assert paper_signer.erased_at and (paper_signer.name, paper_signer.address) == ("", "")
    req.refresh_from_db()
    assert req.status == "done" and (req.name, req.postcode, req.reply_to) == ("", "", "")
    assert "erasure: 1 signature(s) erased" in req.outcome
    assert AuditEvent.objects.get(action="erase").actor == organiser
    assert get_counts(petition.pk).total == total  # still counted
    facts = gather_facts(petition)
    assert erased_row_notes(facts) == ["Row 2 of S1500-000001: erased at the signer's request"]
    build_pack(petition, tmp_path / "pack", facts=facts)
    pdf = PdfReader(tmp_path / "pack" / file_names(petition)["pdf"])
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Row 2 of S1500-000001: erased at the signer's request" in text
    assert "1 paper row erased this way is named after the list" in text


def test_another_organisation_and_volunteers_never_see_the_request(
    client, paper_signer, outsider, volunteer
):
    ask(client)
    req = RightsRequest.objects.get(status="checking")
    client.force_login(outsider)
    assert f"/organise/requests/{req.pk}/" not in client.get(REQUESTS).content.decode()
    assert client.get(f"{REQUESTS}{req.pk}/").status_code == 404
    assert client.post(f"{REQUESTS}{req.pk}/", {"decision": "erase"}).status_code == 404
    assert client.get(f"{REQUESTS}{req.pk}/data.json").status_code == 404
    client.force_login(volunteer)
    assert client.get(f"{REQUESTS}{req.pk}/").status_code == 404
    paper_signer.refresh_from_db()
    assert paper_signer.erased_at is None and paper_signer.name == "Mary Brown"


def test_organiser_of_two_organisations_sees_only_the_signatures_of_the_one_asked(
    client, paper_signer, outsider
):
    # The outsider's petition has its own Mary Brown at the same postcode.
    other = Petition.objects.get(number=77)
    other_org = other.organisation
    Signature.objects.create(petition=other, name="Mary Brown", postcode="NR25 6BW",
                             address="4 Church Lane", notice=paper_signer.notice,
                             status="verified")  # fmt: skip
    ask(client)
    # One request, sent to both organisations that hold a Mary Brown there.
    req = RightsRequest.objects.get(status="checking")
    assert set(req.organisations.all()) == {paper_signer.petition.organisation, other_org}
    client.force_login(outsider)
    page = client.get(f"{REQUESTS}{req.pk}/").content.decode()
    assert "Petition" in page and ">77<" in page and ">1500<" not in page


def test_organiser_sends_a_copy_and_closes_the_request(client, organiser, paper_signer):
    ask(client, wants="access")
    req = RightsRequest.objects.get(status="checking")
    client.force_login(organiser)
    download = client.get(f"{REQUESTS}{req.pk}/data.json")
    data = json.loads(download.content)
    [record] = data["signatures"]
    assert (record["name"], record["sheet"], record["sheet_row"]) == (
        "Mary Brown", "S1500-000001", 2,
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="export", count=1).exists()
    client.post(f"{REQUESTS}{req.pk}/", {"decision": "answered"})
    req.refresh_from_db()
    assert req.status == "done" and req.name == "" and "their data was sent" in req.outcome
    paper_signer.refresh_from_db()
    assert paper_signer.name == "Mary Brown"  # access changes nothing held


def test_a_closed_request_cannot_be_acted_on_again(client, organiser, paper_signer):
    ask(client)
    req = RightsRequest.objects.get(status="checking")
    client.force_login(organiser)
    client.post(f"{REQUESTS}{req.pk}/", {"decision": "not_confirmed"})
    response = client.post(f"{REQUESTS}{req.pk}/", {"decision": "erase"})
    assert response.status_code == 303
    paper_signer.refresh_from_db()
    assert paper_signer.erased_at is None
    assert client.get(f"{REQUESTS}{req.pk}/data.json").status_code == 404


def test_a_letter_is_recorded_and_finds_the_signer_by_name_and_postcode(
    client, organiser, paper_signer
):
    client.force_login(organiser)
    response = client.post(
        REQUESTS + "letter",
        {"letter-name": "Mary Brown", "letter-postcode": "NR25 6BW", "letter-wants": "erase"},
    )
    assert response.status_code == 303
    req = RightsRequest.objects.get()
    assert req.kind == "paper" and req.status == "checking"
    assert "Paper, sheet S1500-000001 row 2" in client.get(response["Location"]).content.decode()


def test_a_letter_finds_an_online_signer_by_email(client, organiser, signer):
    online = signer(email="sian.evans@example.org")
    client.force_login(organiser)
    response = client.post(
        REQUESTS + "letter", {"letter-email": "Sian.Evans@example.org", "letter-wants": "access"}
    )
    page = client.get(response["Location"]).content.decode()
    assert online.name in page and "Online" in page


def test_a_letter_without_name_and_postcode_or_email_is_refused(client, organiser, petition):
    client.force_login(organiser)
    response = client.post(REQUESTS + "letter", {"letter-name": "Mary", "letter-wants": "erase"})
    assert response.status_code == 400
    assert "Enter their name and postcode, or the email address they signed with." in (
        response.content.decode()
    )
    assert not RightsRequest.objects.exists()


def test_volunteers_cannot_record_letters(client, petition):
    user = get_user_model().objects.create_user("v2@example.org", password="v-pass-12")
    Membership.objects.create(
        user=user, organisation=petition.organisation, role=Membership.Role.VOLUNTEER
    )
    client.force_login(user)
    response = client.post(
        REQUESTS + "letter",
        {"letter-name": "Mary Brown", "letter-postcode": "NR25 6BW", "letter-wants": "erase"},
    )
    assert response.status_code == 404
    assert not RightsRequest.objects.exists()
