"""The durable outbox: queue in the caller's transaction, deliver from a worker.

Written here rather than on django-tasks because an email needs what a generic
task queue leaves out: an exactly-one claim per row across workers on SQLite
and PostgreSQL alike, retry with backoff while the SMTP server is down, a
permanent failure state, and a row the rights and retention code can find and
erase by signer.
"""

import logging
import smtplib
import socket
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.utils import timezone

from .models import OutboundEmail
from .registry import render

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
CLAIM_TIMEOUT = timedelta(minutes=5)


def queue_email(kind: str, to: str, **fields) -> OutboundEmail:
    """Add an email to the outbox. Call inside the transaction that caused it."""
    return OutboundEmail.objects.create(kind=kind, to=to, **fields)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def claim_batch(worker_id: str, limit: int = 100) -> list[OutboundEmail]:
    now = timezone.now()
    due = (
        OutboundEmail.objects.filter(sent_at=None, failed_at=None, send_after__lte=now)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .order_by("send_after", "id")
        .values_list("id", flat=True)[:limit]
    )
    ids = list(due)
    if not ids:
        return []
    # The conditional UPDATE is the claim: of two workers racing for a row,
    # only one sees its WHERE still true.
    OutboundEmail.objects.filter(id__in=ids, sent_at=None).filter(
        Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    ).update(claimed_by=worker_id, claimed_at=now)
    return list(
        OutboundEmail.objects.filter(id__in=ids, claimed_by=worker_id, sent_at=None).order_by(
            "send_after", "id"
        )
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
        to=[row.to],
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


def deliver_batch(worker_id: str | None = None, limit: int = 100) -> int:
    """Send one batch over one SMTP connection. Returns how many were sent."""
    worker_id = worker_id or uuid.uuid4().hex
    rows = claim_batch(worker_id, limit)
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
            try:
                msg = build_message(row, connection)
                if msg is not None:
                    msg.send()
            except (
                smtplib.SMTPRecipientsRefused,
                smtplib.SMTPDataError,
                smtplib.SMTPSenderRefused,
                smtplib.SMTPNotSupportedError,
            ) as e:
                # This message was refused; the connection is still good.
                _release([row], worker_id, f"refused: {type(e).__name__}")
                continue
            except _CONNECTION_ERRORS as e:
                log.warning("mail server went away; %d emails wait", len(rows) - i)
                _release(rows[i:], worker_id, f"connection: {type(e).__name__}")
                break
            except Exception as e:  # noqa: BLE001 - one bad row must not stop the queue
                log.exception("could not build email %s", row.pk)
                _release([row], worker_id, f"error: {type(e).__name__}")
                continue
            OutboundEmail.objects.filter(pk=row.pk, claimed_by=worker_id).update(
                sent_at=timezone.now(), message_id=message_id(row)
            )
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
