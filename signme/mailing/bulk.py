"""Email to many signers: the one path for organisers' updates and for the
news of a petition's outcome.

A Campaign row is both the job and its cursor. Recipients are queued in order
of signature id, a batch at a time, each batch committed together with the
cursor, so a crash resumes where it stopped; the unique (campaign, person)
constraint makes a repeated batch harmless. Who may be emailed is not decided
here: the caller passes `recipients`, a function of (petition, after) that
yields objects with signature_id, email and email_canonical (see
signme.people.contact.email_recipients)."""

from collections.abc import Callable, Iterable
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from signme.audit.log import Action, record

from .models import Campaign, OutboundEmail

BATCH = 1000

Recipients = Callable[..., Iterable]


def one_line(value: str) -> str:
    """A header value from free text: a line break typed into an organisation's
    name would make every email it sends unbuildable (and is how headers are
    injected), so all whitespace folds to single spaces."""
    return " ".join((value or "").split())


def sender(organisation) -> str:
    """The organisation by name, from the platform's address: the person sees
    who is writing, and the mail still passes SPF and DKIM."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((one_line(organisation.name), address or "petitions@localhost"))


def list_headers(organisation, url: str) -> dict:
    headers = {
        # RFC 2369 and RFC 8058: mail programs show an unsubscribe button, and
        # one POST to the URL stops the emails with no page to fill in.
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    # An address has no whitespace; a stray line break must not end the header.
    if reply_to := "".join((organisation.email or "").split()):
        headers["Reply-To"] = reply_to
    return headers


def start_sending(campaign: Campaign, user=None) -> bool:
    """Press send. True the first time; a second press changes nothing."""
    return bool(
        Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
            status=Campaign.Status.QUEUED, queued_at=timezone.now(), queued_by=user
        )
    )


def _claim(worker_id: str, campaign_id: int | None = None) -> Campaign | None:
    now = timezone.now()
    stale = now - timezone.timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT)
    waiting = Campaign.objects.filter(
        status__in=[Campaign.Status.QUEUED, Campaign.Status.QUEUING]
    ).filter(Q(fanout_claimed_at=None) | Q(fanout_claimed_at__lt=stale))
    if campaign_id is None:
        campaign_id = waiting.order_by("queued_at", "id").values_list("id", flat=True).first()
        if campaign_id is None:
            return None
    claimed = waiting.filter(pk=campaign_id).update(
        status=Campaign.Status.QUEUING, fanout_claimed_by=worker_id, fanout_claimed_at=now
    )
    if not claimed:
        return None
    return Campaign.objects.select_related("petition").get(pk=campaign_id)


def fan_out(
    worker_id: str,
    recipients: Recipients,
    budget: int | None = 5000,
    on_progress=None,
    campaign_id: int | None = None,
) -> int:
    """Queue up to `budget` recipients (None: all) of one waiting campaign
    (the oldest, or `campaign_id`); returns how many rows were added."""
    campaign = _claim(worker_id, campaign_id)
    if campaign is None:
        return 0
    mine = Campaign.objects.filter(pk=campaign.pk, fanout_claimed_by=worker_id)
    now = timezone.now()
    added = 0
    batch = []

    def flush(last_id: int) -> bool:
        nonlocal added
        with transaction.atomic():
            created = OutboundEmail.objects.bulk_create(batch, ignore_conflicts=True)
            if not mine.update(fanout_after=last_id, fanout_claimed_at=timezone.now()):
                transaction.set_rollback(True)  # another worker took over
                return False
        added += len(created)
        batch.clear()
        if on_progress:
            on_progress(campaign.pk, last_id)
        return True

    last_id = campaign.fanout_after
    seen = 0
    for r in recipients(campaign.petition, after=campaign.fanout_after):
        batch.append(
            OutboundEmail(
                kind=campaign.kind,
                to=r.email,
                signature_id=r.signature_id,
                petition_id=campaign.petition_id,
                campaign_id=campaign.pk,
                recipient_key=r.email_canonical,
                bulk=True,
                send_after=now,
            )
        )
        last_id = r.signature_id
        seen += 1
        if len(batch) >= BATCH and not flush(last_id):
            return added
        if budget is not None and seen >= budget:
            if batch and not flush(last_id):
                return added
            mine.update(fanout_claimed_by="", fanout_claimed_at=None)
            return added
    if batch and not flush(last_id):
        return added
    total = OutboundEmail.objects.filter(campaign_id=campaign.pk).count()
    if mine.update(
        status=Campaign.Status.SENDING,
        recipients=total,
        fanout_claimed_by="",
        fanout_claimed_at=None,
    ):
        record(
            campaign.queued_by,
            Action.SEND,
            f"{campaign.get_kind_display()} ({campaign.pk}) queued to signers of "
            f"petition {campaign.petition.number}",
            petition=campaign.petition,
            count=total,
        )
    return added


def finish_sent_campaigns() -> int:
    done = 0
    for campaign_id in Campaign.objects.filter(status=Campaign.Status.SENDING).values_list(
        "id", flat=True
    ):
        if not OutboundEmail.objects.filter(
            campaign_id=campaign_id, sent_at=None, failed_at=None
        ).exists():
            done += Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).update(
                status=Campaign.Status.SENT, finished_at=timezone.now()
            )
    return done


def progress(campaign: Campaign) -> dict:
    rows = OutboundEmail.objects.filter(campaign=campaign).aggregate(
        queued=Count("id"),
        sent=Count("id", filter=Q(sent_at__isnull=False) & ~Q(message_id="")),
        skipped=Count("id", filter=Q(sent_at__isnull=False, message_id="")),
        failed=Count("id", filter=Q(failed_at__isnull=False)),
    )
    rows["waiting"] = rows["queued"] - rows["sent"] - rows["skipped"] - rows["failed"]
    rows["percent"] = (
        int(100 * (rows["sent"] + rows["skipped"]) / rows["queued"]) if rows["queued"] else 0
    )
    return rows
