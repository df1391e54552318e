"""Django's SMTP email backend, plus a send that cannot duplicate or lose mail.

A mail server keeps a message only once it reads the final "." of DATA. If
the outbox marks its row sent just before that dot, a worker killed before
the mark leaves nothing at the server (the connection drops, the half message
is discarded) and the row is sent again later; killed after it, the row is
already sent. Nobody gets two copies and nobody none: the one gap left is
between a finished commit and writing three bytes.

smtplib's sendmail() writes the dot straight after the body, so
send_committed() speaks MAIL, RCPT and DATA itself.

send_in_lanes() keeps that promise for a batch, where the server offers
PIPELINING (RFC 2920), over several connections at once ("lanes"): each
lane's final dot goes out in the same write as its next MAIL, RCPT and DATA,
and one commit covers the message of every lane, so a round of N messages
costs one round trip to the mail server (the lanes' replies come in
together) and one commit, instead of N of each. One connection cannot do
that: SMTP has one message open at a time, and its commit must come between
its body and its dot. smtplib has no pipelining (each command waits for its
reply), hence the few lines that write commands themselves. (How durable the
outbox's commit is on PostgreSQL: outbox._MarkSent.)
"""

import collections
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


@dataclass
class Envelope:
    """A message as SMTP sends it. send_committed() and send_in_lanes() take
    one in place of an EmailMessage when the caller has built the bytes
    itself (see prepared.py)."""

    sender: str
    recipients: list[str]
    body: bytes  # dot-stuffed, CRLF line ends, without the final dot
    commands: bytes = b""  # MAIL, RCPT and DATA, as pipelining writes them


# A message send_in_lanes() has not finished with.
_UNSENT = object()


def dot_stuffed(data: bytes) -> bytes:
    # What smtplib.SMTP.data() does: CRLF line ends, a line starting with "."
    # gets another, so only the final dot ends the message.
    data = re.sub(rb"\r\n|\r|\n", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend (send_messages() is unchanged) with
    send_committed() and send_in_lanes() for the outbox."""

    def __init__(self, *args, lanes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lanes = settings.EMAIL_CONNECTIONS if lanes is None else lanes
        self._siblings: list[EmailBackend] = []

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

    def send_in_lanes(
        self, messages: list[EmailMessage | Envelope], commit_many: Callable[[list[int]], set[int]]
    ) -> list[BaseException | None]:
        """Send each message once over this backend's connections ("lanes"),
        pipelined, each committed before its final dot. Returns, for each
        message, None if the server kept it, or what stopped it: a refusal,
        a lost connection, CommitDeclined, or the error of a failed commit
        (also given to the messages the batch never reached).

        commit_many(indices) commits the messages whose bodies are out and
        returns those it committed; one call a round for all the lanes, so a
        round of N lanes costs one commit instead of N. Each lane is one
        SMTP transaction at a time; a lane's final dot goes out with its
        next envelope, straight after the round's commit. A lane whose
        connection is lost, or whose message's commit declined, is closed
        (the server discards an unfinished message) and the others go on.
        Whether a committed message with a lost connection was kept is
        unknowable: the caller knows which it committed."""
        outcomes: list = [_UNSENT] * len(messages)
        with self._lock:
            if self.connection is None and not self.open():
                raise smtplib.SMTPServerDisconnected("could not connect to the mail server")
            self.connection.ehlo_or_helo_if_needed()
            if not self.connection.has_extn("pipelining"):
                return self._send_one_by_one(messages, commit_many)
            lanes = [self, *self._open_siblings()]
            todo = collections.deque(range(len(messages)))
            due: dict[EmailBackend, int] = {}  # committed, its final dot not yet out
            stopped: BaseException | None = None
            try:
                while lanes and (todo or due):
                    lanes, to_commit, lost = self._round(lanes, messages, todo, due, outcomes)
                    stopped = lost or stopped
                    if not to_commit:
                        continue
                    try:
                        committed = commit_many([i for _, i in to_commit])
                    except Exception as e:  # the database went away: stop here
                        for lane, i in to_commit:
                            lane._abandon()
                            outcomes[i] = e
                        stopped = e
                        break
                    for lane, i in to_commit:
                        if i in committed:
                            due[lane] = i
                        else:
                            lane._abandon()
                            lanes.remove(lane)
                            outcomes[i] = stopped = CommitDeclined(
                                "commit() declined: the message was dropped, not sent"
                            )
            except Exception as e:  # noqa: BLE001 - unforeseen: no dot goes out after it
                for lane in lanes:
                    lane._abandon()
                stopped = e
            except BaseException:
                for lane in lanes:
                    lane._abandon()
                raise
        # Not sent: the batch stopped first (no lane left, the commit failed).
        return [stopped if outcome is _UNSENT else outcome for outcome in outcomes]

    def _round(self, lanes, messages, todo, due, outcomes):
        """One round: each lane writes its last message's final dot and its
        next envelope, then reads the replies and writes the body. Returns
        the lanes still open, the (lane, index) pairs to commit, and the
        last connection error, if any."""
        started, failed = {}, {}
        lost = None
        for lane in lanes:
            i = envelope = None
            while todo and envelope is None:
                i = todo.popleft()
                try:
                    envelope = envelope_of(messages[i])
                except Exception as e:  # noqa: BLE001 - refused like a bad address
                    outcomes[i], i = e, None
            data = (b".\r\n" if lane in due else b"") + (envelope.commands if envelope else b"")
            if not data:
                continue
            started[lane] = (i, envelope)
            try:
                lane.connection.send(data)
            except OSError as e:  # the connection is gone
                failed[lane] = e
        to_commit, open_lanes = [], []
        for lane in lanes:
            if lane not in started:
                open_lanes.append(lane)
                continue
            i, envelope = started[lane]
            try:
                if lane in failed:
                    raise failed[lane]
                if lane in due:
                    outcomes[due[lane]] = lane._final_dot_reply()
                    del due[lane]
                if envelope is not None:
                    error = lane._envelope_replies(envelope)
                    if error is None:
                        lane.connection.send(envelope.body)
                        to_commit.append((lane, i))
                    else:
                        outcomes[i] = error
            except (*_CONNECTION_LOST, OSError) as e:
                lost = e
                lane._abandon()
                if lane in due:
                    outcomes[due.pop(lane)] = e
                if envelope is not None and (lane, i) not in to_commit:
                    outcomes[i] = e
                continue
            open_lanes.append(lane)
        return open_lanes, to_commit, lost

    def _open_siblings(self) -> list["EmailBackend"]:
        """The lanes besides this connection, opened or checked; one that
        cannot be opened is left out of this batch."""
        if len(self._siblings) != max(self.lanes - 1, 0):
            self._siblings = [self._sibling() for _ in range(max(self.lanes - 1, 0))]
        opened = []
        for lane in self._siblings:
            try:
                lane.ensure_open()
                lane.connection.ehlo_or_helo_if_needed()
            except (smtplib.SMTPException, OSError):
                lane._abandon()
                continue
            opened.append(lane)
        return opened

    def _sibling(self) -> "EmailBackend":
        return type(self)(
            host=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            use_ssl=self.use_ssl,
            timeout=self.timeout,
            ssl_keyfile=self.ssl_keyfile,
            ssl_certfile=self.ssl_certfile,
            lanes=1,
        )

    def close(self):
        for lane in self._siblings:
            lane.close()
        super().close()

    def _envelope_replies(self, envelope: Envelope) -> Exception | None:
        """Read the replies to a pipelined MAIL, RCPT and DATA. None if the
        body may follow; else the refusal, with the connection made ready
        for the next message."""
        conn = self.connection
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
        if error is None:
            return None
        if data[0] == 354:  # a server that let DATA through anyway: end it empty
            conn.send(b".\r\n")
            conn.getreply()
        self._reset(mail[0])
        if self.connection is None:
            raise smtplib.SMTPServerDisconnected("the server hung up on a refusal")
        return error

    def _final_dot_reply(self) -> Exception | None:
        code, reply = self.connection.getreply()
        if code == 421:
            raise smtplib.SMTPServerDisconnected("the server is closing the connection")
        return None if code == 250 else smtplib.SMTPDataError(code, reply)

    def _send_one_by_one(self, messages, commit_many) -> list[BaseException | None]:
        """send_in_lanes() on one connection, for a server without PIPELINING."""
        outcomes: list[BaseException | None] = [None] * len(messages)
        for n, message in enumerate(messages):
            try:
                self.send_committed(message, lambda n=n: n in commit_many([n]))
            except smtplib.SMTPDataError as e:
                outcomes[n] = e
            except (*_CONNECTION_LOST, CommitDeclined) as e:
                outcomes[n:] = [e] * (len(messages) - n)
                break
            except (smtplib.SMTPException, ValueError, UnicodeError) as e:
                outcomes[n] = e
                if self.connection is None:  # the server hung up on the refusal
                    outcomes[n:] = [e] * (len(messages) - n)
                    break
            except Exception as e:  # the commit failed
                outcomes[n:] = [e] * (len(messages) - n)
                break
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
