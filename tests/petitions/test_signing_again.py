"""Signing again with an address that already signed: the same answer and the
same work as a first signature, so neither tells whether an address signed.
What the person then gets is decided when the email would be sent."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import deliver_all
from signme.people.rights import erase_signatures
from signme.petitions.links import read_confirm_token
from signme.petitions.models import Consent, Signature, SignatureIntake
from signme.petitions.signing import RESEND_AFTER, take_in
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
    assert len(smtp.mailbox.received()) == 1
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
    assert len(smtp.mailbox.received()) == 1


def test_while_the_first_link_waits_for_the_mail_server_a_repeat_sends_nothing_more(sign, smtp):
    smtp.stop()
    sign()
    deliver_all()  # the first is put back to wait, with a backoff
    smtp.start()
    sign()
    deliver_all()  # the second is due now, the first is not: it must not go instead
    OutboundEmail.objects.update(send_after=timezone.now())
    deliver_all()
    assert len(smtp.mailbox.received()) == 1


def test_a_confirmed_signer_who_signs_again_gets_nothing_and_the_row_is_closed(sign, smtp):
    sign()
    settle_verified(Signature.objects.all())
    OutboundEmail.objects.all().delete()
    assert sign().status_code == 303
    assert deliver_all() == 0
    assert smtp.mailbox.received() == []
    row = OutboundEmail.objects.get()
    assert row.sent_at is not None and row.message_id == ""


def test_signing_again_stores_no_second_signature_and_no_new_consents(sign):
    sign(consent_email="on")
    before = list(Consent.objects.values_list("id", "channel", "given"))
    sign(name="Someone Else", consent_sms="on", phone="07700 900123")
    assert list(Consent.objects.values_list("id", "channel", "given")) == before
    assert Signature.objects.get().name == "Siân Evans"


def rows_per_table() -> dict:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def added(before: dict, after: dict) -> dict:
    return {
        table: after[table] - before[table] for table in after if after[table] != before[table]
    }


@pytest.mark.parametrize("confirmed", [False, True], ids=["pending", "confirmed"])
def test_signing_again_does_the_same_work_as_signing_first(sign, confirmed):
    sign(email="earlier@example.org")
    if confirmed:
        settle_verified(Signature.objects.all())
    work = {}
    for kind, email in (("new", "new@example.org"), ("again", "earlier@example.org")):
        before = rows_per_table()
        with CaptureQueriesContext(connection) as queries:
            response = sign(email=email, worker=False)
        work[kind] = {
            "answer": (response.status_code, response["Location"], response.content),
            "statements": [shape(q["sql"]) for q in queries],
            "rows written": added(before, rows_per_table()),
        }
    assert work["again"] == work["new"]
    # One row, kept for the worker, which alone finds out who signed before.
    assert work["new"]["rows written"] == {"petitions.signatureintake": 1}


def test_the_worker_stores_the_first_and_only_queues_an_email_for_the_repeat(sign):
    sign(email="earlier@example.org", consent_email="on")
    stored = list(Signature.objects.values_list("pk", "name"))
    consents = Consent.objects.count()
    sign(email="new@example.org", worker=False)
    sign(email="Earlier@example.org", name="Someone Else", worker=False)
    assert take_in() == 2
    assert take_in() == 0  # taken once
    assert not SignatureIntake.objects.exists()
    assert Signature.objects.count() == 2
    assert Signature.objects.exclude(email="new@example.org").get().name == "Siân Evans"
    assert list(Signature.objects.filter(pk=stored[0][0]).values_list("pk", "name")) == stored
    assert Consent.objects.count() == consents + 4  # the new signer's answers only
    assert OutboundEmail.objects.filter(to="earlier@example.org").count() == 2


def test_erasing_a_signer_removes_the_emails_queued_by_signing_again(sign):
    sign()
    sign()
    erase_signatures(Signature.objects.all(), reason=None)
    assert not OutboundEmail.objects.exists()


def test_one_batch_with_the_same_address_twice_stores_the_first_and_queues_two_emails(sign):
    sign(email="twice@example.org", consent_email="on", worker=False)
    sign(email="other@example.org", worker=False)
    sign(email="Twice@example.org", name="Someone Else", worker=False)
    assert take_in() == 3  # one batch: three multi-row statements
    assert sorted(Signature.objects.values_list("email", "name")) == [
        ("other@example.org", "Siân Evans"),
        ("twice@example.org", "Siân Evans"),
    ]
    first = Signature.objects.get(email="twice@example.org")
    assert first.consents.get(channel="email").given  # the first form's answers
    assert Consent.objects.count() == 8
    assert OutboundEmail.objects.filter(to="twice@example.org", signature=first).count() == 2
    assert OutboundEmail.objects.filter(to="other@example.org").count() == 1
