"""Deleting on schedule: a petition's signers' personal data goes
`retention_days` after it closes.

Kept, so counts and the submission record still stand: the petition, source
(online or paper), sheet and row, status, eligibility answer, privacy notice
version, the consent records' wording and dates, and the dates signed and
confirmed. Blanked: name, email, address, postcode, phone."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from signme.audit import log as audit
from signme.audit.log import Action
from signme.petitions.models import Petition, Signature

from .rights import erase_signatures

CHUNK = 1000


def closed_on(petition: Petition) -> datetime | None:
    """When the petition stopped taking signatures: its closing time, or for
    one closed by hand without a closing time, when it was last changed."""
    if petition.closes_at and (
        petition.status == Petition.Status.CLOSED or petition.closes_at <= timezone.now()
    ):
        return petition.closes_at
    if petition.status == Petition.Status.CLOSED:
        return petition.updated_at
    return None


def deletion_date(petition: Petition) -> datetime | None:
    closed = closed_on(petition)
    return closed + timedelta(days=petition.retention_days) if closed else None


def live_personal_data(petition: Petition):
    return Signature.objects.filter(petition=petition, erased_at=None)


def anonymise_petition(petition: Petition) -> int:
    total = 0
    while True:
        ids = list(live_personal_data(petition).values_list("id", flat=True)[:CHUNK])
        if not ids:
            break
        # Not added to the suppression list: they did not object, their data
        # simply reached its end.
        total += erase_signatures(Signature.objects.filter(pk__in=ids), reason=None)
    if total:
        audit.record(
            None,
            Action.ANONYMISE,
            f"signatures of petition {petition.number}, "
            f"{petition.retention_days} days after closing",
            petition=petition,
            count=total,
        )
    return total


def anonymise_due(now=None) -> int:
    now = now or timezone.now()
    total = 0
    candidates = Petition.objects.filter(
        Q(status=Petition.Status.CLOSED) | Q(closes_at__lte=now)
    ).select_related("organisation")
    for petition in candidates:
        due = deletion_date(petition)
        if due and due <= now and live_personal_data(petition).exists():
            total += anonymise_petition(petition)
    return total
