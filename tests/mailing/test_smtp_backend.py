"""The SMTP backend that marks an email sent before the server may keep it,
against a real SMTP server on loopback."""

import smtplib
import socket

import pytest
from django.core.mail import EmailMessage
from django.db import connections

from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import deliver_all, deliver_batch, queue_email
from signme.mailing.smtp import CommitDeclined, EmailBackend

ACCEPTED = "the server has the whole message"


class Recording:
    """Wraps the test server's handler: notes when a whole message (final dot
    included) reached the server, and can refuse senders, reject messages or
    drop the connection after the final dot."""

    def __init__(self, inner):
        self.inner = inner
        self.events = []
        self.data_reply = None
        self.hang_up_after_data = False
        self.on_rcpt = self.on_data = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        return await self.inner.handle_EHLO(server, session, envelope, hostname, responses)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address.startswith("banned"):
            return "553 5.7.1 Sender not allowed"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.on_rcpt:
            self.on_rcpt()
        return await self.inner.handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        self.events.append(ACCEPTED)
        if self.on_data:
            self.on_data()
        if self.hang_up_after_data:
            server.transport.close()
        if self.data_reply:
            return self.data_reply
        return await self.inner.handle_DATA(server, session, envelope)


@pytest.fixture
def server(smtp):
    """The conftest SMTP server, its handler wrapped so each test can watch it."""
    smtp.controller.handler = Recording(smtp.controller.handler)
    smtp.handler = smtp.controller.handler
    return smtp


class Commit:
    def __init__(self, server, answer=True):
        self.server, self.answer = server, answer
        self.calls = 0
        self.messages_at_server = None

    def __call__(self):
        self.calls += 1
        self.server.handler.events.append("commit")
        # Had the final dot gone out already, the message would be here by now.
        self.messages_at_server = len(self.server.mailbox.wait_for(1, timeout=0.05))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def message(to="sian.evans@example.org", **kwargs) -> EmailMessage:
    fields = {
        "subject": "Confirm your signature",
        "body": "Hello Siân,\n.\n.leading dot\n..two dots\nend\n",
        "from_email": "SignMe <petitions@example.org>",
        "to": [to] if to else [],
        "headers": {"Message-ID": "<signme.1.20261001@example.org>"},
    }
    return EmailMessage(**{**fields, **kwargs})


def test_a_message_arrives_with_its_headers_and_its_dotted_lines_intact(server):
    with EmailBackend() as backend:
        backend.send_committed(message(), Commit(server))
    [msg] = server.mailbox.wait_for(1)
    assert msg["To"] == "sian.evans@example.org"
    assert msg["From"] == "SignMe <petitions@example.org>"
    assert msg["Subject"] == "Confirm your signature"
    assert msg["Message-ID"] == "<signme.1.20261001@example.org>"
    # A lone "." would have ended the message early had it not been doubled.
    lines = msg.get_content().splitlines()
    assert lines == ["Hello Siân,", ".", ".leading dot", "..two dots", "end"]


def test_commit_runs_exactly_once_after_the_body_and_before_the_server_keeps_the_message(
    server,
):
    commit = Commit(server)
    with EmailBackend() as backend:
        backend.send_committed(message(), commit)
    assert commit.calls == 1
    assert commit.messages_at_server == 0
    assert server.handler.events == ["commit", ACCEPTED]
    assert len(server.mailbox.wait_for(1)) == 1


def test_when_commit_declines_the_server_keeps_nothing_and_the_caller_is_told(server):
    backend = EmailBackend()
    backend.open()
    commit = Commit(server, answer=False)
    with pytest.raises(CommitDeclined, match="dropped, not sent"):
        backend.send_committed(message(subject="abandoned"), commit)
    assert commit.calls == 1
    assert backend.connection is None  # closed before the final dot
    # The same backend reconnects for the next message; only that one arrives.
    backend.send_committed(message(subject="next"), Commit(server))
    backend.close()
    assert [m["Subject"] for m in server.mailbox.received()] == ["next"]
    assert server.handler.events == ["commit", "commit", ACCEPTED]


def test_when_commit_fails_the_server_keeps_nothing_and_the_error_reaches_the_caller(server):
    with EmailBackend() as backend:
        with pytest.raises(RuntimeError, match="database went away"):
            backend.send_committed(message(), Commit(server, RuntimeError("database went away")))
    assert server.mailbox.received() == []
    assert ACCEPTED not in server.handler.events


def test_a_refused_recipient_raises_before_commit_and_the_connection_stays_usable(server):
    commit = Commit(server)
    with EmailBackend() as backend:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            backend.send_committed(message(to="refused@example.org"), commit)
        assert refused.value.recipients["refused@example.org"][0] == 550
        assert commit.calls == 0
        backend.send_committed(message(subject="after"), Commit(server))
    assert [m["Subject"] for m in server.mailbox.wait_for(1)] == ["after"]


def test_a_refused_sender_raises_before_commit(server):
    commit = Commit(server)
    with EmailBackend() as backend:
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            backend.send_committed(message(from_email="banned@example.org"), commit)
    assert refused.value.smtp_code == 553
    assert commit.calls == 0


def test_a_message_rejected_at_the_final_dot_raises_after_commit(server):
    server.handler.data_reply = "554 5.6.0 Message rejected"
    commit = Commit(server)
    with EmailBackend() as backend:
        with pytest.raises(smtplib.SMTPDataError) as rejected:
            backend.send_committed(message(), commit)
    assert rejected.value.smtp_code == 554
    assert commit.calls == 1  # the caller must undo its commit
    assert server.mailbox.messages == []


def test_with_the_server_down_opening_raises_and_nothing_is_committed(server):
    server.stop()
    commit = Commit(server)
    backend = EmailBackend()
    with pytest.raises(ConnectionRefusedError):
        backend.open()
    with pytest.raises(ConnectionRefusedError):
        backend.send_committed(message(), commit)
    assert commit.calls == 0


def test_a_message_without_recipients_is_refused_before_connecting(server):
    backend = EmailBackend()
    with pytest.raises(ValueError, match="no recipients"):
        backend.send_committed(message(to=None), Commit(server))
    assert backend.connection is None


def test_the_final_dot_is_not_held_back_by_nagles_algorithm(server):
    with EmailBackend() as backend:
        sock = backend.connection.sock
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


# --- The outbox, delivering through this backend ------------------------------


def row_state_seen_by_the_server():
    """What the mail server's thread reads from the database (the tests that
    use it commit as they go, so another connection sees the rows)."""
    try:
        return [(row.sent_at is not None, row.claimed_by) for row in OutboundEmail.objects.all()]
    finally:
        connections.close_all()  # this ran on the mail server's thread


def test_the_outbox_marks_an_email_sent_before_the_server_may_keep_it(
    transactional_db, petition, server
):
    row = queue_email("custom", "good@example.org", subject="one", text="t")
    seen = []
    server.handler.on_rcpt = lambda: seen.append(("rcpt", row_state_seen_by_the_server()))
    server.handler.on_data = lambda: seen.append(("data", row_state_seen_by_the_server()))
    assert deliver_all("w1") == 1
    assert seen == [("rcpt", [(False, "w1")]), ("data", [(True, "w1")])]
    [msg] = server.mailbox.wait_for(1)
    row.refresh_from_db()
    assert msg["Message-ID"] == row.message_id


def test_an_email_rejected_at_the_final_dot_is_unmarked_and_retried_later(petition, server):
    server.handler.data_reply = "554 5.6.0 Message rejected"
    queue_email("custom", "good@example.org", subject="one", text="t")
    assert deliver_batch("w1") == 0
    row = OutboundEmail.objects.get()
    assert row.sent_at is None and row.message_id == "" and row.claimed_by == ""
    assert row.attempts == 1 and row.last_error == "refused: SMTPDataError"


def test_a_connection_lost_after_the_final_dot_counts_as_sent_never_twice(
    petition, server, settings
):
    settings.EMAIL_CONNECTIONS = 1
    server.handler.hang_up_after_data = True
    queue_email("custom", "first@example.org", subject="one", text="t")
    queue_email("custom", "second@example.org", subject="two", text="t")
    assert deliver_batch("w1") == 1
    first, second = OutboundEmail.objects.order_by("id")
    assert first.sent_at is not None
    assert first.last_error == "uncertain: SMTPServerDisconnected after the final dot"
    assert second.sent_at is None and second.attempts == 1 and second.claimed_by == ""
    assert second.last_error == "connection: SMTPServerDisconnected"
    server.handler.hang_up_after_data = False
    OutboundEmail.objects.update(send_after=first.created_at)  # the backoff has passed
    assert deliver_all() == 1
    # The server did get the first before hanging up: one copy of each, no more.
    assert [m["Subject"] for m in server.mailbox.received()] == ["one", "two"]


def test_an_email_whose_claim_another_worker_took_over_is_not_sent(
    transactional_db, petition, server
):
    queue_email("custom", "good@example.org", subject="one", text="t")

    def taken_over():
        # Our lease ran out while the server was slow; another worker claimed the row.
        OutboundEmail.objects.update(claimed_by="w2")
        connections.close_all()  # this runs on the mail server's thread

    server.handler.on_rcpt = taken_over
    assert deliver_batch("w1") == 0
    row = OutboundEmail.objects.get()
    assert row.claimed_by == "w2" and row.sent_at is None and row.attempts == 0
    assert server.mailbox.received() == []
    assert ACCEPTED not in server.handler.events


class CommitMany:
    """commit_many for send_in_lanes: notes each call's messages and how many
    messages the server had kept by then; declines the indices in `decline`."""

    def __init__(self, server, decline=()):
        self.server, self.decline = server, set(decline)
        self.calls = []

    def __call__(self, indices):
        kept = len(self.server.mailbox.received())
        self.calls.append((sorted(indices), kept))
        self.server.handler.events.append("commit")
        return set(indices) - self.decline


def test_a_batch_is_pipelined_with_each_commit_before_its_final_dot(server):
    batch = [message(subject="one"), message(to="refused@example.org"), message(subject="three")]
    writes = []
    commit = CommitMany(server)
    with EmailBackend(lanes=1) as backend:
        send = backend.connection.send
        backend.connection.send = lambda data: (writes.append(data), send(data))[1]
        outcomes = backend.send_in_lanes(batch, commit)
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], smtplib.SMTPRecipientsRefused)
    # One lane: one message a commit, each before its own final dot.
    assert commit.calls == [([0], 0), ([2], 1)]
    assert [m["Subject"] for m in server.mailbox.wait_for(2)] == ["one", "three"]
    # One message's final dot and the next one's envelope left in one write.
    grouped = [w for w in writes if isinstance(w, bytes) and w.startswith(b".\r\nMAIL FROM:")]
    assert grouped and grouped[0].endswith(b"DATA\r\n")


def test_lanes_send_a_round_of_messages_with_one_commit_before_their_final_dots(server):
    batch = [message(subject=f"m{n}") for n in range(7)]
    commit = CommitMany(server)
    with EmailBackend(lanes=3) as backend:
        outcomes = backend.send_in_lanes(batch, commit)
    assert outcomes == [None] * 7
    # Three lanes: rounds of three, three and one, each committed before
    # any of its messages was kept (the server had the rounds before).
    assert commit.calls == [([0, 1, 2], 0), ([3, 4, 5], 3), ([6], 6)]
    received = server.mailbox.wait_for(7)
    assert sorted(m["Subject"] for m in received) == [f"m{n}" for n in range(7)]


def test_a_lane_whose_commit_declines_is_closed_and_its_message_never_kept(server):
    batch = [message(subject=f"m{n}") for n in range(4)]
    commit = CommitMany(server, decline={1})
    with EmailBackend(lanes=2) as backend:
        outcomes = backend.send_in_lanes(batch, commit)
    assert isinstance(outcomes[1], CommitDeclined)
    assert outcomes[0] is None and outcomes[2] is None and outcomes[3] is None
    # The other lane carried on alone.
    assert commit.calls == [([0, 1], 0), ([2], 1), ([3], 2)]
    assert sorted(m["Subject"] for m in server.mailbox.wait_for(3)) == ["m0", "m2", "m3"]


def test_when_the_commit_fails_no_message_of_the_round_or_after_is_kept(server):
    def failing(indices):
        raise RuntimeError("database went away")

    batch = [message(subject=f"m{n}") for n in range(3)]
    with EmailBackend(lanes=2) as backend:
        outcomes = backend.send_in_lanes(batch, failing)
    assert [type(o) for o in outcomes] == [RuntimeError] * 3
    assert server.mailbox.received() == []
    assert ACCEPTED not in server.handler.events


def test_lanes_lost_after_their_final_dots_count_as_sent_and_the_rest_wait(
    petition, server, settings
):
    settings.EMAIL_CONNECTIONS = 2
    server.handler.hang_up_after_data = True
    for subject in ("one", "two", "three"):
        queue_email("custom", f"{subject}@example.org", subject=subject, text="t")
    # "one" and "two" go out together, one lane each; both lanes are hung
    # up on after their final dots, "three"'s envelope already on the first.
    assert deliver_batch("w1") == 2
    one, two, three = OutboundEmail.objects.order_by("id")
    for row in (one, two):
        assert row.sent_at is not None
        assert row.last_error == "uncertain: SMTPServerDisconnected after the final dot"
    assert three.sent_at is None and three.attempts == 1 and three.claimed_by == ""
    server.handler.hang_up_after_data = False
    OutboundEmail.objects.update(send_after=one.created_at)  # the backoff has passed
    assert deliver_all() == 1
    assert sorted(m["Subject"] for m in server.mailbox.received()) == ["one", "three", "two"]
