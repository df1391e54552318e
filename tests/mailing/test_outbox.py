"""The outbox, delivered to a real SMTP server on loopback."""

import re
import threading

from django.db import connections

from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import claim_batch, deliver_all, deliver_batch, queue_email
from signme.petitions.links import read_confirm_token
from signme.petitions.models import Signature
from tests.conftest import settle_verified


def test_confirmation_email_is_delivered_with_a_working_link(client, sign, smtp):
    sign()
    assert deliver_all() == 1
    [msg] = smtp.mailbox.wait_for(1)
    assert msg["To"] == "sian.evans@example.org"
    assert "Confirm your signature" in msg["Subject"]
    text = msg.get_body(("plain",)).get_content()
    # The token carries the second it was made: read it back, don't remake it.
    [token] = re.findall(r"/confirm/(\S+)", text)
    assert read_confirm_token(token) == Signature.objects.get().pk
    assert msg.get_body(("html",)) is not None
    assert "Published and promoted by" in text
    row = OutboundEmail.objects.get()
    assert row.sent_at is not None and row.message_id == msg["Message-ID"]


def test_while_the_mail_server_is_down_emails_wait_then_go_once(sign, smtp):
    smtp.stop()
    sign()
    assert deliver_batch("w1") == 0
    row = OutboundEmail.objects.get()
    assert row.sent_at is None and row.attempts == 1 and row.claimed_by == ""
    assert row.last_error.startswith("connection")

    smtp.start()
    OutboundEmail.objects.update(send_after=row.created_at)  # the backoff has passed
    assert deliver_all() == 1
    assert deliver_all() == 0
    assert len(smtp.mailbox.wait_for(1)) == 1
    assert smtp.mailbox.received() == smtp.mailbox.messages[:1]


def test_two_workers_never_claim_the_same_email(transactional_db, petition):
    for i in range(40):
        queue_email("custom", f"p{i}@example.org", subject="s", text="t")
    claimed = {}

    def work(name):
        claimed[name] = [row.pk for row in claim_batch(name, limit=40)]

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a, b = set(claimed["w0"]), set(claimed["w1"])
    assert not (a & b)
    assert len(a | b) == 40


def test_an_email_is_not_sent_once_its_signer_has_confirmed(sign, smtp):
    sign()
    settle_verified(Signature.objects.all())
    deliver_all()
    assert smtp.mailbox.received() == []
    assert OutboundEmail.objects.get().sent_at is not None  # done with, not retried


def test_a_refused_recipient_does_not_hold_up_the_others(petition, smtp, settings):
    queue_email("custom", "good@example.org", subject="one", text="t")
    queue_email("custom", "refused@example.org", subject="two", text="t")
    queue_email("custom", "also.good@example.org", subject="three", text="t")
    assert deliver_all() == 2
    assert {m["Subject"] for m in smtp.mailbox.wait_for(2)} == {"one", "three"}
    refused = OutboundEmail.objects.get(subject="two")
    assert refused.sent_at is None and refused.attempts == 1 and "refused" in refused.last_error


def test_several_workers_sending_at_once_send_each_email_exactly_once(
    transactional_db, petition, smtp
):
    for i in range(60):
        queue_email("custom", f"p{i}@example.org", subject=f"s{i}", text="t")
    sent = {}

    def work(name):
        try:
            sent[name] = 0
            while n := deliver_batch(name, limit=7):
                sent[name] += n
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sent.values()) == 60
    received = smtp.mailbox.wait_for(60)
    assert sorted(m["Subject"] for m in received) == sorted(f"s{i}" for i in range(60))
    assert not OutboundEmail.objects.filter(sent_at=None).exists()
