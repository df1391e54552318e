"""Telling signers what became of the petition."""

from collections.abc import Iterator

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from signme.audit.log import record
from signme.mailing.models import OutboundEmail
from signme.petitions.models import Channel, Consent, Petition, Signature

from .models import Outcome


def outcome_recipients(petition: Petition) -> Iterator[Signature]:
    """Verified signers whose latest email consent to the petition's
    organisation is 'given', one per canonical email, none erased.

    The one place to add suppression lists and contact preferences."""
    latest_email_consent = (
        Consent.objects.filter(
            signature=OuterRef("pk"),
            organisation_id=petition.organisation_id,
            channel=Channel.EMAIL,
        )
        .order_by("-created_at", "-id")
        .values("given")[:1]
    )
    signatures = (
        Signature.objects.filter(
            petition=petition, status=Signature.Status.VERIFIED, erased_at=None
        )
        .exclude(email_canonical="")
        .annotate(email_consent=Subquery(latest_email_consent))
        .filter(email_consent=True)
        .only("id", "email", "email_canonical", "name", "petition_id")
        .order_by("email_canonical", "id")
    )
    previous = None
    for signature in signatures.iterator(chunk_size=2000):
        if signature.email_canonical != previous:
            previous = signature.email_canonical
            yield signature


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
        for signature in outcome_recipients(petition):
            batch.append(
                OutboundEmail(
                    kind="petition_outcome",
                    to=signature.email,
                    signature=signature,
                    petition=petition,
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
