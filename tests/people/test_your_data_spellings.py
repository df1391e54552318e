"""/your-data/ with another spelling of the address a signer signed with."""

import re

import pytest

from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import deliver_all
from signme.people.suppression import is_suppressed

SPELLINGS = [
    ("x@ｇｍａｉｌ.com", "x@gmail.com"),
    ("x@gmail.com", "X@ＧＭＡＩＬ.ＣＯＭ"),
    ("y@bücher.de", "y@xn--bcher-kva.de"),
    ("y@xn--bcher-kva.de", "y@Bücher.de"),
]


def _link(smtp, n=1):
    msg = smtp.mailbox.wait_for(n)[n - 1]
    text = msg.get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/your-data/\S+)", text).group(1)


@pytest.mark.parametrize("signed_with, asked_with", SPELLINGS)
def test_erasure_asked_with_one_spelling_erases_the_signature_made_with_the_other(
    client, signer, smtp, petition, signed_with, asked_with
):
    s = signer(email=signed_with)
    client.post("/your-data/", {"email": asked_with})
    deliver_all()
    link = _link(smtp)
    assert "Siân Evans".encode() in client.get(link).content
    assert client.post(link + "/erase", {"confirm": "on"}).status_code == 303
    s.refresh_from_db()
    assert s.erased_at is not None
    assert (s.name, s.email, s.email_canonical) == ("", "", "")
    for spelling in (signed_with, asked_with):
        assert is_suppressed(petition.organisation, email=spelling)


def test_erasure_removes_the_links_asked_for_under_every_spelling(client, signer, smtp):
    signer(email="y@bücher.de")
    client.post("/your-data/", {"email": "y@xn--bcher-kva.de"})
    client.post("/your-data/", {"email": "Y@BÜCHER.DE"})
    deliver_all()
    assert OutboundEmail.objects.filter(kind="rights_link").count() == 2
    client.post(_link(smtp) + "/erase", {"confirm": "on"})
    assert not OutboundEmail.objects.filter(kind="rights_link").exists()
