"""Telling signers what became of the petition."""

import uuid
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from signme.mailing import bulk
from signme.mailing.kinds import EmailKind
from signme.mailing.models import Campaign
from signme.people.contact import Recipient, email_recipients
from signme.petitions.models import Petition

from .models import Outcome


def outcome_recipients(petition: Petition, after: int = 0) -> Iterator[Recipient]:
    """Everyone who may be emailed about this petition under the consent
    rules: verified, email consent current, not suppressed, erased or under a
    stop notice, one per person."""
    return email_recipients(petition, after=after)


def outcome_is_news(outcome: Outcome) -> bool:
    """Something to tell that signers have not been told yet."""
    if outcome.is_empty:
        return False
    return outcome.signers_told_at is None or outcome.updated_at > outcome.signers_told_at


def tell_signers(petition: Petition, user) -> int:
    """Queue the outcome email to every recipient, through the same resumable
    bulk path as organisers' updates, and return how many were queued. Each
    copy is rendered when sent, so anyone erased or opted out in between is
    skipped; if this request dies half-way the worker finishes the queuing."""
    with transaction.atomic():
        campaign = Campaign.objects.create(
            petition=petition,
            kind=EmailKind.PETITION_OUTCOME,
            subject=f"The outcome of petition {petition.number}",
            body="",
            created_by=user,
        )
        bulk.start_sending(campaign, user)
        Outcome.objects.filter(petition=petition).update(signers_told_at=timezone.now())
    worker = f"outcome-{uuid.uuid4().hex[:8]}"
    return bulk.fan_out(worker, outcome_recipients, budget=None, campaign_id=campaign.pk)
