"""Organisers' updates: written, previewed, tested, sent once per person."""

import pytest

from signme.mailing.bulk import finish_sent_campaigns, progress
from signme.mailing.models import Campaign, OutboundEmail
from signme.mailing.outbox import deliver_all
from signme.people.preferences import stop_contact
from signme.petitions.models import Signature
from signme.updates.campaigns import fan_out


@pytest.fixture
def staff(client, organiser):
    client.force_login(organiser)
    return client


def _write(staff, subject="News from County Hall", body="We **handed in** the petition."):
    response = staff.post(
        "/organise/petitions/1500/emails/new", {"subject": subject, "body": body}
    )
    return response


def _send(staff, campaign):
    return staff.post(f"/organise/petitions/1500/emails/{campaign.pk}/send", {"confirm": "yes"})


def test_an_update_reaches_each_consenting_signer_once_with_sender_imprint_and_unsubscribe(
    staff, signer, smtp, petition
):
    signer("a@example.org")
    signer("b@example.org")
    signer("no@example.org", consent=False)
    response = _write(staff)
    campaign = Campaign.objects.get()
    assert response.status_code == 303
    page = staff.get(f"/organise/petitions/1500/emails/{campaign.pk}/")
    assert b"handed in" in page.content and b"<strong>2</strong> people" in page.content

    assert _send(staff, campaign).status_code == 303
    fan_out("w")
    assert deliver_all() == 2
    messages = smtp.mailbox.wait_for(2)
    assert sorted(m["To"] for m in messages) == ["a@example.org", "b@example.org"]
    msg = messages[0]
    assert petition.organisation.name in msg["From"]
    unsubscribe = str(msg["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<http") and "/unsubscribe/" in unsubscribe
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = msg.get_body(("plain",)).get_content()
    assert "Published and promoted by" in text and petition.organisation.address in text
    assert "<strong>handed in</strong>" in msg.get_body(("html",)).get_content()
    finish_sent_campaigns()
    campaign.refresh_from_db()
    assert campaign.status == "sent" and campaign.recipients == 2


def test_a_double_click_on_send_queues_nobody_twice(staff, signer):
    signer("a@example.org")
    _write(staff)
    campaign = Campaign.objects.get()
    _send(staff, campaign)
    response = _send(staff, campaign)
    assert response.status_code == 303
    fan_out("w1")
    fan_out("w2")
    assert OutboundEmail.objects.filter(campaign=campaign, kind="organiser_update").count() == 1


def test_a_fan_out_restarted_after_a_crash_queues_nobody_twice(staff, signer, settings):
    for i in range(5):
        signer(f"p{i}@example.org")
    _write(staff)
    campaign = Campaign.objects.get()
    _send(staff, campaign)
    fan_out("dies", budget=3)
    # As if the worker died after queuing rows but before saving its place.
    Campaign.objects.filter(pk=campaign.pk).update(
        fanout_after=0, fanout_claimed_by="dies", fanout_claimed_at=campaign.created_at
    )
    settings.EMAIL_CLAIM_TIMEOUT = 0
    fan_out("next")
    rows = OutboundEmail.objects.filter(campaign=campaign, kind="organiser_update")
    assert rows.count() == 5
    assert rows.values("recipient_key").distinct().count() == 5
    campaign.refresh_from_db()
    assert campaign.status == "sending" and campaign.recipients == 5


def test_someone_who_unsubscribes_after_queuing_is_not_sent_the_update(staff, signer, smtp):
    keep, leave = signer("a@example.org"), signer("b@example.org")
    _write(staff)
    campaign = Campaign.objects.get()
    _send(staff, campaign)
    fan_out("w")
    stop_contact(leave, ["email"], mechanism="unsubscribe")
    assert deliver_all() == 1
    [msg] = smtp.mailbox.wait_for(1)
    assert msg["To"] == keep.email
    assert progress(campaign)["skipped"] == 1


def test_a_test_email_goes_only_to_the_organiser(staff, signer, smtp, organiser):
    signer("a@example.org")
    _write(staff)
    campaign = Campaign.objects.get()
    staff.post(f"/organise/petitions/1500/emails/{campaign.pk}/test")
    assert deliver_all() == 1
    [msg] = smtp.mailbox.wait_for(1)
    assert msg["To"] == organiser.email and msg["Subject"].startswith("[Test]")
    campaign.refresh_from_db()
    assert campaign.status == "draft" and campaign.test_sent_at is not None


def test_an_update_without_a_subject_is_refused_and_nothing_is_stored(staff):
    response = _write(staff, subject="  ", body="text")
    assert response.status_code == 400
    assert b"Enter a subject." in response.content
    assert not Campaign.objects.exists()


def test_sending_without_ticking_the_box_sends_nothing(staff, signer):
    signer("a@example.org")
    _write(staff)
    campaign = Campaign.objects.get()
    staff.post(f"/organise/petitions/1500/emails/{campaign.pk}/send")
    campaign.refresh_from_db()
    assert campaign.status == "draft"
    fan_out("w")
    assert not OutboundEmail.objects.filter(campaign=campaign).exists()


def test_a_sent_update_cannot_be_edited(staff, signer):
    _write(staff)
    campaign = Campaign.objects.get()
    _send(staff, campaign)
    staff.post(
        f"/organise/petitions/1500/emails/{campaign.pk}/edit", {"subject": "x", "body": "changed"}
    )
    campaign.refresh_from_db()
    assert campaign.body == "We **handed in** the petition."


@pytest.mark.parametrize("who", ["volunteer", "outsider"])
def test_volunteers_and_outsiders_get_404(client, request, who, organiser):
    user = request.getfixturevalue(who)
    campaign = Campaign.objects.create(
        petition_id=organiser.organisations.get().petition_set.get().pk, subject="s", body="b"
    )
    client.force_login(user)
    for url in ["", "new", f"{campaign.pk}/"]:
        assert client.get(f"/organise/petitions/1500/emails/{url}").status_code == 404
    client.post(f"/organise/petitions/1500/emails/{campaign.pk}/send", {"confirm": "yes"})
    campaign.refresh_from_db()
    assert campaign.status == "draft"


def test_the_list_and_the_progress_page_show_how_far_sending_got(staff, signer):
    signer("a@example.org")
    _write(staff)
    campaign = Campaign.objects.get()
    _send(staff, campaign)
    fan_out("w")
    listing = staff.get("/organise/petitions/1500/emails/")
    assert listing.status_code == 200 and b"News from County Hall" in listing.content
    page = staff.get(f"/organise/petitions/1500/emails/{campaign.pk}/")
    assert b"Progress" in page.content and b'http-equiv="refresh"' in page.content


def test_welsh_signers_are_previewed_and_tested_with_their_own_footer(
    staff, signer, smtp, organiser
):
    """What SignMe adds around the organiser's words is in each signer's
    language: the page shows both, and a test goes out in each."""
    signer("a@example.org")
    Signature.objects.filter(pk=signer("b@example.org").pk).update(language="cy")
    _write(staff)
    campaign = Campaign.objects.get()
    page = staff.get(f"/organise/petitions/1500/emails/{campaign.pk}/").content.decode()
    assert "<h4>To those who signed in English</h4>" in page
    assert "<h4>To those who signed in Welsh</h4>" in page
    welsh = page.split("<h4>To those who signed in Welsh</h4>", 1)[1]
    assert '<pre class="email-text" lang="cy">' in welsh
    assert "Atal y negeseuon e-bost hyn: (eu dolen dad-danysgrifio eu hunain)" in welsh
    assert "Stop these emails: (their own unsubscribe link)" in page.split("<h4>To those")[1]

    response = staff.post(f"/organise/petitions/1500/emails/{campaign.pk}/test", follow=True)
    assert "Two tests are on their way to organiser@example.org" in response.content.decode()
    assert deliver_all() == 2
    by_subject = {m["Subject"]: m for m in smtp.mailbox.wait_for(2)}
    assert set(by_subject) == {"[Test] News from County Hall", "[Prawf] News from County Hall"}
    prawf = by_subject["[Prawf] News from County Hall"].get_body(("plain",)).get_content()
    assert "PRAWF YW HWN" in prawf and "handed in" in prawf
    assert all(m["To"] == organiser.email for m in by_subject.values())
    campaign.refresh_from_db()
    assert campaign.status == "draft"  # a test sends nothing to signers


def test_with_only_english_signers_there_is_one_preview_and_one_test(staff, signer, smtp):
    signer("a@example.org")
    _write(staff)
    campaign = Campaign.objects.get()
    page = staff.get(f"/organise/petitions/1500/emails/{campaign.pk}/").content.decode()
    assert "To those who signed in" not in page and page.count('class="email-text"') == 1
    staff.post(f"/organise/petitions/1500/emails/{campaign.pk}/test")
    assert deliver_all() == 1


def test_a_welsh_signature_not_yet_confirmed_adds_no_welsh_preview(staff, sign, signer):
    signer("a@example.org")
    sign(email="c@example.org")  # waiting for its confirmation
    Signature.objects.filter(email="c@example.org").update(language="cy")
    _write(staff)
    campaign = Campaign.objects.get()
    page = staff.get(f"/organise/petitions/1500/emails/{campaign.pk}/").content.decode()
    assert "To those who signed in Welsh" not in page
