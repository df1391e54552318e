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
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from signme.lib.emails import delivery_address

from .kinds import Rendered, one_batch, prepare, render
from .models import OutboundEmail
from .prepared import django_message, envelope_for
from .smtp import CommitDeclined, Envelope
from .smtp import EmailBackend as CommittingBackend

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

    def due(bulk: bool, n: int) -> list[int]:
        # On PostgreSQL each worker passes over the rows another is claiming
        # (SKIP LOCKED), so several workers claim different batches at once
        # instead of racing for the same one; SQLite has one writer anyway.
        rows = _claimable(now, bulk).select_for_update(skip_locked=True)
        return list(rows.order_by("send_after", "id").values_list("id", flat=True)[:n])

    with transaction.atomic():
        ids = due(False, limit)
        room = limit - len(ids)
        if bulk_limit is not None:
            room = min(room, bulk_limit)
        if room > 0:
            ids += due(True, room)
        if not ids:
            return []
        # The conditional UPDATE is the claim: of two workers racing for a
        # row, only one sees its WHERE still true.
        OutboundEmail.objects.filter(id__in=ids, sent_at=None).filter(
            Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout())
        ).update(claimed_by=worker_id, claimed_at=now)
    return list(
        OutboundEmail.objects.filter(id__in=ids, claimed_by=worker_id, sent_at=None)
        # What a confirmation shows, in three queries for the batch rather
        # than three an email: the signatures joined, then each of their
        # petitions and organisations once, shared by all its rows (a surge's
        # batch is one petition's, and building 500 copies of it was a fifth
        # of a worker's time).
        .select_related("signature")
        .prefetch_related("signature__petition__organisation")
        .order_by("bulk", "send_after", "id")
    )


def message_id(row: OutboundEmail) -> str:
    # Worked out once a row: the message and its mark both need it.
    if getattr(row, "_message_id", None) is None:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
        row._message_id = f"<signme.{row.pk}.{row.created_at:%Y%m%d%H%M%S}@{domain}>"
    return row._message_id


def build_message(row: OutboundEmail, connection=None) -> EmailMultiAlternatives | None:
    rendered = render(row)
    if rendered is None:
        return None
    return _message(row, rendered, connection)


def _message(
    row: OutboundEmail, rendered: Rendered, connection=None, batch: dict | None = None
) -> EmailMultiAlternatives | Envelope:
    """The email Django builds; or, within a batch, the same bytes filled
    into the message prepared for its templates (prepared.py), when they can be."""
    # Django would encode the domain by IDNA 2003 (straße.de as strasse.de):
    # send where canonical_email says the mailbox is.
    to = delivery_address(row.to)
    from_email = rendered.from_email or settings.DEFAULT_FROM_EMAIL
    mid = message_id(row)
    if batch is not None:
        envelope = envelope_for(rendered, to, mid, from_email, batch)
        if envelope is not None:
            return envelope
    return django_message(rendered, to, mid, from_email, connection)


_CONNECTION_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    ConnectionError,
    socket.timeout,
    OSError,
)

# This message was refused; the connection is still good.
_REFUSED = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPNotSupportedError,
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


class _MarkSent:
    """Marks one claimed row sent, once: the commit the SMTP backend runs
    before the final dot. False if another worker has taken the row over
    (our claim ran out), and then it must not be sent."""

    def __init__(self, row: OutboundEmail, worker_id: str):
        self.row, self.worker_id = row, worker_id
        self.done = False

    def __call__(self) -> bool:
        # Plain SQL: run once per email, where the ORM's query building showed up.
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_MARK_SENT, [now, message_id(self.row), self.row.pk, self.worker_id])
            self.done = cursor.rowcount == 1
        return self.done

    def undo(self):
        if self.done:
            OutboundEmail.objects.filter(pk=self.row.pk, claimed_by=self.worker_id).update(
                sent_at=None, message_id=""
            )
            self.done = False


# Marks a round's emails at once: one statement, whichever lanes they went by.
# A row is claimed only while unsent and keeps the claim of whoever sent it,
# so "claimed by this worker" also says "not sent yet". sent_at is not
# tested as well: during a surge PostgreSQL's statistics still see a nearly
# empty queue, and a test of sent_at then leads it to read the whole queue
# by its index on sent_at (16 ms a mark at 20,000 queued) instead of each
# row by its id.
_MARK_MANY_SENT = (
    f"UPDATE {OutboundEmail._meta.db_table} SET sent_at = %s, message_id = v.column2"
    " FROM {not_waiting}(VALUES {values}) AS v"
    " WHERE id = v.column1 AND claimed_by = %s RETURNING id"
)


class _MarksSent:
    """_MarkSent for a pipelined batch: marks the emails of a round sent in
    one statement and remembers which it marked. An email left out was
    taken over by another worker (our claim ran out).

    On PostgreSQL the mark commits without waiting for the disk
    (synchronous_commit off, set inside the statement, so it lasts only its
    own transaction and never outlives the mark, on this connection or,
    behind a pooler that hands the connection on, anyone else's). What this
    keeps and what it gives up:

    - The mark is still committed before the final dot, visible to every
      other worker at once, and kept if this worker dies: the database
      server writes it to disk within three of its wal_writer_delay (0.6 s
      by default). A killed worker still sends nothing twice.
    - If the database server itself crashes (or its machine) before that
      write, the marks of the emails sent in those last 0.6 s are lost, so
      those emails go again: after a database crash, the last moment's
      confirmations may arrive twice. None is ever lost.

    Signatures and everything a request acknowledges still wait for the disk."""

    def __init__(self, rows: list[OutboundEmail], worker_id: str):
        self.rows, self.worker_id = rows, worker_id
        self.done: set[int] = set()  # indices into rows
        self.not_waiting = ""
        if connection.vendor == "postgresql":
            self.not_waiting = "(SELECT set_config('synchronous_commit', 'off', true)) AS nw, "

    def __call__(self, indices: list[int]) -> set[int]:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = _MARK_MANY_SENT.format(
            not_waiting=self.not_waiting, values=", ".join(["(%s, %s)"] * len(indices))
        )
        params = [now]
        by_pk = {}
        for i in indices:
            row = self.rows[i]
            params += [row.pk, message_id(row)]
            by_pk[row.pk] = i
        params.append(self.worker_id)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            marked = {by_pk[pk] for (pk,) in cursor.fetchall()}
        self.done |= marked
        return marked

    def undo(self, i: int):
        if i in self.done:
            OutboundEmail.objects.filter(pk=self.rows[i].pk, claimed_by=self.worker_id).update(
                sent_at=None, message_id=""
            )
            self.done.discard(i)


def deliver_batch(
    worker_id: str | None = None, limit: int = 100, rate: float | None = None, backend=None
) -> int:
    """Send one batch over the backend's SMTP connections. Returns how many
    were sent. A worker passes its own `backend` to keep the connections open
    between batches; without one, they are opened and closed for this batch."""
    worker_id = worker_id or uuid.uuid4().hex
    rate = settings.EMAIL_RATE if rate is None else rate
    # A claimed batch must be sent well within the claim's lease.
    bulk_limit = max(1, int(rate * settings.EMAIL_CLAIM_TIMEOUT / 2)) if rate > 0 else None
    rows = claim_batch(worker_id, limit, bulk_limit)
    if not rows:
        return 0
    passed = backend is not None
    backend = backend or get_connection()
    # File and memory backends write a file per opening: closed after each batch.
    kept_open = passed and isinstance(backend, CommittingBackend)
    try:
        if isinstance(backend, CommittingBackend):
            backend.ensure_open()
        else:
            backend.open()
    except _CONNECTION_ERRORS as e:
        log.warning("mail server unreachable, %d emails wait: %s", len(rows), type(e).__name__)
        _release(rows, worker_id, f"connection: {type(e).__name__}")
        return 0
    sent = 0
    try:
        if isinstance(backend, CommittingBackend):
            # Confirmations pipelined; bulk emails one by one, at the rate set.
            sent, stopped = _deliver_pipelined(backend, [r for r in rows if not r.bulk], worker_id)
            rows = [r for r in rows if r.bulk]
            if stopped is not None:
                if _lost_connection(stopped):
                    _release(rows, worker_id, f"connection: {type(stopped).__name__}")
                return sent
        for i, row in enumerate(rows):
            mark_sent = _MarkSent(row, worker_id)
            try:
                _deliver(backend, row, mark_sent, rate)
            except CommitDeclined:
                log.warning("lost the claim on email %s; leaving it to the other worker", row.pk)
                break
            except _CONNECTION_ERRORS as e:
                sent += _connection_lost(rows[i:], worker_id, mark_sent, e)
                break
            sent += mark_sent.done
    finally:
        if not kept_open:
            try:
                backend.close()
            except Exception:  # noqa: BLE001 - a dead connection cannot be closed cleanly
                pass
    return sent


def _deliver_pipelined(
    backend: CommittingBackend, rows: list[OutboundEmail], worker_id: str
) -> tuple[int, Exception | None]:
    """Send claimed rows as one pipelined batch over the backend's lanes,
    each marked sent before its final dot. Returns how many were sent, and
    what stopped the batch early (a lost connection or claim), if anything did."""
    ready = []
    try:
        prepare(rows)
    except Exception:  # noqa: BLE001 - then each row looks up what it needs itself
        log.exception("could not prepare a batch of %d emails", len(rows))
    # Emails from the same templates are rendered and built once for the batch.
    with one_batch() as batch:
        for row in rows:
            try:
                rendered = render(row)
                msg = None if rendered is None else _message(row, rendered, backend, batch)
            except Exception as e:  # noqa: BLE001 - one bad row must not stop the queue
                log.exception("could not build email %s", row.pk)
                _release([row], worker_id, f"error: {type(e).__name__}")
                continue
            if msg is None:
                _close_unwanted(row, worker_id)
                continue
            ready.append((row, msg))
    if not ready:
        return 0, None
    marks = _MarksSent([row for row, _ in ready], worker_id)
    outcomes = backend.send_in_lanes([msg for _, msg in ready], marks)
    sent, stopped, declined = 0, None, False
    for i, ((row, _), outcome) in enumerate(zip(ready, outcomes, strict=True)):
        committed = i in marks.done
        if outcome is None:
            sent += committed
        elif isinstance(outcome, CommitDeclined):
            declined = stopped = outcome
        elif committed and _lost_connection(outcome):
            # The server had the whole message; whether it kept it is
            # unknowable. Counted as sent: a missed email is better than a
            # second copy.
            OutboundEmail.objects.filter(pk=row.pk).update(
                last_error=f"uncertain: {type(outcome).__name__} after the final dot"
            )
            sent += 1
        else:
            marks.undo(i)
            if isinstance(outcome, _REFUSED):
                kind = "refused"
            elif _lost_connection(outcome):
                kind, stopped = "connection", outcome
            else:
                kind = "error"
                log.warning("could not send email %s: %s", row.pk, type(outcome).__name__)
            _release([row], worker_id, f"{kind}: {type(outcome).__name__}")
    if declined:
        log.warning("lost the claim on some emails; leaving them to the other worker")
    if _lost_connection(stopped):
        log.warning("lost a connection to the mail server; the emails it had wait")
        if backend.connection is not None:
            stopped = None  # another lane's: this one still works for the bulk emails
    return sent, stopped


def _lost_connection(error: BaseException | None) -> bool:
    # smtplib's refusals are OSErrors too.
    return isinstance(error, _CONNECTION_ERRORS) and not isinstance(error, _REFUSED)


def _deliver(backend, row: OutboundEmail, mark_sent: _MarkSent, rate: float):
    """Build and send one claimed row. A refused or unbuildable email is
    released for a later retry; a lost claim or connection ends the batch."""
    try:
        msg = build_message(row, backend)
        if msg is None:
            _close_unwanted(row, mark_sent.worker_id)
            return
        if row.bulk:
            _throttle.wait(rate)
        if isinstance(backend, CommittingBackend):
            backend.send_committed(msg, mark_sent)
        else:  # file or memory backends: nothing to lose in between
            msg.send()
            mark_sent()
    except _REFUSED as e:
        mark_sent.undo()
        _release([row], mark_sent.worker_id, f"refused: {type(e).__name__}")
    except (CommitDeclined, *_CONNECTION_ERRORS):
        raise
    except Exception as e:  # noqa: BLE001 - one bad row must not stop the queue
        log.exception("could not build email %s", row.pk)
        mark_sent.undo()
        _release([row], mark_sent.worker_id, f"error: {type(e).__name__}")


def _close_unwanted(row: OutboundEmail, worker_id: str):
    # Withdrawn since it was queued (unsubscribed, erased): closed without sending.
    OutboundEmail.objects.filter(pk=row.pk, claimed_by=worker_id).update(
        sent_at=timezone.now(), last_error="not sent: no longer wanted"
    )


def _connection_lost(rows, worker_id: str, mark_sent: _MarkSent, error: Exception) -> int:
    """Release the rows not sent; returns 1 if the first was committed."""
    name = type(error).__name__
    if mark_sent.done:
        # The server had the whole message; whether it kept it is
        # unknowable. Counted as sent: a missed update is better than a
        # second copy.
        OutboundEmail.objects.filter(pk=mark_sent.row.pk).update(
            last_error=f"uncertain: {name} after the final dot"
        )
        rows = rows[1:]
    log.warning("mail server went away; %d emails wait", len(rows))
    _release(rows, worker_id, f"connection: {name}")
    return int(mark_sent.done)


def deliver_all(worker_id: str | None = None) -> int:
    """Send everything due now (tests and the command line)."""
    total = 0
    while n := deliver_batch(worker_id):
        total += n
    return total
