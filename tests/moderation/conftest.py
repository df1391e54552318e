"""Signatures stored as the online and paper flows would have stored them,
with the details the rules look at: address, email, name, time, sheet."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from signme.audit.models import AuditEvent
from signme.mailing.models import OutboundEmail
from signme.petitions.models import Invalidation, Sheet, Signature
from signme.petitions.validity import settle

START = timezone.make_aware(datetime(2026, 10, 1, 10, 0))


def add(petition, name="Siân Evans", *, email=None, ip=None, at=None, **fields) -> Signature:
    """One confirmed online signature unless told otherwise, decided at once.
    Each gets an email of its own unless given one ("" for none)."""
    if email is None:
        email = f"signer{Signature.objects.count()}@example.org"
    signature = Signature.objects.create(
        petition=petition,
        name=name,
        email=email,
        email_canonical=email.lower(),
        client_ip=ip,
        source=fields.pop("source", Signature.Source.WEB),
        status=fields.pop("status", Signature.Status.VERIFIED),
        notice=petition.current_notice,
        created_at=at or START,
        **fields,
    )
    settle(Signature.objects.filter(pk=signature.pk))
    signature.refresh_from_db()
    return signature


def typed_sheet(petition, serial: str, rows: int) -> tuple[Sheet, list[Signature]]:
    """A returned sheet, typed up, with `rows` counted rows."""
    sheet = Sheet.objects.create(
        petition=petition,
        serial=serial,
        tally=rows,
        returned_at=START,
        transcribed_at=START,
        status=Sheet.Status.TRANSCRIBED,
    )
    signatures = [
        add(
            petition,
            f"Paper Signer {row}",
            email="",
            source=Signature.Source.PAPER,
            sheet=sheet,
            sheet_row=row,
        )
        for row in range(1, rows + 1)
    ]
    return sheet, signatures


def snapshot(petition) -> dict:
    """Everything an invalidation, an undo or a review could change."""
    return {
        "signatures": list(
            Signature.objects.filter(petition=petition)
            .order_by("pk")
            .values_list("pk", "validity", "validity_reason", "invalidation", "flagged", "status")
        ),
        "invalidations": list(
            Invalidation.objects.order_by("pk").values_list("pk", "matched", "undone_at")
        ),
        "audit": AuditEvent.objects.count(),
        "emails": OutboundEmail.objects.count(),
    }


@pytest.fixture
def ids():
    """The ids a queryset holds, for comparing with exactly what should match."""

    def _ids(signatures) -> set[int]:
        return set(signatures.values_list("pk", flat=True))

    return _ids


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
