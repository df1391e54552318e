"""The issue's demo path end to end, through the pages and a real SMTP server."""

import re

from django.test import Client

from signme.mailing.outbox import deliver_all
from signme.petitions.counting import compute_counts
from signme.petitions.models import Signature
from signme.updates.campaigns import fan_out


def _link(msg, pattern):
    text = msg.get_body(("plain",)).get_content()
    return re.search(pattern, text).group(1)


def test_consent_update_one_click_unsubscribe_access_and_erasure(
    client, sign, petition, organiser, smtp
):
    # A signer signs with the email box ticked and confirms.
    sign(email="sian.evans@example.org", consent_email="on")
    deliver_all()
    confirm = _link(smtp.mailbox.wait_for(1)[0], r"https?://[^/\s]+(/confirm/\S+)")
    client.post(confirm)
    assert Signature.objects.get().status == "verified"

    # The organiser writes and sends an update; the signer receives it.
    staff = Client()
    staff.force_login(organiser)
    staff.post(
        "/organise/petitions/1500/emails/new", {"subject": "Handed in", "body": "Thank you!"}
    )
    campaign = petition.campaigns.get()
    staff.post(f"/organise/petitions/1500/emails/{campaign.pk}/send", {"confirm": "yes"})
    fan_out("demo")
    deliver_all()
    update = smtp.mailbox.wait_for(2)[1]
    assert update["Subject"] == "Handed in"

    # One click in the mail program.
    url = str(update["List-Unsubscribe"]).strip().strip("<>")
    path = re.sub(r"^https?://[^/]+", "", url)
    assert (
        Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"}).status_code
        == 200
    )

    # Asks for their data, gets it, then asks for erasure.
    client.post("/your-data/", {"email": "sian.evans@example.org"})
    deliver_all()
    link = _link(smtp.mailbox.wait_for(3)[2], r"https?://[^/\s]+(/your-data/\S+)")
    data = client.get(link + "/data.json").json()
    assert data["organisations"][0]["contact_now"]["email"] is False
    count = compute_counts(petition.pk).total
    client.post(link + "/erase", {"confirm": "on"})
    assert Signature.objects.get().name == ""
    assert compute_counts(petition.pk).total == count == 1
