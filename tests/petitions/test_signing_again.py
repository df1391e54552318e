"""Signing again with an address that already signed: the same answer and the
same work as a first signature, so neither tells whether an address signed.
What the person then gets is decided when the email would be sent."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import deliver_all
from signme.people.rights import erase_signatures
from signme.petitions.links import read_confirm_token
from signme.petitions.models import Consent, Signature
from signme.petitions.signing import RESEND_AFTER
from tests.conftest import settle_verified


def links(messages) -> list[str]:
    return [
        re.search(r"/confirm/(\S+)", m.get_body(("plain",)).get_content()).group(1)
        for m in messages
    ]


def shape(sql: str) -> str:
    """A statement with its values and savepoint names taken out: what the
    database is asked to do."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r'"s\d+_x\d+"', "savepoint", sql)
    sql = re.sub(r"\b(?:NULL|None|True|False|true|false)\b", "?", sql)
    return re.sub(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b", "?", sql)


def test_a_pending_signer_who_signs_again_gets_no_second_link_within_ten_minutes(sign, smtp):
    sign()
    assert deliver_all() == 1
    sign()
    sign()
    deliver_all()
    assert len(smtp.mailbox.wait_for(2, timeout=0.5)) == 1
    assert Signature.objects.count() == 1


def test_a_pending_signer_who_signs_again_later_gets_a_fresh_link_that_works(client, sign, smtp):
    sign()
    deliver_all()
    OutboundEmail.objects.update(sent_at=timezone.now() - RESEND_AFTER - timedelta(seconds=1))
    sign(email="Sian.Evans@example.org")  # the same mailbox, spelled differently
    assert deliver_all() == 1
    first, second = smtp.mailbox.wait_for(2)
    assert second["To"] == "sian.evans@example.org"  # the address that signed
    signature = Signature.objects.get()
    assert read_confirm_token(links([second])[0]) == signature.pk
    assert client.post(f"/confirm/{links([second])[0]}").status_code == 303
    signature.refresh_from_db()
    assert signature.status == Signature.Status.VERIFIED


def test_signing_again_before_the_first_email_went_sends_one_link(sign, smtp):
    sign()
    sign()
    assert deliver_all() == 1
    assert len(smtp.mailbox.wait_for(2, timeout=0.5)) == 1


def test_while_the_first_link_waits_for_the_mail_server_a_repeat_sends_nothing_more(sign, smtp):
    smtp.stop()
    sign()
    deliver_all()  # the first is put back to wait, with a backoff
    smtp.start()
    sign()
    deliver_all()  # the second is due now, the first is not: it must not go instead
    OutboundEmail.objects.update(send_after=timezone.now())
    deliver_all()
    assert len(smtp.mailbox.wait_for(2, timeout=0.5)) == 1


def test_a_confirmed_signer_who_signs_again_gets_nothing_and_the_row_is_closed(sign, smtp):
    sign()
    settle_verified(Signature.objects.all())
    OutboundEmail.objects.all().delete()
    assert sign().status_code == 303
    assert deliver_all() == 0
    assert smtp.mailbox.wait_for(1, timeout=0.5) == []
    row = OutboundEmail.objects.get()
    assert row.sent_at is not None and row.message_id == ""


def test_signing_again_stores_no_second_signature_and_no_new_consents(sign):
    sign(consent_email="on")
    before = list(Consent.objects.values_list("id", "channel", "given"))
    sign(name="Someone Else", consent_sms="on", phone="07700 900123")
    assert list(Consent.objects.values_list("id", "channel", "given")) == before
    assert Signature.objects.get().name == "Siân Evans"


@pytest.mark.parametrize("confirmed", [False, True], ids=["pending", "confirmed"])
def test_signing_again_runs_the_same_statements_as_signing_first(sign, confirmed):
    sign(email="earlier@example.org")
    if confirmed:
        settle_verified(Signature.objects.all())
    with CaptureQueriesContext(connection) as new:
        first = sign(email="new@example.org")
    with CaptureQueriesContext(connection) as again:
        repeat = sign(email="earlier@example.org")
    assert first.status_code == repeat.status_code == 303
    assert first["Location"] == repeat["Location"] and first.content == repeat.content
    assert [shape(q["sql"]) for q in again] == [shape(q["sql"]) for q in new]


def test_erasing_a_signer_removes_the_emails_queued_by_signing_again(sign):
    sign()
    sign()
    erase_signatures(Signature.objects.all(), reason=None)
    assert not OutboundEmail.objects.exists()
