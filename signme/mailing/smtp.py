"""Django's SMTP email backend, plus a send that cannot duplicate or lose mail.

A mail server keeps a message only once it reads the final "." of DATA. If
the outbox marks its row sent just before that dot, a worker killed before
the mark leaves nothing at the server (the connection drops, the half message
is discarded) and the row is sent again later; killed after it, the row is
already sent. Nobody gets two copies and nobody none: the one gap left is
between a finished commit and writing three bytes.

smtplib's sendmail() writes the dot straight after the body, so
send_committed() speaks MAIL, RCPT and DATA itself.
"""

import re
import smtplib
import socket
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends import smtp
from django.core.mail.message import sanitize_address

# The connection is gone (as opposed to the server answering no).
_CONNECTION_LOST = (smtplib.SMTPServerDisconnected, ConnectionError, socket.timeout)


class CommitDeclined(Exception):
    """commit() returned False: the message was abandoned before its final
    dot, so the server keeps nothing."""


def _dot_stuffed(data: bytes) -> bytes:
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

    def send_committed(self, message: EmailMessage, commit: Callable[[], bool]) -> None:
        """Send `message`, calling commit() once the server has the whole body
        but before the final dot that makes it keep it.

        Raises CommitDeclined if commit() returns False, smtplib's errors if
        the server refuses the sender, every recipient or the message, and
        OSError if it cannot be reached. fail_silently does not apply: the
        caller must know. Opens the connection if needed and leaves it open
        unless the message had to be abandoned."""
        recipients = message.recipients()
        if not recipients:
            raise ValueError("the message has no recipients")
        encoding = message.encoding or settings.DEFAULT_CHARSET
        sender = sanitize_address(message.from_email, encoding)
        recipients = [sanitize_address(address, encoding) for address in recipients]
        body = _dot_stuffed(message.message().as_bytes(linesep="\r\n"))
        with self._lock:
            if self.connection is None and not self.open():
                raise smtplib.SMTPServerDisconnected("could not connect to the mail server")
            try:
                self._envelope(sender, recipients)
                self._data(body, commit)
            except _CONNECTION_LOST:
                self._abandon()
                raise

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
