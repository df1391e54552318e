"""Signatures stored as the online and paper flows would have stored them,
with the details the rules look at: address, email, name, time, sheet."""

import itertools
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from signme.audit.models import AuditEvent
from signme.mailing.models import OutboundEmail
from signme.petitions.models import Invalidation, Sheet, Signature
from signme.petitions.validity import settle

START = timezone.make_aware(datetime(2026, 10, 1, 10, 0))


_numbers = itertools.count(1)


def add(petition, name="Siân Evans", *, email=None, ip=None, at=None, **fields) -> Signature:
    """One confirmed online signature unless told otherwise, decided at once.
    Each gets an email of its own unless given one ("" for none)."""
    return add_many(petition, [dict(name=name, email=email, ip=ip, at=at, **fields)])[0]


def add_many(petition, people: list[dict]) -> list[Signature]:
    """add() for several at once: one INSERT and one decision for them all
    (the rules look at the whole petition, so deciding them together or one
    by one gives the same result)."""
    notice = petition.current_notice
    rows = []
    for person in people:
        fields = dict(person)
        email = fields.pop("email", None)
        if email is None:
            email = f"signer{next(_numbers)}@example.org"
        rows.append(
            Signature(
                petition=petition,
                name=fields.pop("name", "Siân Evans"),
                email=email,
                email_canonical=email.lower(),
                client_ip=fields.pop("ip", None),
                source=fields.pop("source", Signature.Source.WEB),
                status=fields.pop("status", Signature.Status.VERIFIED),
                notice=notice,
                created_at=fields.pop("at", None) or START,
                **fields,
            )
        )
    ids = [s.pk for s in Signature.objects.bulk_create(rows)]
    settle(Signature.objects.filter(pk__in=ids))
    return list(Signature.objects.filter(pk__in=ids).order_by("pk"))


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
