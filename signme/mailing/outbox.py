"""The durable outbox: queue in the caller's transaction, deliver from a worker.

Written here rather than on django-tasks because an email needs what a generic
task queue leaves out: an exactly-one claim per row across workers on SQLite
and PostgreSQL alike, retry with backoff while the SMTP server is down, a
permanent failure state, and a row the rights and retention code can find and
erase by signer.
"""

import logging
import re
import smtplib
import socket
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import sanitize_address
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from signme.lib.emails import delivery_address

from .kinds import render
from .models import OutboundEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def claim_timeout() -> timedelta:
    return timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT)


def queue_email(kind: str, to: str, **fields) -> OutboundEmail:
    """Add an email to the outbox. Call inside the transaction that caused it."""
    return OutboundEmail.objects.create(kind=kind, to=to, **fields)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _claimable(now, bulk: bool):
    return OutboundEmail.objects.filter(
        bulk=bulk, sent_at=None, failed_at=None, send_after__lte=now
    ).filter(Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout()))


def claim_batch(
    worker_id: str, limit: int = 100, bulk_limit: int | None = None
) -> list[OutboundEmail]:
    """Claim up to `limit` due emails: transactional ones first, then bulk
    (at most `bulk_limit` of those), so a signer's confirmation never waits
    behind an update to 100,000 people."""
    now = timezone.now()
    ids = list(
        _claimable(now, False).order_by("send_after", "id").values_list("id", flat=True)[:limit]
    )
    room = limit - len(ids)
    if bulk_limit is not None:
        room = min(room, bulk_limit)
    if room > 0:
        ids += list(
            _claimable(now, True).order_by("send_after", "id").values_list("id", flat=True)[:room]
        )
    if not ids:
        return []
    # The conditional UPDATE is the claim: of two workers racing for a row,
    # only one sees its WHERE still true.
    OutboundEmail.objects.filter(id__in=ids, sent_at=None).filter(
        Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout())
    ).update(claimed_by=worker_id, claimed_at=now)
    return list(
        OutboundEmail.objects.filter(id__in=ids, claimed_by=worker_id, sent_at=None)
        .select_related("signature")
        .order_by("bulk", "send_after", "id")
    )


def message_id(row: OutboundEmail) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
    return f"<signme.{row.pk}.{row.created_at:%Y%m%d%H%M%S}@{domain}>"


def build_message(row: OutboundEmail, connection=None) -> EmailMultiAlternatives | None:
    rendered = render(row)
    if rendered is None:
        return None
    headers = {"Message-ID": message_id(row), **rendered.headers}
    msg = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=rendered.from_email or settings.DEFAULT_FROM_EMAIL,
        # Django would encode the domain by IDNA 2003 (straße.de as strasse.de):
        # send where canonical_email says the mailbox is.
        to=[delivery_address(row.to)],
        headers=headers,
        connection=connection,
    )
    if rendered.html:
        msg.attach_alternative(rendered.html, "text/html")
    return msg


_CONNECTION_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    ConnectionError,
    socket.timeout,
    OSError,
)


def _release(rows, worker_id: str, error: str):
    for row in rows:
        attempts = row.attempts + 1
        OutboundEmail.objects.filter(pk=row.pk, claimed_by=worker_id, sent_at=None).update(
            claimed_by="",
            claimed_at=None,
            attempts=attempts,
            last_error=error[:300],
            send_after=timezone.now() + backoff(attempts),
            failed_at=timezone.now() if attempts >= MAX_ATTEMPTS else None,
        )


class ClaimLost(Exception):
    """Another worker took the row over (our lease ran out): do not send."""


class Throttle:
    """At most `rate` bulk emails a second from this process (0: no limit)."""

    def __init__(self):
        self.next_at = 0.0

    def wait(self, rate: float):
        if rate <= 0:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = max(now, self.next_at) + 1.0 / rate


_throttle = Throttle()


_MARK_SENT = (
    f"UPDATE {OutboundEmail._meta.db_table} SET sent_at = %s, message_id = %s"
    " WHERE id = %s AND claimed_by = %s AND sent_at IS NULL"
)


def _mark_sent(row: OutboundEmail, worker_id: str, mid: str) -> bool:
    # Plain SQL: run once per email, where the ORM's query building showed up.
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _MARK_SENT, [connection.ops.adapt_datetimefield_value(now), mid, row.pk, worker_id]
        )
        return cursor.rowcount == 1


def _unmark_sent(row: OutboundEmail, worker_id: str):
    OutboundEmail.objects.filter(pk=row.pk, claimed_by=worker_id).update(
        sent_at=None, message_id=""
    )


def _send_smtp(smtp: smtplib.SMTP, msg: EmailMultiAlternatives, commit) -> None:
    """Send one message, committing it as sent between the body and the final
    "." of DATA.

    A mail server keeps a message only once it reads that final dot. Killed
    before the commit, the connection drops, the server discards the half
    message and the row is sent again later; killed after, the row is already
    marked sent. Either way nobody gets two copies and nobody none; the only
    gap left is between a finished commit and writing three bytes."""
    encoding = msg.encoding or settings.DEFAULT_CHARSET
    from_email = sanitize_address(msg.from_email, encoding)
    recipients = [sanitize_address(a, encoding) for a in msg.recipients()]
    data = msg.message().as_bytes(linesep="\r\n")
    smtp.ehlo_or_helo_if_needed()
    if smtp.sock is not None:
        # The final dot is a tiny write after a large one: without this, Nagle
        # and delayed ACKs hold it back 40 ms, capping a worker at 25 emails/s.
        smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    code, resp = smtp.mail(from_email)
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPSenderRefused(code, resp, from_email)
    refused = {}
    for rcpt in recipients:
        code, resp = smtp.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, resp)
    if len(refused) == len(recipients):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, resp = smtp.docmd("data")
    if code != 354:
        smtp.rset()
        raise smtplib.SMTPDataError(code, resp)
    body = re.sub(rb"(?m)^\.", b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body)
    if not commit():
        smtp.close()  # the server drops the unfinished message
        raise ClaimLost
    smtp.send(b".\r\n")
    code, resp = smtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, resp)


def deliver_batch(
    worker_id: str | None = None, limit: int = 100, rate: float | None = None
) -> int:
    """Send one batch over one SMTP connection. Returns how many were sent."""
    worker_id = worker_id or uuid.uuid4().hex
    rate = settings.EMAIL_RATE if rate is None else rate
    # A claimed batch must be sent well within the claim's lease.
    bulk_limit = max(1, int(rate * settings.EMAIL_CLAIM_TIMEOUT / 2)) if rate > 0 else None
    rows = claim_batch(worker_id, limit, bulk_limit)
    if not rows:
        return 0
    sent = 0
    connection = get_connection()
    try:
        connection.open()
    except _CONNECTION_ERRORS as e:
        log.warning("mail server unreachable, %d emails wait: %s", len(rows), type(e).__name__)
        _release(rows, worker_id, f"connection: {type(e).__name__}")
        return 0
    try:
        for i, row in enumerate(rows):
            committed = False
            try:
                msg = build_message(row, connection)
                if msg is None:
                    # Withdrawn since it was queued (unsubscribed, erased):
                    # closed without sending.
                    OutboundEmail.objects.filter(pk=row.pk, claimed_by=worker_id).update(
                        sent_at=timezone.now(), last_error="not sent: no longer wanted"
                    )
                    continue
                if row.bulk:
                    _throttle.wait(rate)
                mid = message_id(row)
                smtp = getattr(connection, "connection", None)
                if isinstance(smtp, smtplib.SMTP):

                    def commit(row=row, mid=mid):
                        nonlocal committed
                        committed = _mark_sent(row, worker_id, mid)
                        return committed

                    _send_smtp(smtp, msg, commit)
                else:  # file or memory backends: nothing to lose in between
                    msg.send()
                    committed = _mark_sent(row, worker_id, mid)
            except ClaimLost:
                log.warning("lost the claim on email %s; leaving it to the other worker", row.pk)
                break
            except (
                smtplib.SMTPRecipientsRefused,
                smtplib.SMTPDataError,
                smtplib.SMTPSenderRefused,
                smtplib.SMTPNotSupportedError,
            ) as e:
                # This message was refused; the connection is still good.
                if committed:
                    _unmark_sent(row, worker_id)
                _release([row], worker_id, f"refused: {type(e).__name__}")
                continue
            except _CONNECTION_ERRORS as e:
                if committed:
                    # The server had the whole message; whether it kept it is
                    # unknowable. Counted as sent: a missed update is better
                    # than a second copy.
                    OutboundEmail.objects.filter(pk=row.pk).update(
                        last_error=f"uncertain: {type(e).__name__} after the final dot"
                    )
                    sent += 1
                    i += 1
                log.warning("mail server went away; %d emails wait", len(rows) - i)
                _release(rows[i:], worker_id, f"connection: {type(e).__name__}")
                break
            except Exception as e:  # noqa: BLE001 - one bad row must not stop the queue
                log.exception("could not build email %s", row.pk)
                if committed:
                    _unmark_sent(row, worker_id)
                _release([row], worker_id, f"error: {type(e).__name__}")
                continue
            if committed:
                sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - a dead connection cannot be closed cleanly
            pass
    return sent


def deliver_all(worker_id: str | None = None) -> int:
    """Send everything due now (tests and the command line)."""
    total = 0
    while n := deliver_batch(worker_id):
        total += n
    return total
