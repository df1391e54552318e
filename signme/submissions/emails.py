"""Emails about thresholds and outcomes."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse

from signme.mailing.emails import render_kind
from signme.mailing.outbox import queue_email
from signme.mailing.registry import Rendered, renderer
from signme.petitions.models import Membership, Signature, ThresholdReached

from .models import Outcome


def organiser_emails(petition) -> list[str]:
    users = (
        Membership.objects.filter(
            organisation_id=petition.organisation_id, role=Membership.Role.ORGANISER
        )
        .select_related("user")
        .order_by("user_id")
    )
    found = []
    for m in users:
        address = m.user.email or (m.user.username if "@" in m.user.username else "")
        if address and address not in found:
            found.append(address)
    return found


@receiver(post_save, sender=ThresholdReached)
def tell_organisers_threshold_reached(sender, instance, created, raw=False, **kwargs):
    """Runs inside the transaction that records the threshold (get_or_create),
    so the email is queued exactly when the row is stored."""
    if not created or raw:
        return
    petition = instance.petition
    context = {
        "petition": petition,
        "threshold": instance.threshold,
        "reached": instance,
        "target": petition.target,
        "organise_url": settings.BASE_URL + reverse("organise_petition", args=[petition.number]),
    }
    rendered = render_kind("threshold_reached", context)
    with transaction.atomic():
        for address in organiser_emails(petition):
            queue_email(
                "threshold_reached",
                address,
                petition=petition,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
            )


@renderer("petition_outcome")
def petition_outcome(row) -> Rendered | None:
    from signme.mailing.campaigns import list_headers, sender
    from signme.people.contact import may_contact
    from signme.people.links import unsubscribe_url

    signature: Signature | None = row.signature
    if signature is None or signature.erased_at or not signature.email_canonical:
        return None
    petition = row.petition or signature.petition
    organisation = petition.organisation
    # Checked again at send time: an unsubscribe since queuing wins.
    if not may_contact(organisation.pk, signature.email_canonical, "email", signature.phone):
        return None
    outcome = Outcome.objects.filter(petition=petition).first()
    if outcome is None or outcome.is_empty:
        return None
    url = unsubscribe_url(signature.pk)
    rendered = render_kind(
        "petition_outcome",
        {
            "petition": petition,
            "organisation": organisation,
            "target": petition.target,
            "outcome": outcome,
            "name": signature.name,
            "petition_url": settings.BASE_URL + petition.get_absolute_url(),
            "unsubscribe_url": url,
        },
    )
    rendered.headers = list_headers(organisation, url)
    rendered.from_email = sender(organisation)
    return rendered
