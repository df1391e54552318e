"""/dev/outbox/: the demo's readable copy of every email."""

from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import deliver_all
from signme.petitions.links import confirm_token
from signme.petitions.models import Signature
from tests.conftest import settle_verified


def test_a_delivered_email_whose_link_was_used_is_not_called_withdrawn(
    client, sign, smtp, settings
):
    settings.DEMO = True
    sign()
    deliver_all()
    client.post(f"/confirm/{confirm_token(Signature.objects.get())}")
    row = OutboundEmail.objects.get()

    listing = client.get("/dev/outbox/").content.decode()
    assert "(no longer shown)" in listing and "withdrawn" not in listing
    page = client.get(f"/dev/outbox/{row.pk}/").content.decode()
    assert "This email was delivered to sian.evans@example.org" in page
    assert "Withdrawn" not in page


def test_an_unsent_email_no_longer_needed_is_withdrawn(client, sign, settings):
    settings.DEMO = True
    sign()
    settle_verified(Signature.objects.all())
    assert "(withdrawn)" in client.get("/dev/outbox/").content.decode()
