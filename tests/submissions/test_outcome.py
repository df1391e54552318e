from datetime import timedelta

import pytest
from django.utils import timezone

from signme.audit.models import AuditEvent
from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import deliver_all
from signme.petitions.models import Consent, Signature
from signme.submissions.models import Outcome
from signme.submissions.outcome import outcome_recipients

from .conftest import add_consent, add_signature

OUTCOME = "/organise/petitions/1500/outcome"


def test_recipients_are_verified_signers_whose_email_consent_stands(petition):
    yes = add_signature(petition, 1)
    add_consent(yes, True)
    no = add_signature(petition, 2)
    add_consent(no, False)
    withdrawn = add_signature(petition, 3)
    add_consent(withdrawn, True, at=timezone.now() - timedelta(days=2))
    unsubscribed = add_consent(withdrawn, False, at=timezone.now() - timedelta(days=1))
    Consent.objects.filter(pk=unsubscribed.pk).update(mechanism=Consent.Mechanism.UNSUBSCRIBE)
    pending = add_signature(petition, 4, status=Signature.Status.PENDING)
    add_consent(pending, True)
    erased = add_signature(petition, 5, erased_at=timezone.now())
    add_consent(erased, True)
    sms_only = add_signature(petition, 6)
    add_consent(sms_only, True, channel="sms")
    assert [r.signature_id for r in outcome_recipients(petition)] == [yes.pk]


def day_month_year(name: str, day, month, year) -> dict:
    return {f"{name}_0": str(day), f"{name}_1": str(month), f"{name}_2": str(year)}


@pytest.mark.parametrize(
    "parts, message",
    [
        (("", 11, 2026), "Date handed in must include a day"),
        ((2, "", ""), "Date handed in must include a month and a year"),
        ((31, 2, 2026), "Date handed in must be a real date, like 27 3 2026"),
        ((2, 11, 26), "Year must include 4 numbers"),
        (("2nd", 11, 2026), "Date handed in must be in numbers, like 27 3 2026"),
    ],
)
def test_a_date_missing_a_part_or_not_real_says_which_and_saves_nothing(
    client, organiser, petition, parts, message
):
    client.force_login(organiser)
    response = client.post(OUTCOME, day_month_year("submitted_on", *parts))
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<a href="#id_submitted_on_0">{message}</a>' in html
    assert 'for="id_submitted_on_1">Month</label>' in html
    assert not Outcome.objects.exists()


def test_outcome_is_shown_publicly_and_in_json(client, organiser, petition):
    client.force_login(organiser)
    response = client.post(
        OUTCOME,
        {
            **day_month_year("submitted_on", 2, 11, 2026),
            **day_month_year("acknowledged_on", 4, 11, 2026),
            "acknowledgement": "Received by Democratic Services.",
            **day_month_year("response_on", 16, 11, 2026),
            "response": "The council will review the proposals.",
            **day_month_year("debate_on", "", "", ""),
            "debate": "",
        },
    )
    assert response.status_code == 303
    client.logout()
    html = client.get("/petitions/1500/").content.decode()
    assert "Handed in</dt><dd>2 November 2026" in html
    assert "The council will review the proposals." in html
    data = client.get("/petitions/1500.json").json()
    assert data["outcome"]["submitted_on"] == "2026-11-02"
    assert data["outcome"]["response"] == "The council will review the proposals."
    assert data["outcome"]["debate_on"] is None


def test_petition_json_has_no_outcome_before_one_is_recorded(client, petition):
    assert client.get("/petitions/1500.json").json()["outcome"] is None


def test_dates_out_of_order_are_refused_and_nothing_is_saved(client, organiser, petition):
    client.force_login(organiser)
    response = client.post(
        OUTCOME,
        {
            **day_month_year("submitted_on", 10, 11, 2026),
            **day_month_year("acknowledged_on", 1, 11, 2026),
            "response": "Yes",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "This date is before the step that comes before it" in html
    assert "Enter the date of the response" in html
    assert not Outcome.objects.exists()


def test_signers_who_asked_for_updates_are_emailed_the_outcome_once(
    client, organiser, petition, smtp
):
    yes = add_signature(petition, 1, name="Siân Evans")
    add_consent(yes, True)
    no = add_signature(petition, 2)
    add_consent(no, False)
    Outcome.objects.create(petition=petition, submitted_on="2026-11-02")
    client.force_login(organiser)
    response = client.post(OUTCOME + "/tell")
    assert response.status_code == 303
    assert OutboundEmail.objects.filter(kind="petition_outcome").count() == 1
    again = client.post(OUTCOME + "/tell", follow=True)
    assert "There is no news to send" in again.content.decode()
    assert OutboundEmail.objects.filter(kind="petition_outcome").count() == 1
    assert AuditEvent.objects.filter(action="send", count=1).exists()
    deliver_all()
    (message,) = smtp.mailbox.wait_for(1)
    assert message["To"] == "signer1@example.org"
    body = message.get_body(("plain",)).get_content()
    assert "Dear Siân Evans" in body and "Handed in on 2 November 2026." in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in message["List-Unsubscribe"]
    assert petition.organisation.name in message["From"]


def test_someone_who_unsubscribed_is_not_told_the_outcome(client, organiser, petition, smtp):
    from signme.people.links import read_unsubscribe_token, unsubscribe_token

    gone = add_signature(petition, 1)
    add_consent(gone, True)
    token = unsubscribe_token(gone.pk)
    assert read_unsubscribe_token(token) == gone.pk
    client.post(f"/unsubscribe/{token}", {"List-Unsubscribe": "One-Click"})
    Outcome.objects.create(petition=petition, submitted_on="2026-11-02")
    client.force_login(organiser)
    client.post(OUTCOME + "/tell")
    assert not OutboundEmail.objects.filter(kind="petition_outcome").exists()
    deliver_all()
    assert smtp.mailbox.received() == []


def test_a_signer_erased_before_sending_gets_nothing(client, organiser, petition, smtp):
    yes = add_signature(petition, 1)
    add_consent(yes, True)
    Outcome.objects.create(petition=petition, submitted_on="2026-11-02")
    client.force_login(organiser)
    client.post(OUTCOME + "/tell")
    Signature.objects.filter(pk=yes.pk).update(erased_at=timezone.now())
    deliver_all()
    assert smtp.mailbox.received() == []
