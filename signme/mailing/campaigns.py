"""Organisers' updates to signers: queue, fan out, render, report progress."""

import logging
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone

from signme.audit import log as audit

from .models import Campaign, OutboundEmail
from .registry import Rendered, renderer

log = logging.getLogger(__name__)

KIND = "organiser_update"
TEST_KIND = "organiser_update_test"
_LINK = "@@UNSUBSCRIBE_URL@@"
FANOUT_BATCH = 1000


def sender(organisation) -> str:
    """The organisation by name, from the platform's address: the person sees
    who is writing, and the mail still passes SPF and DKIM."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((organisation.name, address or "petitions@localhost"))


def _parts(campaign: Campaign, test: bool = False) -> tuple[str, str]:
    petition = campaign.petition
    context = {
        "campaign": campaign,
        "petition": petition,
        "organisation": petition.organisation,
        "unsubscribe_url": _LINK,
        "test": test,
        "base_url": settings.BASE_URL,
    }
    return (
        render_to_string("mailing/organiser_update.txt", context),
        render_to_string("mailing/organiser_update.html", context),
    )


# Rendered once per campaign and process: 100,000 emails differ only in their
# unsubscribe link. Safe to cache because a campaign cannot change once queued.
_cache: dict[int, tuple] = {}


def _cached(campaign_id: int):
    hit = _cache.get(campaign_id)
    if hit is None:
        campaign = Campaign.objects.select_related("petition__organisation").get(pk=campaign_id)
        text, html = _parts(campaign)
        hit = (campaign, text, html)
        if len(_cache) > 32:
            _cache.clear()
        _cache[campaign_id] = hit
    return hit


@receiver(post_save, sender=Campaign)
def _forget(sender, instance, **kwargs):
    _cache.pop(instance.pk, None)


def list_headers(organisation, url: str) -> dict:
    headers = {
        # RFC 2369 and RFC 8058: mail programs show an unsubscribe button, and
        # one POST to the URL stops the emails with no page to fill in.
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    if organisation.email:
        headers["Reply-To"] = organisation.email
    return headers


@renderer(KIND)
def organiser_update(row) -> Rendered | None:
    from signme.people.contact import may_contact
    from signme.people.links import unsubscribe_url

    campaign, text, html = _cached(row.campaign_id)
    signature = row.signature
    organisation = campaign.petition.organisation
    if signature is None or signature.erased_at or not signature.email_canonical:
        return None
    if not may_contact(organisation.pk, signature.email_canonical, "email", signature.phone):
        return None
    url = unsubscribe_url(signature.pk)
    return Rendered(
        subject=campaign.subject,
        text=text.replace(_LINK, url),
        html=html.replace(_LINK, url),
        headers=list_headers(organisation, url),
        from_email=sender(organisation),
    )


@renderer(TEST_KIND)
def organiser_update_test(row) -> Rendered | None:
    campaign = Campaign.objects.select_related("petition__organisation").get(pk=row.campaign_id)
    organisation = campaign.petition.organisation
    text, html = _parts(campaign, test=True)
    url = settings.BASE_URL + "/unsubscribe/test"
    return Rendered(
        subject=f"[Test] {campaign.subject}",
        text=text.replace(_LINK, url),
        html=html.replace(_LINK, url),
        headers=list_headers(organisation, url),
        from_email=sender(organisation),
    )


def send_test(campaign: Campaign, to: str) -> OutboundEmail:
    with transaction.atomic():
        row = OutboundEmail.objects.create(
            kind=TEST_KIND, to=to, campaign=campaign, petition=campaign.petition
        )
        Campaign.objects.filter(pk=campaign.pk).update(test_sent_at=timezone.now())
    return row


def start_sending(campaign: Campaign, user=None) -> bool:
    """Press send. True the first time; a second press changes nothing."""
    return bool(
        Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
            status=Campaign.Status.QUEUED, queued_at=timezone.now(), queued_by=user
        )
    )


def fan_out(worker_id: str, budget: int = 5000, on_progress=None) -> int:
    """Queue up to `budget` recipients of one campaign that is waiting; returns
    how many rows were added. Resumable: the cursor and the unique
    (campaign, person) constraint make a repeat after a crash harmless."""
    from signme.people.contact import email_recipients

    now = timezone.now()
    stale = now - timezone.timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT)
    free = Q(fanout_claimed_at=None) | Q(fanout_claimed_at__lt=stale)
    waiting = Campaign.objects.filter(
        status__in=[Campaign.Status.QUEUED, Campaign.Status.QUEUING]
    ).filter(free)
    campaign_id = waiting.order_by("queued_at", "id").values_list("id", flat=True).first()
    if campaign_id is None:
        return 0
    claimed = waiting.filter(pk=campaign_id).update(
        status=Campaign.Status.QUEUING, fanout_claimed_by=worker_id, fanout_claimed_at=now
    )
    if not claimed:
        return 0
    campaign = Campaign.objects.select_related("petition").get(pk=campaign_id)
    mine = Campaign.objects.filter(pk=campaign_id, fanout_claimed_by=worker_id)
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
            on_progress(campaign_id, last_id)
        return True

    last_id = campaign.fanout_after
    seen = 0
    for r in email_recipients(campaign.petition, after=campaign.fanout_after):
        batch.append(
            OutboundEmail(
                kind=KIND,
                to=r.email,
                signature_id=r.signature_id,
                petition_id=campaign.petition_id,
                campaign_id=campaign_id,
                recipient_key=r.email_canonical,
                bulk=True,
                send_after=now,
            )
        )
        last_id = r.signature_id
        seen += 1
        if len(batch) >= FANOUT_BATCH and not flush(last_id):
            return added
        if seen >= budget:
            if batch and not flush(last_id):
                return added
            mine.update(fanout_claimed_by="", fanout_claimed_at=None)
            return added
    if batch and not flush(last_id):
        return added
    total = OutboundEmail.objects.filter(campaign_id=campaign_id, kind=KIND).count()
    if mine.update(
        status=Campaign.Status.SENDING,
        recipients=total,
        fanout_claimed_by="",
        fanout_claimed_at=None,
    ):
        audit.record(
            campaign.queued_by,
            "send",
            f"update {campaign_id} queued to signers of petition {campaign.petition.number}",
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
            campaign_id=campaign_id, kind=KIND, sent_at=None, failed_at=None
        ).exists():
            done += Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).update(
                status=Campaign.Status.SENT, finished_at=timezone.now()
            )
    return done


def progress(campaign: Campaign) -> dict:
    rows = OutboundEmail.objects.filter(campaign=campaign, kind=KIND).aggregate(
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
