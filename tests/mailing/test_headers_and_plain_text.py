"""What a signer sees in a subject line, the text part and the From line:
the words as typed, with only the HTML part escaped, and headers that stay
valid whatever an organisation calls itself."""

import pytest

from signme.mailing.models import Campaign, OutboundEmail
from signme.mailing.outbox import deliver_all
from signme.updates.campaigns import fan_out

TITLE = "Save Children's Centres <b>now</b> & for good"


@pytest.fixture
def staff(client, organiser):
    client.force_login(organiser)
    return client


def test_a_title_with_an_apostrophe_and_markup_reads_as_typed_in_the_subject_and_text(
    sign, smtp, petition
):
    petition.title = TITLE
    petition.save()
    sign()
    assert deliver_all() == 1
    [msg] = smtp.mailbox.wait_for(1)
    assert msg["Subject"] == f"Confirm your signature: {TITLE}"
    text = msg.get_body(("plain",)).get_content()
    assert f'the petition "{TITLE}"' in text
    assert "&#x27;" not in text and "&lt;" not in text and "&amp;" not in text
    html = msg.get_body(("html",)).get_content()
    assert "Save Children&#x27;s Centres &lt;b&gt;now&lt;/b&gt; &amp; for good" in html
    assert "<b>now</b>" not in html


def test_an_organisation_name_with_an_ampersand_is_not_escaped_in_the_rights_email_subject(
    client, signer, smtp, petition
):
    signer()
    petition.organisation.name = "Holt & District <Friends>"
    petition.organisation.save()
    client.post("/your-data/", {"email": "sian.evans@example.org"})
    assert deliver_all() == 1
    [msg] = smtp.mailbox.wait_for(1)
    assert msg["Subject"] == "Your data held by Holt & District <Friends>"


def test_an_update_from_an_organisation_with_a_line_break_in_its_name_is_delivered(
    staff, signer, smtp, petition
):
    signer("a@example.org")
    organisation = petition.organisation
    organisation.name = "Friends of\r\nHolt"
    organisation.email = "hello@friends.example\r\n"
    organisation.save()
    staff.post(
        "/organise/petitions/1500/emails/new",
        {"subject": "News from County Hall", "body": "We handed it in."},
    )
    campaign = Campaign.objects.get()
    staff.post(f"/organise/petitions/1500/emails/{campaign.pk}/send", {"confirm": "yes"})
    fan_out("w")
    assert deliver_all() == 1
    [msg] = smtp.mailbox.wait_for(1)
    assert msg["To"] == "a@example.org"
    assert msg["From"].addresses[0].display_name == "Friends of Holt"
    assert str(msg["Reply-To"]) == "hello@friends.example"
    row = OutboundEmail.objects.get(campaign=campaign)
    assert row.sent_at is not None and row.failed_at is None and row.last_error == ""
