"""Consent merges by rule, not by recency: a ticked box anywhere grants, only
an explicit act withdraws, and an unticked box changes nothing."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from signme.audit.models import AuditEvent
from signme.mailing.models import Campaign
from signme.mailing.outbox import deliver_all
from signme.paper.sheets import issue_sheets, log_return
from signme.people.contact import current_consents, email_recipients, may_contact
from signme.people.links import unsubscribe_token
from signme.people.models import Suppression
from signme.petitions.models import Consent, Petition, PrivacyNotice, Signature
from signme.updates.campaigns import fan_out

ALICE = "alice@example.org"


def _row(sheet, n, **ticks):
    data = {"name": "Alice Walker", "address": "12 Market Place, Holt", "postcode": "NR25 6BW",
            "email": ALICE, "phone": ""}  # fmt: skip
    data.update(ticks)
    return {f"r{n}-{k}": v for k, v in data.items()}


def _type_up_as_duplicate(client, volunteer, sheet, n=1, **ticks):
    """A volunteer types Alice's row; it looks like her online signature, so it
    is kept as a duplicate, counted once, for an organiser to review (the
    volunteer is not shown whom it matched)."""
    client.force_login(volunteer)
    url = f"/organise/petitions/1500/paper/sheets/{sheet.serial}/rows/{n}"
    data = _row(sheet, n, **ticks)
    assert client.post(url, data).status_code == 303
    return Signature.objects.get(source="paper", sheet=sheet, sheet_row=n)


def _returned_sheet(petition, organiser):
    sheet = issue_sheets(petition, 1, "Holt market stall", organiser)[0]
    return log_return(petition, sheet.serial, 3)


def _send_update(client, organiser, subject="News from County Hall"):
    client.force_login(organiser)
    client.post("/organise/petitions/1500/emails/new", {"subject": subject, "body": "We did it."})
    campaign = Campaign.objects.get(subject=subject)
    client.post(f"/organise/petitions/1500/emails/{campaign.pk}/send", {"confirm": "yes"})
    fan_out("w")
    return deliver_all()


def _unsubscribe_with_one_click(signature):
    response = Client(enforce_csrf_checks=True).post(
        f"/unsubscribe/{unsubscribe_token(signature.pk)}", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200


def _another_petition(petition, number=1501) -> Petition:
    other = Petition.objects.create(
        number=number,
        organisation=petition.organisation,
        target=petition.target,
        title="Keep the Holt library open",
        statement="keep the library in Holt open",
        status=Petition.Status.OPEN,
        opens_at=timezone.now(),
    )
    PrivacyNotice.publish(other, "We keep your details safe.")
    return other


@pytest.fixture
def alice(signer, petition, volunteer, organiser, client):
    """Alice ticked email online and confirmed; her row on a returned sheet,
    with no box ticked, was then typed up as a duplicate."""
    online = signer(ALICE, name="Alice Walker")
    sheet = _returned_sheet(petition, organiser)
    paper = _type_up_as_duplicate(client, volunteer, sheet)
    assert paper.status == "duplicate"
    assert not Consent.objects.filter(signature=paper, given=True).exists()
    return online


def test_an_unticked_paper_row_typed_after_alice_ticked_online_does_not_stop_her_updates(
    alice, client, organiser, petition, smtp
):
    latest = Consent.objects.filter(channel="email").latest("created_at", "id")
    assert latest.mechanism == "paper" and not latest.given  # what "latest wins" obeyed
    assert may_contact(petition.organisation, alice.email_canonical, "email")
    assert current_consents(petition.organisation, alice.email_canonical)["email"].mechanism == (
        "web"
    )
    assert _send_update(client, organiser) == 1
    [message] = smtp.mailbox.wait_for(1)
    assert message["To"] == ALICE


def test_an_unsubscribe_after_the_paper_row_still_wins(alice, client, organiser, petition, smtp):
    _unsubscribe_with_one_click(alice)
    assert not may_contact(petition.organisation, alice.email_canonical, "email")
    assert current_consents(petition.organisation, alice.email_canonical)["email"].mechanism == (
        "unsubscribe"
    )
    assert _send_update(client, organiser) == 0
    assert smtp.mailbox.received() == []


def test_a_new_tick_after_an_unsubscribe_grants_again(
    alice, client, organiser, petition, signer, smtp
):
    _unsubscribe_with_one_click(alice)
    other = _another_petition(petition)
    signer(ALICE, name="Alice Walker", number=other.number)  # ticks email and confirms
    deciding = current_consents(petition.organisation, alice.email_canonical)["email"]
    assert deciding.given and deciding.signature.petition == other
    assert deciding.notice == other.current_notice
    assert may_contact(petition.organisation, alice.email_canonical, "email")
    assert _send_update(client, organiser) == 1
    assert [m["To"] for m in smtp.mailbox.wait_for(1)] == [ALICE]


def test_signing_again_without_ticking_after_an_unsubscribe_does_not_grant(
    alice, petition, signer
):
    _unsubscribe_with_one_click(alice)
    other = _another_petition(petition)
    signer(ALICE, consent=False, number=other.number)
    assert not may_contact(petition.organisation, alice.email_canonical, "email")
    assert list(email_recipients(petition)) == []


def test_an_old_sheet_typed_up_after_an_unsubscribe_does_not_bring_them_back(
    client, signer, petition, volunteer, organiser
):
    """The tick was made in ink before the sheet came back, so possibly
    before the unsubscribe: it counts from when the sheet went out."""
    sheet = issue_sheets(petition, 1, "Holt market stall", organiser)[0]
    online = signer(ALICE, name="Alice Walker")
    _unsubscribe_with_one_click(online)
    log_return(petition, sheet.serial, 1)
    _type_up_as_duplicate(client, volunteer, sheet, tick_email="on")
    assert not may_contact(petition.organisation, online.email_canonical, "email")
    assert list(email_recipients(petition)) == []
    assert not current_consents(petition.organisation, online.email_canonical)["email"].given


def test_a_downloaded_sheet_typed_up_after_an_unsubscribe_does_not_bring_them_back(
    client, signer, petition, volunteer
):
    """A sheet printed from the public page has no issue date: its ink may be
    as old as the petition."""
    online = signer(ALICE, name="Alice Walker")
    _unsubscribe_with_one_click(online)
    sheet = log_return(petition, "", 1)
    assert sheet.downloaded
    _type_up_as_duplicate(client, volunteer, sheet, tick_email="on")
    assert not may_contact(petition.organisation, online.email_canonical, "email")
    assert list(email_recipients(petition)) == []


def test_a_sheet_issued_after_an_unsubscribe_with_her_tick_grants_again(
    client, signer, petition, volunteer, organiser
):
    online = signer(ALICE, name="Alice Walker")
    _unsubscribe_with_one_click(online)
    # Recorded a moment earlier, so the sheet is certainly issued after it.
    Consent.objects.filter(mechanism="unsubscribe").update(
        created_at=timezone.now() - timedelta(seconds=1)
    )
    Suppression.objects.update(created_at=timezone.now() - timedelta(seconds=1))
    sheet = _returned_sheet(petition, organiser)
    _type_up_as_duplicate(client, volunteer, sheet, tick_email="on")
    assert may_contact(petition.organisation, online.email_canonical, "email")
    assert [r.email for r in email_recipients(petition)] == [ALICE]


def test_an_objection_to_all_contact_holds_even_against_a_new_tick(client, petition, signer):
    online = signer(ALICE)
    client.post(f"/unsubscribe/{unsubscribe_token(online.pk)}", {"channel": "all"})
    other = _another_petition(petition)
    signer(ALICE, number=other.number)
    assert not may_contact(petition.organisation, online.email_canonical, "email")
    assert list(email_recipients(other)) == []


# --- Staff record a withdrawal someone sent in writing ------------------------

WITHDRAWAL = "/organise/requests/withdrawal"


def _stored():
    return (
        list(Consent.objects.order_by("id").values_list("id", "given", "mechanism")),
        list(Suppression.objects.values_list("digest", "channel", "reason")),
        AuditEvent.objects.count(),
    )


def test_an_organiser_records_a_signed_withdrawal(client, signer, organiser, petition):
    online = signer(ALICE, phone="07700 900123", consent_post="on")
    client.force_login(organiser)
    page = client.get("/organise/requests/")
    assert b"Record a withdrawal sent in writing" in page.content
    response = client.post(
        WITHDRAWAL, {"email": " Alice@Example.org ", "channels": ["email", "post"]}, follow=True
    )
    assert response.redirect_chain[-1][1] == 303
    html = response.content.decode()
    assert "Withdrawal recorded for the person who signed with that address" in html
    assert f"{petition.organisation.name}: 1 signature" in html
    assert "alice@example.org" not in html.lower()
    org = petition.organisation
    for channel in ("email", "post"):
        record = current_consents(org, online.email_canonical)[channel]
        assert (record.mechanism, record.given, record.recorded_by) == ("staff", False, organiser)
        assert not may_contact(org, online.email_canonical, channel)
    event = AuditEvent.objects.get(action="request", actor=organiser)
    assert event.subject == "signed withdrawal recorded by staff: email, post"
    assert "alice" not in event.subject.lower() and event.count == 1


def test_a_staff_withdrawal_shows_in_the_persons_data_as_recorded_by_staff(
    client, signer, organiser, smtp
):
    signer(ALICE)
    client.force_login(organiser)
    client.post(WITHDRAWAL, {"email": ALICE, "channels": ["email"]})
    link = _your_data_link(client, smtp)
    [org] = json.loads(client.get(link + "/data.json").content)["organisations"]
    staff = [c for c in org["consent_records"] if c["mechanism"] == "staff"]
    assert [(c["how"], c["effect"]) for c in staff] == [
        ("Recorded by the organisation's staff", "withdrew")
    ]
    assert org["contact_now"]["email"] is False
    assert org["contact_decided_by"]["email"]["mechanism"] == "staff"


def test_an_address_nobody_signed_with_is_reported_and_nothing_is_recorded(
    client, signer, organiser, petition
):
    signer(ALICE)
    before = _stored()
    client.force_login(organiser)
    response = client.post(
        WITHDRAWAL, {"email": "bob@example.org", "channels": ["email"]}, follow=True
    )
    html = response.content.decode()
    assert f"Nobody signed with that address in {petition.organisation.name}" in html
    assert _stored() == before


def test_another_organisations_organiser_finds_nobody_and_changes_nothing(
    client, signer, outsider, petition
):
    online = signer(ALICE)
    before = _stored()
    client.force_login(outsider)
    response = client.post(WITHDRAWAL, {"email": ALICE, "channels": ["email"]}, follow=True)
    html = response.content.decode()
    assert "Nobody signed with that address in Other Campaign" in html
    assert "Norfolk" not in html
    assert _stored() == before
    assert may_contact(petition.organisation, online.email_canonical, "email")


def test_volunteers_get_404_and_nothing_changes(client, signer, volunteer, petition):
    online = signer(ALICE)
    before = _stored()
    client.force_login(volunteer)
    assert client.post(WITHDRAWAL, {"email": ALICE, "channels": ["email"]}).status_code == 404
    assert client.get("/organise/requests/").status_code == 404
    assert _stored() == before
    assert may_contact(petition.organisation, online.email_canonical, "email")


def test_signed_out_visitors_are_sent_to_log_in_and_nothing_changes(client, signer):
    signer(ALICE)
    before = _stored()
    assert client.post(WITHDRAWAL, {"email": ALICE, "channels": ["email"]}).status_code == 302
    assert _stored() == before


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "", "channels": ["email"]}, "Enter the email address they signed with."),
        ({"email": "alice at example", "channels": ["email"]}, "in the right format"),
        ({"email": ALICE}, "Choose at least one way they asked you to stop."),
        ({"email": ALICE, "channels": ["pigeon"]}, "Select a valid choice"),
    ],
)
def test_bad_input_to_the_withdrawal_form_is_refused_and_nothing_changes(
    client, signer, organiser, petition, data, message
):
    online = signer(ALICE)
    before = _stored()
    client.force_login(organiser)
    response = client.post(WITHDRAWAL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert _stored() == before
    assert may_contact(petition.organisation, online.email_canonical, "email")


# --- What the person sees at /your-data/ --------------------------------------


def _your_data_link(client, smtp) -> str:
    """Alice asks at /your-data/ and opens the link she is emailed."""
    client.logout()
    client.post("/your-data/", {"email": ALICE})
    deliver_all()
    text = smtp.mailbox.wait_for(1)[0].get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/your-data/\S+)", text).group(1)


def test_your_data_says_how_each_answer_was_given_and_what_it_did(alice, client, smtp):
    _unsubscribe_with_one_click(alice)
    link = _your_data_link(client, smtp)
    [org] = json.loads(client.get(link + "/data.json").content)["organisations"]
    email = [(c["how"], c["given"], c["effect"]) for c in org["consent_records"]
             if c["channel"] == "email"]  # fmt: skip
    serial = Signature.objects.get(source="paper").sheet.serial
    assert email == [
        ("Box on the online form, petition 1500", True, "granted"),
        (f"Paper sheet {serial} row 1, typed up", False, "unticked"),
        ("Unsubscribe link in an email", False, "withdrew"),
    ]
    assert org["contact_now"]["email"] is False
    page = client.get(link).content.decode()
    assert "Unticked box: changes nothing" in page and "Withdrew" in page
    assert f"Paper sheet {serial} row 1, typed up" in page
    assert "Email: no (you withdrew: Unsubscribe link in an email" in page


def test_your_data_shows_which_tick_and_notice_contact_rests_on(alice, client, smtp):
    link = _your_data_link(client, smtp)
    page = client.get(link).content.decode()
    assert "Email: yes (you said yes: Box on the online form, petition 1500" in page
    assert "privacy notice PN-1500-v1" in page
    assert "Post: no</li>" in page
