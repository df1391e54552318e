"""Signatures are anonymised `retention_days` after a petition closes."""

from datetime import timedelta

from django.utils import timezone

from signme.audit.models import AuditEvent
from signme.people.retention import anonymise_due, deletion_date
from signme.petitions.counting import compute_counts
from signme.petitions.models import Petition, Signature


def _close(petition, days_ago):
    Petition.objects.filter(pk=petition.pk).update(
        status="closed", closes_at=timezone.now() - timedelta(days=days_ago), retention_days=30
    )
    petition.refresh_from_db()


def test_signatures_are_anonymised_after_the_retention_period_and_still_count(signer, petition):
    s = signer(phone="07700 900123")
    before = compute_counts(petition.pk)
    _close(petition, 31)
    assert anonymise_due() == 1
    s.refresh_from_db()
    assert (s.name, s.email, s.address, s.postcode, s.phone) == ("",) * 5
    assert s.status == "verified" and s.source == "web" and s.notice_id and s.created_at
    assert compute_counts(petition.pk).total == before.total
    assert AuditEvent.objects.filter(action="anonymise", count=1).exists()
    assert anonymise_due() == 0


def test_nothing_is_deleted_before_the_date(signer, petition):
    signer()
    _close(petition, 29)
    assert anonymise_due() == 0
    assert Signature.objects.get().name == "Siân Evans"
    assert deletion_date(petition) > timezone.now()


def test_an_open_petition_keeps_its_signers(signer, petition):
    signer()
    assert anonymise_due(now=timezone.now() + timedelta(days=3650)) == 0


def test_organisers_see_what_will_be_deleted_and_when(client, signer, petition, organiser):
    signer()
    _close(petition, 1)
    client.force_login(organiser)
    page = client.get("/organise/petitions/1500/")
    when = deletion_date(petition).strftime("%-d %B %Y").encode()
    assert b"Personal data of 1 signature" in page.content and when in page.content
    assert b"Write an update to signers" in page.content


def test_volunteers_see_the_date_but_no_email_tools(client, signer, petition, volunteer):
    client.force_login(volunteer)
    page = client.get("/organise/petitions/1500/")
    assert b"will be deleted" in page.content
    assert b"Write an update to signers" not in page.content
