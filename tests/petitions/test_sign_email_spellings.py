"""Signing with another spelling of the same mailbox, and with an address no
mail can reach."""

import pytest

from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import deliver_all
from signme.petitions.models import Consent, Signature


def stored():
    return (
        list(Signature.objects.values_list("id", "name", "email", "email_canonical", "status")),
        Consent.objects.count(),
    )


@pytest.mark.parametrize(
    "first, second",
    [
        ("x@gmail.com", "x@ｇｍａｉｌ.com"),
        ("y@bücher.de", "y@xn--bcher-kva.de"),
        ("y@xn--bcher-kva.de", "Y@Bücher.de"),
    ],
)
def test_a_second_spelling_of_one_mailbox_is_not_a_second_signature(
    client, sign, smtp, first, second
):
    signed = sign(email=first)
    before = stored()
    again = sign(email=second, name="Someone Else")
    assert signed.status_code == again.status_code == 303
    assert signed["Location"] == again["Location"]  # the page does not tell
    assert b"Check your email" in client.get(again["Location"]).content
    assert stored() == before
    # Signing again queues the same work as signing first (so its timing
    # tells nothing); the worker then sends nothing more within ten minutes.
    assert set(OutboundEmail.objects.values_list("to", flat=True)) == {first}
    [signature] = Signature.objects.all()
    assert signature.email == first and signature.name == "Siân Evans"
    deliver_all()
    assert len(smtp.mailbox.received()) == 1  # one confirmation only


@pytest.mark.parametrize(
    "email",
    [
        "a@localhost",  # Django's validator lets this through
        "a@xn--zz.com",  # not a real A-label
        "a@ab--cd.com",  # hyphens where only A-labels may have them
        "a@[127.0.0.1]",
    ],
)
def test_an_address_no_mail_can_reach_is_refused_and_nothing_is_stored(sign, email):
    sign(email="first@example.org")  # already stored, and must not change
    before = stored()
    response = sign(email=email)
    assert response.status_code == 400
    assert "Enter an email address in the correct format, like name@example.com" in (
        response.content.decode()
    )
    assert stored() == before
