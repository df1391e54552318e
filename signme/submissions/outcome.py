"""Telling signers what became of the petition."""

from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from signme.audit.log import record
from signme.mailing.models import OutboundEmail
from signme.people.contact import Recipient, email_recipients
from signme.petitions.models import Petition

from .models import Outcome


def outcome_recipients(petition: Petition) -> Iterator[Recipient]:
    """Everyone who may be emailed about this petition under the consent
    rules: verified, email consent current, not suppressed, erased or under a
    stop notice, one per person."""
    return email_recipients(petition)


def outcome_is_news(outcome: Outcome) -> bool:
    """Something to tell that signers have not been told yet."""
    if outcome.is_empty:
        return False
    return outcome.signers_told_at is None or outcome.updated_at > outcome.signers_told_at


def tell_signers(petition: Petition, user) -> int:
    """Queue the outcome email to every recipient; each is rendered when sent,
    so anyone erased or opted out in between is skipped."""
    n = 0
    batch = []
    with transaction.atomic():
        for recipient in outcome_recipients(petition):
            batch.append(
                OutboundEmail(
                    kind="petition_outcome",
                    to=recipient.email,
                    signature_id=recipient.signature_id,
                    petition=petition,
                    bulk=True,
                )
            )
            if len(batch) >= 1000:
                OutboundEmail.objects.bulk_create(batch)
                n += len(batch)
                batch = []
        OutboundEmail.objects.bulk_create(batch)
        n += len(batch)
        Outcome.objects.filter(petition=petition).update(signers_told_at=timezone.now())
        record(user, "send", f"outcome of petition {petition.number}", petition=petition, count=n)
    return n
