"""Django's SMTP email backend, plus a send that cannot duplicate or lose mail.

A mail server keeps a message only once it reads the final "." of DATA. If
the outbox marks its row sent just before that dot, a worker killed before
the mark leaves nothing at the server (the connection drops, the half message
is discarded) and the row is sent again later; killed after it, the row is
already sent. Nobody gets two copies and nobody none: the one gap left is
between a finished commit and writing three bytes.

smtplib's sendmail() writes the dot straight after the body, so
send_committed() speaks MAIL, RCPT and DATA itself.

send_pipelined() keeps that promise for a batch over one connection, where
the server offers PIPELINING (RFC 2920): one message's final dot goes out in
the same write as the next message's MAIL, RCPT and DATA, so a message costs
one round trip instead of four. smtplib has no pipelining (each command waits
for its reply), hence the few lines that write commands themselves. (How
durable the outbox's commit is on PostgreSQL: outbox._MarkSent.)
"""

import re
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends import smtp
from django.core.mail.message import sanitize_address

# The connection is gone (as opposed to the server answering no).
_CONNECTION_LOST = (smtplib.SMTPServerDisconnected, ConnectionError, socket.timeout)


class CommitDeclined(Exception):
    """commit() returned False: the message was abandoned before its final
    dot, so the server keeps nothing."""


class BatchStopped(Exception):
    """A pipelined batch stopped part-way: the connection was lost, or a
    commit declined or failed (`cause`). `outcomes` holds the messages
    finished before it, in order; `uncertain` says whether the next one's
    final dot had gone out (its commit ran; whether the server kept it is
    unknowable). The messages after those were not sent."""

    def __init__(self, outcomes: list, uncertain: bool, cause: BaseException):
        super().__init__(f"batch stopped after {len(outcomes)} messages: {cause!r}")
        self.outcomes, self.uncertain, self.cause = outcomes, uncertain, cause


@dataclass
class Envelope:
    """A message as SMTP sends it. send_committed() and send_pipelined() take
    one in place of an EmailMessage when the caller has built the bytes
    itself (see prepared.py)."""

    sender: str
    recipients: list[str]
    body: bytes  # dot-stuffed, CRLF line ends, without the final dot
    commands: bytes = b""  # MAIL, RCPT and DATA, as pipelining writes them


def dot_stuffed(data: bytes) -> bytes:
    # What smtplib.SMTP.data() does: CRLF line ends, a line starting with "."
    # gets another, so only the final dot ends the message.
    data = re.sub(rb"\r\n|\r|\n", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend (send_messages() is unchanged) with
    send_committed() for the outbox."""

    def open(self):
        opened = super().open()
        if opened and self.connection.sock is not None:
            # The final dot is a tiny write after a large one: without this,
            # Nagle and delayed ACKs hold it back 40 ms, capping a worker at
            # 25 emails a second.
            self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return opened

    def ensure_open(self) -> None:
        """Open the connection, or check that the one kept open still works
        (servers close idle ones): a NOOP per batch, not per message."""
        if self.connection is not None:
            try:
                if self.connection.noop()[0] == 250:
                    return
            except (smtplib.SMTPException, OSError):
                pass
            self._abandon()
        self.open()

    def send_committed(self, message: EmailMessage | Envelope, commit: Callable[[], bool]) -> None:
        """Send `message`, calling commit() once the server has the whole body
        but before the final dot that makes it keep it.

        Raises CommitDeclined if commit() returns False, smtplib's errors if
        the server refuses the sender, every recipient or the message, and
        OSError if it cannot be reached. fail_silently does not apply: the
        caller must know. Opens the connection if needed and leaves it open
        unless the message had to be abandoned."""
        envelope = envelope_of(message)
        sender, recipients, body = envelope.sender, envelope.recipients, envelope.body
        with self._lock:
            if self.connection is None and not self.open():
                raise smtplib.SMTPServerDisconnected("could not connect to the mail server")
            try:
                self._envelope(sender, recipients)
                self._data(body, commit)
            except _CONNECTION_LOST:
                self._abandon()
                raise

    def send_pipelined(
        self, messages: list[tuple[EmailMessage | Envelope, Callable[[], bool]]]
    ) -> list[Exception | None]:
        """send_committed() for each message in turn over one connection,
        pipelined where the server offers it. Returns, for each message, None
        if the server kept it or the error that refused it (as send_committed
        raises it; for a refusal at the final dot the commit has run and the
        caller undoes it). A lost connection, or a commit that declines or
        fails, stops the batch: BatchStopped."""
        outcomes: list[Exception | None] = []
        with self._lock:
            if self.connection is None and not self.open():
                raise smtplib.SMTPServerDisconnected("could not connect to the mail server")
            self.connection.ehlo_or_helo_if_needed()
            if not self.connection.has_extn("pipelining"):
                return self._send_one_by_one(messages)
            # The last message's final dot, sent with the next envelope and
            # answered before the next reply.
            self._dot_pending = False
            try:
                for message, commit in messages:
                    try:
                        envelope = envelope_of(message)
                    except Exception as e:  # noqa: BLE001 - refused like a bad address
                        outcomes.append(e)
                        continue
                    self._pipeline(envelope, commit, outcomes)
                if self._dot_pending:
                    self.connection.send(b".\r\n")
                    outcomes.append(self._final_dot_reply())
            except Exception as e:  # a lost connection, a declined or failed commit
                self._abandon()
                raise BatchStopped(outcomes, self._dot_pending, e) from e
            except BaseException:
                self._abandon()
                raise
        return outcomes

    def _pipeline(self, envelope: Envelope, commit, outcomes: list) -> None:
        """Send one message, the previous one's final dot ahead of its
        envelope; once its body is out and committed, its own dot is pending."""
        conn = self.connection
        conn.send((b".\r\n" if self._dot_pending else b"") + envelope.commands)
        if self._dot_pending:
            outcomes.append(self._final_dot_reply())
            self._dot_pending = False
        mail = conn.getreply()
        rcpts = [conn.getreply() for _ in envelope.recipients]
        data = conn.getreply()
        if 421 in (mail[0], data[0], *(code for code, _ in rcpts)):
            raise smtplib.SMTPServerDisconnected("the server is closing the connection")
        refused = {
            r: reply for r, reply in zip(envelope.recipients, rcpts, strict=True)
            if reply[0] not in (250, 251)
        }  # fmt: skip
        error = None
        if mail[0] != 250:
            error = smtplib.SMTPSenderRefused(*mail, envelope.sender)
        elif len(refused) == len(envelope.recipients):
            error = smtplib.SMTPRecipientsRefused(refused)
        elif data[0] != 354:
            error = smtplib.SMTPDataError(*data)
        if error is not None:
            if data[0] == 354:  # a server that let DATA through anyway: end it empty
                conn.send(b".\r\n")
                conn.getreply()
            self._reset(mail[0])
            if self.connection is None:
                raise smtplib.SMTPServerDisconnected("the server hung up on a refusal")
            outcomes.append(error)
            return
        conn.send(envelope.body)
        if not commit():
            raise CommitDeclined("commit() declined: the message was dropped, not sent")
        self._dot_pending = True

    def _final_dot_reply(self) -> Exception | None:
        code, reply = self.connection.getreply()
        if code == 421:
            raise smtplib.SMTPServerDisconnected("the server is closing the connection")
        return None if code == 250 else smtplib.SMTPDataError(code, reply)

    def _send_one_by_one(self, messages) -> list[Exception | None]:
        outcomes: list[Exception | None] = []
        for message, commit in messages:
            try:
                self.send_committed(message, commit)
                outcomes.append(None)
            except (*_CONNECTION_LOST, CommitDeclined) as e:
                raise BatchStopped(outcomes, False, e) from e
            except smtplib.SMTPDataError as e:
                outcomes.append(e)
            except (smtplib.SMTPException, ValueError, UnicodeError) as e:
                if self.connection is None:  # the server hung up on the refusal
                    raise BatchStopped(outcomes, False, e) from e
                outcomes.append(e)
            except Exception as e:  # the commit failed
                raise BatchStopped(outcomes, False, e) from e
        return outcomes

    def _envelope(self, sender: str, recipients: list[str]):
        conn = self.connection
        conn.ehlo_or_helo_if_needed()
        code, reply = conn.mail(sender)
        if code != 250:
            self._reset(code)
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        refused = {}
        for address in recipients:
            code, reply = conn.rcpt(address)
            if code not in (250, 251):
                refused[address] = (code, reply)
        if len(refused) == len(recipients):
            self._reset(code)
            raise smtplib.SMTPRecipientsRefused(refused)

    def _data(self, body: bytes, commit: Callable[[], bool]):
        conn = self.connection
        code, reply = conn.docmd("data")
        if code != 354:
            self._reset(code)
            raise smtplib.SMTPDataError(code, reply)
        conn.send(body)
        try:
            committed = commit()
        except BaseException:
            self._abandon()
            raise
        if not committed:
            self._abandon()
            raise CommitDeclined("commit() declined: the message was dropped, not sent")
        conn.send(b".\r\n")
        code, reply = conn.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)

    def _reset(self, code: int):
        """After a refusal, ready the connection for the next message."""
        if code == 421:  # the server is closing the connection
            self._abandon()
            return
        try:
            self.connection.rset()
        except smtplib.SMTPServerDisconnected:
            self._abandon()

    def _abandon(self):
        # Close without the final dot or QUIT: the server discards an
        # unfinished message. The next send opens a new connection.
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def envelope_of(message: EmailMessage | Envelope) -> Envelope:
    if isinstance(message, Envelope):
        return message
    recipients = message.recipients()
    if not recipients:
        raise ValueError("the message has no recipients")
    encoding = message.encoding or settings.DEFAULT_CHARSET
    envelope = Envelope(
        sanitize_address(message.from_email, encoding),
        [sanitize_address(address, encoding) for address in recipients],
        dot_stuffed(message.message().as_bytes(linesep="\r\n")),
    )
    envelope.commands = envelope_commands(envelope.sender, envelope.recipients)
    return envelope


def envelope_commands(sender: str, recipients: list[str]) -> bytes:
    commands = [f"MAIL FROM:{smtplib.quoteaddr(sender)}"]
    commands += [f"RCPT TO:{smtplib.quoteaddr(r)}" for r in recipients]
    commands.append("DATA")
    # ASCII, as smtplib sends commands without SMTPUTF8; a bad address fails here.
    return "".join(f"{c}\r\n" for c in commands).encode("ascii")
